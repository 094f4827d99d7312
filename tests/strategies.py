"""Hypothesis strategies for what may arrive in a request: whatever a browser can send, and what
only a script would (issue 14 §4): fields repeated thousands of times, digits from other
scripts, impossible dates, values far longer than any box allows, JSON of every type."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import strategies as st

# Browsers cannot send lone surrogates, so neither do we. Control characters are sent: the
# request class strips them before anything is validated or echoed back into a page.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=1000)
# Far longer than any box takes, yet a request stays under the 1 MiB limit (each "é" is sent as
# 6 bytes), so it reaches validation.
LONG = st.integers(min_value=2001, max_value=10_000).map(lambda n: "é" * n)
# isdigit() is true for every one of these; int() reads ASCII, Arabic-Indic, Devanagari and
# full-width digits, and fails on superscripts.
DIGITS = "0123456789²³¹⁰٣٤۵३৭３４"
# Numbers no box expects. A date part past 2**31 overflows (OverflowError, not ValueError).
EXTREMES = (
    "0",
    "-1",
    "+5",
    " 7 ",
    "1e3",
    "9" * 5000,
    "2147483648",
    "18446744073709551616",
    "99999999999999999999",
    "-99999999999999999999",
)
NUMBER = st.one_of(
    st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    st.text(alphabet=DIGITS, min_size=1, max_size=6),
    st.sampled_from(EXTREMES),
)
# A date's three boxes (day, month, year); other counts come as lists of any values.
DATE = st.lists(NUMBER, min_size=3, max_size=3)


def repeated(values: st.SearchStrategy) -> st.SearchStrategy:
    """One value sent many times over, as a script can (a browser sends each box once)."""
    times = st.sampled_from([2, 100, 5000]) | st.integers(min_value=2, max_value=5000)
    return st.tuples(values, times).map(lambda pair: [pair[0]] * pair[1])


def value(codes: tuple[str, ...] = (), likely: st.SearchStrategy | None = None):
    """Any value for a field, ``likely`` ones half the time. A field with options (``codes``)
    is sent one of them many times over half the time, otherwise one, several, or anything."""
    anything = st.one_of(
        TEXT,
        LONG,
        NUMBER,
        DATE,
        st.lists(TEXT, min_size=2, max_size=4),
        repeated(NUMBER),
        st.sampled_from(["", " ", "1", "y"]),
    )
    if codes:
        options = st.sampled_from(codes)
        likely = repeated(options)
        anything = st.one_of(options, st.lists(options, max_size=2 * len(codes)), anything)
    return likely | anything if likely is not None else anything


def draw_form(data, fields: dict[str, st.SearchStrategy]) -> dict:
    """A form with most of ``fields`` sent, each with a value drawn from its strategy."""
    return {name: data.draw(values) for name, values in fields.items() if data.draw(SENT)}


SENT = st.sampled_from([True, True, True, False])


# JSON of every type, nested.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT | LONG,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["id", "reference", "status", "to", "x"]), children)
    ),
    max_leaves=8,
)


def refused_as_too_large(app, response, form: dict) -> bool:
    """Whether the portal refused the form unread (413), which it may only do when the form
    really was over the limit."""
    if response.status_code != 413:
        return False
    assert len(urlencode(form, doseq=True)) > app.config["MAX_CONTENT_LENGTH"]
    return True
