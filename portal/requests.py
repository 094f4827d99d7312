"""The request class: form and query-string values arrive already cleaned of control characters,
and a body over MAX_CONTENT_LENGTH is refused (413) rather than read in part.

Whatever a form or a filter does with a value (validate it, store it, query with it, show it
again with an error, or quote it in a message about an invalid choice), it never carries a
control character: they make invalid HTML when echoed, and PostgreSQL cannot take NUL, even in
a query. Cleaning here, once, covers every form and filter, public and staff.
"""

from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

# C0 and C1 controls except tab, line feed and carriage return; U+E000, the page cache's
# placeholder mark (portal/journey/page_cache.py); and the Unicode non-characters (U+FDD0 to
# U+FDEF, and the last two code points of every plane), which HTML does not allow.
NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}-{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000\ufdd0-\ufdef{NONCHARACTERS}]")


def remove_controls(value: str) -> str:
    return CONTROL.sub("", value)


def _cleaned(raw) -> ImmutableMultiDict:
    return ImmutableMultiDict((key, remove_controls(value)) for key, value in raw.items(multi=True))


class CleanRequest(Request):
    @cached_property
    def form(self) -> ImmutableMultiDict:
        form = super().form
        self._refuse_cut_short()
        return _cleaned(form)

    def get_data(self, *args, **kwargs):
        data = super().get_data(*args, **kwargs)
        self._refuse_cut_short()
        return data

    def _refuse_cut_short(self) -> None:
        """A body sent without a Content-Length (chunked) is read only up to
        MAX_CONTENT_LENGTH, and Werkzeug then parses what it read as if it were all. Reading one
        byte more raises its 413 if the body went on, so a cut-short body is never used."""
        if self.content_length is None:
            self.stream.read(1)

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _cleaned(super().args)
