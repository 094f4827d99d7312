"""Question pages rendered once, filled in per request.

GOV.UK Frontend's Jinja macros are slow: a question page took about 40 ms to render, almost all
of it in macro calls. The page's markup only varies with the page, language, format, back link
and date, so it is rendered once per such key with placeholders, and each request puts in its
own values: the CSP nonce, the CSRF token, and this person's saved answers (escaped).

Only a page with no errors is cached: a page showing validation errors is rendered in full.
Placeholders use a private-use character that no escaping touches. A cached page is split at its
placeholders before any person's values go in, so nothing typed can be read as one (and the
request class strips the character from every form anyway, see portal/requests.py).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from markupsafe import escape

MARK = "\ue000"
PLACEHOLDER = re.compile(f"{MARK}([A-Za-z0-9_:-]+){MARK}")
CHOICE = re.compile(r'<input\b[^>]*\btype="(?:radio|checkbox)"[^>]*>')
NAME, VALUE = re.compile(r'\bname="([^"]*)"'), re.compile(r'\bvalue="([^"]*)"')
MAX_PAGES = 512


def placeholder(name: str) -> str:
    return f"{MARK}{name}{MARK}"


class PageCache:
    """A small bounded cache of rendered page templates, shared by one process's threads."""

    def __init__(self, size: int = MAX_PAGES):
        self._pages: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get_or_render(self, key: tuple, render: Callable[[], str]) -> tuple[str, ...]:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = prepare(render())
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
        return page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def prepare(page: str) -> tuple[str, ...]:
    """Split a rendered page at its placeholders, once, so filling it in is a join. Each radio
    and checkbox gets a placeholder right after its value, where " checked" goes if ticked."""

    def mark(match: re.Match) -> str:
        tag = match.group(0)
        name, value = NAME.search(tag), VALUE.search(tag)
        if name is None or value is None:
            return tag
        end = value.end()
        return tag[:end] + placeholder(f"c:{name.group(1)}:{value.group(1)}") + tag[end:]

    return tuple(PLACEHOLDER.split(CHOICE.sub(mark, page)))


def fill(parts: tuple[str, ...], values: dict[str, str], checked: dict[str, list[str]]) -> str:
    """Put one request's values into a prepared page. ``values`` are raw text (escaped here);
    ``checked`` maps a radio or checkbox group's name to the option codes to tick."""
    out = list(parts)
    for index in range(1, len(out), 2):  # odd parts are placeholder names
        name = out[index]
        if name.startswith("c:"):
            _, group, code = name.split(":", 2)
            out[index] = " checked" if code in checked.get(group, ()) else ""
        else:
            out[index] = escape(values.get(name, ""))
    return "".join(out)
