"""Turning the definition's wording into the words on a page: the chosen format, the active
language, and the board's names."""

from __future__ import annotations

from flask import current_app, g, session
from flask_babel import gettext

from .questionnaire import EASY_READ, FORMATS, STANDARD, Text


def current_format() -> str:
    fmt = g.get("format_override") or session.get("format")
    return fmt if fmt in FORMATS else STANDARD


def board_names() -> dict[str, str]:
    board = current_app.config["BOARD"]
    return {"council": board.council, "area": board.area, "board": board.name}


def translated(text) -> str:
    """Wording in the active language. The definition's wording is its message ids (plain
    strings, marked with questionnaire.N_), looked up in the catalogs here; a lazy string
    translates itself."""
    return gettext(text) if isinstance(text, str) else str(text)


def say(text, fmt: str | None = None, **values) -> str:
    """The words for ``text`` (a Text, a message id or a lazy string) in the current format and
    language, with the board's names and any ``values`` put in. A Text with no wording in this
    format (an Easy Read-only explanation, in the standard format) gives ""."""
    if isinstance(text, Text):
        text = text.get(fmt or current_format())
    if text is None:
        return ""
    words = translated(text)
    return words % {**board_names(), **values} if "%(" in words else words


def is_easy_read() -> bool:
    return current_format() == EASY_READ
