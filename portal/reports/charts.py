"""The report's charts, drawn here as inline SVG: no JavaScript, no library, no inline styles.

Why our own: a chart library's SVG (pygal, matplotlib) carries a ``<style>`` element or
``style`` attributes that our Content-Security-Policy (``style-src`` with a nonce) blocks, script
for tooltips, and no ``role="img"`` with a title and a description of the finding. These few
shapes need none of that.

Every chart is an ``<svg role="img">`` named by its ``<title>`` (what it shows) and ``<desc>``
(the main finding in words, written by the caller), scaled by its viewBox to the width it is
given. Bars start from a zero axis and their lengths are proportional to their counts. Colours
come from the government Analysis Function palette, in its order, as presentation attributes
(which a CSP allows and a forced-colours stylesheet may override), and never alone: each bar
carries its count as text, and each segment of a stacked bar its key. A suppressed count (the
published edition's "fewer than 5") is drawn as no bar, only its words: never a bar of
invented length. A real data table goes beside every chart; that is the template's job.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

# Analysis Function categorical palette, in its order.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
# Text on each colour with a contrast of 4.5:1 or more (white on the dark three).
TEXT_ON = {
    "#12436D": "#ffffff",
    "#28A197": "#0b0c0c",
    "#801650": "#ffffff",
    "#F46A25": "#0b0c0c",
    "#3D3D3D": "#ffffff",
    "#A285D1": "#0b0c0c",
}
INK = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"  # the PDF's; pages use their own

WIDTH = 320  # viewBox units: at 320 px wide the text is near its drawn size
TEXT = 14  # label size
SMALL = 12  # axis ticks, legend
BAR = 24  # bar thickness
PLOT = WIDTH - 16  # a stacked bar's full length: room for the axis's last number
CHAR = 0.6  # a character's width in ems, generously: text must never run past the viewBox


@dataclass(frozen=True)
class Bar:
    """One count or share: ``value`` draws the bar (None when suppressed or unknown: no bar),
    ``text`` is the label shown on it ("12", "fewer than 5", "60%")."""

    label: str
    value: float | None
    text: str


@dataclass(frozen=True)
class Category:
    """A stacked bar's category: a short key written on its segments ("2", "NA"), the words the
    legend gives it, and its colour."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class StackedRow:
    """One stacked bar: a label and one Bar per category, in the categories' order."""

    label: str
    parts: tuple[Bar, ...]


def categories(pairs: Sequence[tuple[str, str]]) -> tuple[Category, ...]:
    """Categories from (key, label) pairs, coloured from the palette in its order."""
    if len(pairs) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} categories: the palette has no more colours")
    return tuple(
        Category(key, label, colour) for (key, label), colour in zip(pairs, PALETTE, strict=False)
    )


def text_width(text: str, size: int) -> float:
    return len(text) * size * CHAR


def wrap(text: str, width: float, size: int) -> list[str]:
    """Words over as many lines as they need to fit ``width`` (a long word gets a line alone)."""
    most = max(1, int(width // (size * CHAR)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def scale_top(largest: float) -> int:
    """The axis's end: the smallest 1, 2 or 5 times a power of ten at or above the largest
    count (1 when there is none), so the axis ticks are round numbers."""
    if largest <= 1:
        return 1
    power = 10 ** math.floor(math.log10(largest))
    for step in (1, 2, 5, 10):
        if step * power >= largest:
            return step * power
    raise AssertionError("unreachable")


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x, y, words, size=TEXT, fill=INK, anchor="start", cls="chart-text") -> Markup:
    return Markup(
        '<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="{}" class="{}">{}</text>'
    ).format(_num(x), _num(y), size, fill, anchor, cls, words)


def _rect(x, y, w, h, fill, cls="chart-bar") -> Markup:
    return Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" class="{}"/>').format(
        _num(x), _num(y), _num(w), _num(h), fill, cls
    )


def _line(x1, y1, x2, y2, stroke=INK, cls="chart-axis") -> Markup:
    return Markup(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1" class="{}"/>'
    ).format(_num(x1), _num(y1), _num(x2), _num(y2), stroke, cls)


def _svg(chart_id: str, title: str, description: str, height: float, body: list) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="app-chart"'
        ' viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' font-family="{font}"><title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{description}</desc>{body}</svg>'
    ).format(
        id=chart_id,
        width=WIDTH,
        height=_num(height),
        font=FONT,
        title=title,
        description=description,
        body=Markup("").join(body),
    )


def _ticks(end: float) -> tuple[float, ...]:
    """Zero, the half way mark when it is a whole number, and the end."""
    return (0, end / 2, end) if end % 2 == 0 else (0, end)


def _x_axis(top: float, bottom: float, plot: float, end: float, unit: str) -> list[Markup]:
    """A zero line up the left, light lines at half and full scale, and their numbers below."""
    parts = [_line(0, top, 0, bottom)]
    for tick in _ticks(end):
        x = plot * tick / end
        if tick:
            parts.append(_line(x, top, x, bottom, stroke=GRID, cls="chart-grid"))
        anchor = "start" if tick == 0 else ("end" if tick == end else "middle")
        parts.append(_text(x, bottom + SMALL + 4, _num(tick) + unit, SMALL, anchor=anchor))
    return parts


def _end(bars: Sequence[Bar], top: float | None) -> float:
    return top or scale_top(max((b.value or 0 for b in bars), default=0))


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    colour: str = PALETTE[0],
    top: float | None = None,
    unit: str = "",
) -> Markup:
    """Horizontal bars, each with its label above it and its value written at its end. The axis
    runs from zero to ``top`` (100 for percentages), or to a round number above the largest."""
    room = max((text_width(b.text, TEXT) for b in bars), default=0) + 8
    plot = WIDTH - room
    end = _end(bars, top)
    body: list[Markup] = []
    y = 0.0
    for bar in bars:
        for line in wrap(bar.label, WIDTH, TEXT):
            y += TEXT + 3
            body.append(_text(0, y, line))
        y += 5
        length = plot * (bar.value or 0) / end
        if length:
            body.append(_rect(0, y, length, BAR, colour))
        body.append(_text(length + 6, y + BAR / 2 + TEXT / 3, bar.text, cls="chart-value"))
        y += BAR + 10
    return _svg(
        chart_id, title, description, y + SMALL + 8, _x_axis(0, y - 4, plot, end, unit) + body
    )


def column_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    colour: str = PALETTE[0],
    top: float | None = None,
    unit: str = "",
) -> Markup:
    """Vertical columns side by side (such as the four quarters of a year), each with its value
    above it and its label below the zero line; the axis as bar_chart's."""
    end = _end(bars, top)
    axis_room = text_width(_num(end) + unit, SMALL) + 8
    slot = (WIDTH - axis_room) / max(len(bars), 1)
    width = slot * 0.6
    value_lines = max((len(wrap(b.text, slot, SMALL)) for b in bars), default=1)
    top = value_lines * (SMALL + 3) + 6
    plot = 200.0
    base = top + plot
    body = []
    for tick in _ticks(end):
        y = base - plot * tick / end
        if tick:
            body.append(_line(axis_room, y, WIDTH, y, stroke=GRID, cls="chart-grid"))
        body.append(_text(axis_room - 6, y + SMALL / 3, _num(tick) + unit, SMALL, anchor="end"))
    label_lines = 1
    for i, bar in enumerate(bars):
        centre = axis_room + slot * (i + 0.5)
        height = plot * (bar.value or 0) / end
        if height:
            body.append(_rect(centre - width / 2, base - height, width, height, colour))
        lines = wrap(bar.text, slot, SMALL)
        for n, line in enumerate(lines):
            y = base - height - 6 - (len(lines) - 1 - n) * (SMALL + 3)
            body.append(_text(centre, y, line, SMALL, anchor="middle", cls="chart-value"))
        labels = wrap(bar.label, slot, SMALL)
        label_lines = max(label_lines, len(labels))
        for n, line in enumerate(labels):
            body.append(_text(centre, base + (n + 1) * (SMALL + 3), line, SMALL, anchor="middle"))
    body.append(_line(axis_room, base, WIDTH, base))
    body.append(_line(axis_room, top, axis_room, base))
    return _svg(chart_id, title, description, base + label_lines * (SMALL + 3) + 8, body)


def stacked_bar_chart(
    chart_id: str,
    title: str,
    description: str,
    cats: Sequence[Category],
    rows: Sequence[StackedRow],
) -> Markup:
    """One horizontal bar per row, split by category, on one scale from zero (the largest
    row's known total). Segments wide enough carry "key: count"; the others, and suppressed
    counts (no segment), are written under the bar, so no category is told by colour alone.
    A legend above names each key."""
    body: list[Markup] = []
    y = 0.0
    x = 0.0
    for cat in cats:  # the legend: swatch, then "key label", flowing onto new lines
        # "2 – Fully met", or the label alone when it names its key already ("2 Fully met").
        words = cat.label if cat.label.startswith(cat.key) else f"{cat.key} – {cat.label}"
        need = 18 + text_width(words, SMALL) + 14
        if x and x + need > WIDTH:
            x, y = 0.0, y + SMALL + 10
        body.append(_rect(x, y + 1, 12, 12, cat.colour, cls="chart-swatch"))
        body.append(_text(x + 18, y + SMALL - 1, words, SMALL, cls="chart-legend"))
        x += need
    y += SMALL + 16
    end = scale_top(max((sum(p.value or 0 for p in row.parts) for row in rows), default=0))
    first = y
    for row in rows:
        for line in wrap(row.label, WIDTH, TEXT):
            y += TEXT + 3
            body.append(_text(0, y, line))
        y += 5
        start, aside = 0.0, []
        for cat, part in zip(cats, row.parts, strict=True):
            length = PLOT * (part.value or 0) / end
            label = f"{cat.key}: {part.text}"
            if length:
                body.append(_rect(start, y, length, BAR, cat.colour))
                body.append(_line(start, y, start, y + BAR, stroke="#ffffff", cls="chart-gap"))
            if length and text_width(label, SMALL) + 6 <= length:
                fill = TEXT_ON.get(cat.colour, INK)
                body.append(
                    _text(start + 3, y + BAR / 2 + SMALL / 3, label, SMALL, fill, cls="chart-value")
                )
            elif part.value != 0:
                aside.append(label)
            start += length
        y += BAR
        for line in wrap("; ".join(aside), WIDTH, SMALL) if aside else []:
            y += SMALL + 3
            body.append(_text(0, y, line, SMALL, cls="chart-value"))
        y += 12
    axis = _x_axis(first, y - 4, PLOT, end, "")
    return _svg(chart_id, title, description, y + SMALL + 8, axis + body)
