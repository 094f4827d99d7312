"""Disclosure control for the published edition (portal/reports/disclosure.py), rule by rule,
for any counts hypothesis can think of."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.reports import disclosure
from portal.reports.model import (
    FEWER_THAN_5,
    HIDDEN,
    SUPPRESSED_CSV,
    Breakdown,
    Figure,
    Period,
)

COUNTS = st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=8)


@st.composite
def groups(draw):
    """Counts and their total: their sum, or more when one person may fall in several."""
    counts = draw(COUNTS)
    extra = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=20)))
    return counts, sum(counts) + extra


def published(counts, total):
    board = Breakdown.exact(
        "Measure",
        [(str(i), str(i)) for i in range(len(counts))],
        dict((str(i), c) for i, c in enumerate(counts)),
        total=total,
    )
    return disclosure.breakdown(board)


@given(groups())
def test_no_count_of_1_to_4_is_shown(group):
    counts, total = group
    result = published(counts, total)
    for count, cell in zip(counts, result.cells, strict=True):
        if 1 <= count <= 4:
            assert cell.count.value is None
            assert cell.count.text == FEWER_THAN_5
            assert cell.count.csv == SUPPRESSED_CSV
        assert cell.count.value is None or not 1 <= cell.count.value <= 4
    assert result.total.value is None or not 1 <= result.total.value <= 4


@given(groups())
def test_shown_counts_are_rounded_to_the_nearest_5(group):
    counts, total = group
    result = published(counts, total)
    for count, figure in [
        *zip(counts, (c.count for c in result.cells), strict=True),
        (total, result.total),
    ]:
        if figure.value is not None:
            assert figure.value % 5 == 0
            assert abs(figure.value - count) <= 2
            assert figure.csv == str(figure.value)


@given(groups())
def test_no_hidden_cell_can_be_worked_back_from_a_shown_total(group):
    counts, total = group
    result = published(counts, total)
    hidden = [c for c in result.cells if c.count.suppressed]
    if result.total.value is not None:
        assert len(hidden) != 1
    # Hidden for its own sake reads "fewer than 5"; hidden to protect another, "not shown".
    for count, cell in zip(counts, result.cells, strict=True):
        if cell.count.suppressed and not 1 <= count <= 4:
            assert cell.count.text == HIDDEN
            assert count > 0


@given(groups())
def test_percentages_are_from_unrounded_figures_and_need_a_base_of_5(group):
    counts, total = group
    result = published(counts, total)
    for count, cell in zip(counts, result.cells, strict=True):
        if total < 5 or cell.count.suppressed:
            assert cell.count.percent is None
        else:
            assert cell.count.percent == pytest.approx(100 * count / total)


def test_one_small_cell_takes_the_next_smallest_with_it():
    result = published([3, 40, 12, 0], 55)
    assert [c.count.text for c in result.cells] == [FEWER_THAN_5, "40", HIDDEN, "0"]
    assert result.total.text == "55"


def test_a_lone_small_cell_beside_zeros_hides_the_total():
    """Only zeros to hide with it: the total goes instead (it would equal the hidden cell)."""
    result = published([3, 0], 10)  # several per person: the total is not the cells' sum
    assert result.cells[0].count.suppressed
    assert result.total.suppressed


def test_a_small_total_hides_everything_and_gives_no_percentages():
    result = published([2, 1, 0], 3)
    assert [c.count.csv for c in result.cells] == ["[c]", "[c]", "0"]
    assert result.total.csv == "[c]"
    assert all(c.count.percent is None for c in result.cells)


def test_examples_of_rounding():
    assert [disclosure.rounded(n) for n in (0, 5, 7, 8, 12, 13, 1002)] == [
        0,
        5,
        5,
        10,
        10,
        15,
        1000,
    ]
    assert disclosure.figure(Figure.exact(1234)).text == "1,235"


def test_the_published_edition_is_made_from_exact_counts_only():
    with pytest.raises(ValueError):
        disclosure.figure(disclosure.figure(Figure.exact(3)))


@pytest.mark.parametrize(
    "text",
    ["", "2026-Q5", "2026-Q0", "26-Q1", "2026Q1", "1999", "x", "2026-q1 ", "2026\n", "2026-Q4\n"],
)
def test_a_period_is_a_year_or_a_quarter(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_periods():
    assert Period.parse("2026-Q4").quarters == ("2026-Q4",)
    assert Period.parse("2026").quarters == ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
