"""The service's own pages, outside any journey: home, accessibility statement, privacy notice,
cookies and picture credits."""

from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Blueprint, current_app, render_template
from flask_babel import format_date

from .languages import OWN_NAMES
from .wording import is_easy_read

bp = Blueprint("pages", __name__)

# When the accessibility statement and the privacy notice were last reviewed. Change these
# when their wording, or what the tests prove, changes.
STATEMENT_REVIEWED = date(2026, 11, 26)
PRIVACY_REVIEWED = date(2026, 11, 26)


@bp.get("/")
def index():
    return render_template("public/index.html")


@bp.get("/credits")
def credits():
    """Where the Easy Read pictures come from, and their licence."""
    from .easy_read import pictures_used

    return render_template("public/credits.html", pictures=pictures_used())


def _translated(code: str) -> bool:
    """Whether every message has a translation in ``code``'s catalog."""
    if code == current_app.config["BABEL_DEFAULT_LOCALE"]:
        return True
    catalog = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]) / code / "LC_MESSAGES"
    po = catalog / "messages.po"
    return po.exists() and _complete(str(po), po.stat().st_mtime)


@lru_cache(maxsize=8)
def _complete(path: str, _mtime: float) -> bool:
    with open(path, "rb") as f:
        messages = [m for m in read_po(f) if m.id]
    return all(
        m.string and (all(m.string) if isinstance(m.string, tuple) else True) and not m.fuzzy
        for m in messages
    )


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement, on the GOV.UK model. What it says it tests is what
    tests/browser/ proves: keep the two in step."""
    languages = current_app.config["LANGUAGES"]
    return render_template(
        "public/accessibility.html",
        languages=[OWN_NAMES[code] for code in languages],
        untranslated=[OWN_NAMES[code] for code in languages if not _translated(code)],
        reviewed=format_date(STATEMENT_REVIEWED, "long"),
    )


@bp.get("/privacy")
def privacy():
    template = "public/privacy_easy_read.html" if is_easy_read() else "public/privacy.html"
    return render_template(
        template,
        retention_months=current_app.config.get("RETENTION_MONTHS", 12),
        reviewed=format_date(PRIVACY_REVIEWED, "long"),
    )


@bp.get("/cookies")
def cookies():
    return render_template(
        "public/cookies.html", cookie_name=current_app.config["SESSION_COOKIE_NAME"]
    )
