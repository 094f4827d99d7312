"""The service's own pages, outside any journey."""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html")


@bp.get("/credits")
def credits():
    """Where the Easy Read pictures come from, and their licence."""
    from .easy_read import pictures_used

    return render_template("public/credits.html", pictures=pictures_used())
