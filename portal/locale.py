"""Which language and format a public page uses, and the switches that change them."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from babel import Locale
from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, session
from flask_babel import get_locale

from .questionnaire import FORMATS
from .wording import current_format

bp = Blueprint("preferences", __name__)


# A language code's locale for dates and numbers: plain "en" would format them the US way.
REGIONS = {"en": "en_GB"}


def babel_locale(code: str) -> str:
    return REGIONS.get(code, code)


@cache
def _parsed(code: str) -> Locale:
    # Flask-Babel parses whatever the selector returns on every request, and parsing checks
    # the locale data on disk; a Locale object it takes as it is.
    return Locale.parse(babel_locale(code))


def select() -> Locale:
    """The language of this request: a choice made for it (``g.lang_override``, e.g. the
    invitation's recorded language on the link's start page), else the one chosen for this
    visit, else English. Only codes in LANGUAGES are ever used. Staff pages and the agency's
    return are always English."""
    default = _parsed(current_app.config["BABEL_DEFAULT_LOCALE"])
    if not has_request_context() or (request.blueprint or "").startswith(("staff", "returns")):
        return default
    languages = current_app.config["LANGUAGES"]
    for choice in (g.get("lang_override"), session.get("lang")):
        if choice in languages:
            return _parsed(choice)
    return default


def language() -> str:
    """The language code in use now (inside force_locale too), e.g. to store with a response."""
    locale = get_locale()
    code = locale.language if locale else None
    return (
        code
        if code in current_app.config["LANGUAGES"]
        else current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, a scheme, or a protocol-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


@bp.post("/preferences")
def change():
    """Switch language or format. A POST with CSRF, because it changes the person's session;
    answers are saved on the server, so nothing already given is lost."""
    lang = request.form.get("lang")
    fmt = request.form.get("format")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    if fmt in FORMATS:
        session["format"] = fmt
    return redirect(safe_next(request.form.get("next")))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _choices():
        return {"current_format": current_format(), "current_lang": language()}
