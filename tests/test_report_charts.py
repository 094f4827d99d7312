"""The report's SVG charts (portal/reports/charts.py), read back with an XML parser: named and
described for a screen reader, bars from zero and proportional, every bar labelled in words,
the Analysis Function palette in order, suppressed counts drawn as words and no bar, and nothing
a strict Content-Security-Policy would block."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # our own markup, not untrusted input

import pytest

from portal.reports.charts import (
    PALETTE,
    WIDTH,
    Bar,
    StackedRow,
    bar_chart,
    categories,
    column_chart,
    scale_top,
    stacked_bar_chart,
    wrap,
)

pytestmark = pytest.mark.engine_independent

SVG = "{http://www.w3.org/2000/svg}"
SCORES = categories(
    [("2", "Fully met"), ("1", "Partially met"), ("0", "Not met"), ("NA", "N/A"), ("NK", "N/K")]
)


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own SVG


def bars_of(svg: ET.Element) -> list[ET.Element]:
    return [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def test_a_chart_is_an_image_named_by_its_title_and_described_by_its_finding():
    svg = parse(
        bar_chart(
            "themes",
            "Cases by theme",
            "Self-neglect was the most common: 5 of 8.",
            [Bar("A", 5, "5")],
        )
    )
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text == "Cases by theme"
    assert desc.text == "Self-neglect was the most common: 5 of 8."
    assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    # Scales to its container: a viewBox, and no fixed width or height.
    assert svg.get("viewBox").startswith(f"0 0 {WIDTH} ")
    assert svg.get("width") is None and svg.get("height") is None


def test_bars_start_at_zero_and_their_lengths_are_proportional_to_their_counts():
    svg = parse(
        bar_chart(
            "c",
            "t",
            "d",
            [Bar("Self-neglect", 8, "8"), Bar("Financial", 4, "4"), Bar("Physical", 2, "2")],
        )
    )
    rects = bars_of(svg)
    assert [float(r.get("x")) for r in rects] == [0, 0, 0]
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] / widths[1] == pytest.approx(2, rel=0.01)
    assert widths[0] / widths[2] == pytest.approx(4, rel=0.01)
    # Every bar's words are on it, in order, after its label.
    words = texts(svg)
    for label, count in (("Self-neglect", "8"), ("Financial", "4"), ("Physical", "2")):
        assert words.index(count) == words.index(label) + 1
    # The axis is numbered from zero.
    assert "0" in words and "10" in words


def test_a_suppressed_count_is_written_and_drawn_as_no_bar():
    svg = parse(
        bar_chart(
            "c",
            "t",
            "d",
            [Bar("Shown", 10, "10"), Bar("Hidden", None, "fewer than 5"), Bar("None", 0, "0")],
        )
    )
    assert len(bars_of(svg)) == 1, "only the known count has a bar"
    assert "fewer than 5" in texts(svg)
    assert "0" in texts(svg)


def test_colours_come_from_the_analysis_function_palette_in_its_order():
    assert PALETTE == ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
    rows = [StackedRow("Empowerment", tuple(Bar("", n, str(n)) for n in (5, 4, 3, 2, 1)))]
    svg = parse(stacked_bar_chart("s", "t", "d", SCORES, rows))
    assert [r.get("fill") for r in bars_of(svg)] == list(PALETTE[:5])
    swatches = [r.get("fill") for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart-swatch"]
    assert swatches == list(PALETTE[:5])
    with pytest.raises(ValueError):
        categories([(str(n), str(n)) for n in range(7)])


def test_a_stacked_bar_tells_its_categories_in_words_not_colour_alone():
    rows = [
        StackedRow(
            "Empowerment",
            (
                Bar("", 12, "12"),
                Bar("", 6, "6"),
                Bar("", 1, "1"),
                Bar("", 0, "0"),
                Bar("", None, "fewer than 5"),
            ),
        )
    ]
    svg = parse(stacked_bar_chart("s", "t", "d", SCORES, rows))
    words = texts(svg)
    # The legend names every key.
    for key_label in ("2 – Fully met", "1 – Partially met", "0 – Not met", "NA – N/A", "NK – N/K"):
        assert key_label in words
    # Wide segments carry "key: count"; the narrow one and the suppressed one are written under
    # the bar; a zero has no segment.
    assert "2: 12" in words and "1: 6" in words
    assert "0: 1; NK: fewer than 5" in words
    rects = bars_of(svg)
    assert len(rects) == 3
    # Segments follow each other from zero, in proportion.
    xs = [float(r.get("x")) for r in rects]
    ws = [float(r.get("width")) for r in rects]
    assert xs[0] == 0
    assert xs[1] == pytest.approx(xs[0] + ws[0]) and xs[2] == pytest.approx(xs[1] + ws[1])
    assert ws[0] / ws[1] == pytest.approx(2, rel=0.01) and ws[0] / ws[2] == pytest.approx(12)


def test_text_on_a_segment_has_enough_contrast_with_its_colour():
    rows = [StackedRow("P", tuple(Bar("", 10, "10") for _ in range(5)))]
    svg = parse(stacked_bar_chart("s", "t", "d", SCORES, rows))
    on = {}
    for rect in bars_of(svg):
        on[float(rect.get("x"))] = rect.get("fill")
    for text in svg.iter(f"{SVG}text"):
        if text.get("class") == "chart-value" and ":" in (text.text or ""):
            colour = on[max(x for x in on if x <= float(text.get("x")))]
            assert _contrast(text.get("fill"), colour) >= 4.5, (text.text, colour)


def test_columns_rise_from_zero_on_a_percentage_axis():
    bars = [Bar("Q1", 40, "40%"), Bar("Q2", None, "no cases"), Bar("Q3", 80, "80%")]
    svg = parse(
        column_chart("y", "Empowerment fully met", "Rose from 40% to 80%.", bars, top=100, unit="%")
    )
    rects = bars_of(svg)
    assert len(rects) == 2
    heights = [float(r.get("height")) for r in rects]
    assert heights[1] / heights[0] == pytest.approx(2)
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 3) for r in rects}
    assert len(bottoms) == 1, "every column stands on the zero line"
    words = texts(svg)
    assert {"0%", "50%", "100%", "40%", "80%", "no cases", "Q1", "Q2", "Q3"} <= set(words)


def test_nothing_a_strict_csp_would_block_and_nothing_unescaped():
    markup = str(bar_chart("c", "<script>", "a & b", [Bar("<b>x</b>", 1, "1")]))
    svg = parse(markup)
    for element in svg.iter():
        assert "style" not in element.attrib, element.tag
        assert not element.tag.endswith(("script", "style", "foreignObject"))
        assert not any(name.startswith("on") for name in element.attrib)
    assert svg.find(f"{SVG}title").text == "<script>"
    assert "<b>" not in markup


def test_text_stays_inside_the_chart():
    long = "Yes, they were asked and outcomes were expressed, at length and in detail"
    svg = parse(bar_chart("c", "t", "d", [Bar(long, 3, "fewer than 5")]))
    lines = [t for t in texts(svg) if t and t not in {"0", "5", "fewer than 5"}]
    assert " ".join(lines) == long and len(lines) > 1
    assert all(line in wrap(long, WIDTH, 14) for line in lines)


@pytest.mark.parametrize(
    ("largest", "top"), [(0, 1), (1, 1), (3, 5), (5, 5), (7, 10), (12, 20), (180, 200), (501, 1000)]
)
def test_the_axis_ends_on_a_round_number_at_or_above_the_largest(largest, top):
    assert scale_top(largest) == top


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
