"""What every template can use."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _

from .wording import say

# Each language's own name for itself, as language switchers show them.
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg", "pl": "Polski"}


def footer_links() -> list[dict]:
    links = [{"href": url_for("pages.index"), "text": _("Home")}]
    for endpoint, text in (
        ("pages.accessibility", _("Accessibility statement")),
        ("pages.privacy", _("Privacy")),
        ("pages.cookies", _("Cookies")),
        ("pages.credits", _("Picture credits")),
    ):
        if endpoint in current_app.view_functions:
            links.append({"href": url_for(endpoint), "text": text})
    return links


def here() -> str:
    """This page's path, to come back to after a switch. Only GET pages can be returned to."""
    if request.method != "GET":
        return request.path
    return request.full_path.rstrip("?")


def init_app(app: Flask) -> None:
    @app.context_processor
    def _globals():
        return {
            "board": app.config["BOARD"],
            "say": say,
            "footer_links": footer_links,
            "here": here,
            "language_names": [(code, LANGUAGE_NAMES[code]) for code in app.config["LANGUAGES"]],
        }
