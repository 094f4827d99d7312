"""Question pages rendered once, filled in per request.

GOV.UK Frontend's Jinja macros are slow: a question page took about 40 ms to render, almost all
of it in macro calls. The page's markup only varies with the page, language, format, back link
and date, so it is rendered once per such key with placeholders, and each request puts in its
own values: the CSP nonce, the CSRF token, and this person's saved answers (escaped).

Only a page with no errors is cached: a page showing validation errors is rendered in full.
Placeholders use a private-use character that no escaping touches and no answer can contain
(answers are cleaned of it before they are saved, see forms.clean_text).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from markupsafe import escape

MARK = "\ue000"
PLACEHOLDER = re.compile(f"{MARK}([a-z0-9_:]+){MARK}")
MAX_PAGES = 512


def placeholder(name: str) -> str:
    return f"{MARK}{name}{MARK}"


class PageCache:
    """A small bounded cache of rendered page templates, shared by one process's threads."""

    def __init__(self, size: int = MAX_PAGES):
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get_or_render(self, key: tuple, render: Callable[[], str]) -> str:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = render()
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
        return page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def fill(page: str, values: dict[str, str], checked: dict[str, list[str]]) -> str:
    """Put one request's values into a cached page. ``values`` are raw text (escaped here);
    ``checked`` maps a radio or checkbox group's name to the option codes to tick."""
    filled = PLACEHOLDER.sub(lambda m: str(escape(values.get(m.group(1), ""))), page)
    for name, codes in checked.items():
        for code in codes:
            input_tag = re.compile(
                rf'(<input\b[^>]*\bname="{re.escape(name)}"[^>]*\bvalue="{re.escape(code)}")'
            )
            filled = input_tag.sub(r"\1 checked", filled, count=1)
    return filled
