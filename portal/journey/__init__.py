"""The public journey: the adult (or someone acting for them) giving consent and feedback."""

from flask import Blueprint

bp = Blueprint("journey", __name__)

from . import views  # noqa: E402,F401  (routes register on import)
