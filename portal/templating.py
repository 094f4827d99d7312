"""What every template can use."""

from __future__ import annotations

from babel import Locale
from flask import Flask, request, url_for
from flask_babel import format_number, get_locale, ngettext
from flask_babel import gettext as _

from .languages import OWN_NAMES
from .wording import say


def footer_links() -> list[dict]:
    return [
        {"href": url_for(endpoint), "text": text}
        for endpoint, text in (
            ("pages.index", _("Home")),
            ("pages.accessibility", _("Accessibility statement")),
            ("pages.privacy", _("Privacy")),
            ("pages.cookies", _("Cookies")),
            ("pages.credits", _("Picture credits")),
        )
    ]


def character_count(max_length: int) -> dict:
    """The GOV.UK character count's messages in the page's language. Its script picks a message
    by the language's plural categories (Welsh has six, Polish four), with %{count} for the
    number, so each category gets the catalog's plural form for a number in that category."""
    rule = (get_locale() or Locale("en")).plural_form
    examples: dict[str, int] = {}
    for n in range(200):
        examples.setdefault(rule(n), n)
    # Integers never fall in "other" in some languages (Polish); the script falls back to it.
    examples.setdefault("other", examples.get("many", 2))

    count = "%{count}"
    return {
        "textareaDescriptionText": ngettext(
            "You can enter up to %(count)s character",
            "You can enter up to %(count)s characters",
            max_length,
            count=format_number(max_length),
        ),
        "charactersUnderLimitText": {
            tag: ngettext(
                "You have %(count)s character remaining",
                "You have %(count)s characters remaining",
                n,
                count=count,
            )
            for tag, n in examples.items()
        },
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {
            tag: ngettext(
                "You have %(count)s character too many",
                "You have %(count)s characters too many",
                n,
                count=count,
            )
            for tag, n in examples.items()
        },
    }


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
            "character_count": character_count,
            "language_names": [(code, OWN_NAMES[code]) for code in app.config["LANGUAGES"]],
        }
