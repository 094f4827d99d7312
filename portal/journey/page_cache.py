"""Journey pages rendered once, filled in per request.

GOV.UK Frontend's Jinja macros are slow: a question page took about 40 ms to render, almost all
of it in macro calls. So a page is rendered once for each distinct set of values its template
reads, with placeholders where each request's own values go: the CSP nonce, the CSRF token, the
page's own address (for the switchers), and this person's saved answers (escaped).

The key is derived, never listed: Jinja's own analysis finds every variable the template reads
(with the templates it extends, includes and imports), and the key holds each one's value from
what the template receives (the view's context and every context processor's), plus the language
and format that its functions (gettext, say) read. Plain values (text, numbers, dates, and lists
of them) count by value; anything else (the definition's objects, functions) by identity, and
the key holds on to it. So a variable a template starts to read is in the key without anyone
adding it, and a value made afresh per request can only make the cache miss, never serve one
person another's page. tests/test_page_cache.py holds every cached page equal to a full render.

Only a page with no errors is cached: a page showing validation errors is rendered in full.
Placeholders use a private-use character that no escaping touches. A cached page is split at its
placeholders before any person's values go in, so nothing typed can be read as one (and the
request class strips the character from every form anyway, see portal/requests.py).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from threading import Lock

from flask import current_app, render_template
from flask_babel import get_locale
from jinja2 import meta
from markupsafe import escape

from ..wording import current_format

MARK = "\ue000"
PLACEHOLDER = re.compile(f"{MARK}([A-Za-z0-9_:-]+){MARK}")
CHOICE = re.compile(r'<input\b[^>]*\btype="(?:radio|checkbox)"[^>]*>')
NAME, VALUE = re.compile(r'\bname="([^"]*)"'), re.compile(r'\bvalue="([^"]*)"')
MAX_PAGES = 512


def placeholder(name: str) -> str:
    return f"{MARK}{name}{MARK}"


def _csrf_placeholder() -> str:
    return placeholder("csrf")


def _here_placeholder() -> str:
    return placeholder("here")


# What each request puts in itself (see fill): the template gets placeholders instead.
PER_REQUEST = {
    "cspNonce": placeholder("nonce"),
    "csrf_token": _csrf_placeholder,
    "here": _here_placeholder,
}


class _Same:
    """A value that counts by identity in a key, and is kept alive by it (so its id is not
    reused while the key exists)."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value

    def __eq__(self, other) -> bool:
        return isinstance(other, _Same) and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


def _keyed(value):
    if value is None or isinstance(value, str | int | float | date):
        return value
    if isinstance(value, list | tuple):
        return tuple(_keyed(item) for item in value)
    return _Same(value)


class PageCache:
    """A small bounded cache of rendered page templates, shared by one process's threads."""

    def __init__(self, size: int = MAX_PAGES):
        self._pages: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()
        self._reads: dict[str, tuple[str, ...]] = {}
        self._size = size
        self._lock = Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def reads(self, template: str) -> tuple[str, ...]:
        """Every variable ``template`` reads, with the templates it extends, includes and
        imports, found once."""
        names = self._reads.get(template)
        if names is None:
            env, found, seen, todo = current_app.jinja_env, set(), set(), [template]
            while todo:
                name = todo.pop()
                if name is None:
                    raise ValueError(f"{template} chooses a template as it renders: not cacheable")
                if name in seen:
                    continue
                seen.add(name)
                parsed = env.parse(env.loader.get_source(env, name)[0])
                found |= meta.find_undeclared_variables(parsed)
                todo.extend(meta.find_referenced_templates(parsed))
            names = self._reads[template] = tuple(sorted(found))
        return names

    def key(self, template: str, context: dict) -> tuple:
        """The values ``template`` reads from ``context`` and the context processors, with the
        language and format its functions read."""
        received = dict(context)
        current_app.update_template_context(received)
        return (
            template,
            str(get_locale()),
            current_format(),
            *(
                (name, _keyed(received[name]))
                for name in self.reads(template)
                if name in received and name not in PER_REQUEST
            ),
        )

    def page(self, template: str, context: dict, form: Callable[[], object]) -> tuple[str, ...]:
        """``template`` for ``context``, prepared for fill(); rendered only the first time its
        key is seen. ``form`` makes the page's form with placeholders for its text, from the
        step in the context: it is made only to render."""
        key = self.key(template, context)
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
        page = prepare(render_template(template, form=form(), **context, **PER_REQUEST))
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
        return page


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
