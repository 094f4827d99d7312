"""Disclosure control: the published edition of the report from the Board edition, as NHS
England does for its safeguarding tables. Pure rules: no Flask, no database.

- A count of 1 to 4 is shown as "fewer than 5" ("[c]" in the CSV).
- Every other count is rounded to the nearest 5 (0 stays 0).
- Percentages are worked out from the unrounded figures, and left out where their base is under
  5 or their count is hidden (a percentage of a known base would give the count back).
- Secondary suppression: in a group of cells with a total beside them (a Breakdown; the four
  quarters and their year), when exactly one cell is hidden and the total is shown, the next
  smallest non-zero cell is hidden too (or, with none, the total), so no hidden cell can be
  worked back from the total.

The action plan counts actions, not people, and lists each action, so its figures stay exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .model import (
    FEWER_THAN_5,
    HIDDEN,
    PUBLISHED,
    SUPPRESSED_CSV,
    Breakdown,
    Cell,
    Figure,
    MakingSafeguardingPersonal,
    Overview,
    PrincipleScores,
    QuarterPoint,
    Report,
    Scores,
    Voice,
    YearView,
)

SMALLEST_SHOWN = 5
ROUND_TO = 5


def rounded(count: int) -> int:
    """To the nearest 5 (an integer is never halfway)."""
    return ROUND_TO * round(count / ROUND_TO)


def primary(count: int) -> bool:
    """Whether a count must be hidden for itself: 1 to 4."""
    return 1 <= count < SMALLEST_SHOWN


def suppressed(counts: Sequence[int], total: int) -> tuple[set[int], bool]:
    """Which of a group's cells (by index) are hidden, and whether its total is."""
    hidden = {i for i, count in enumerate(counts) if primary(count)}
    total_hidden = primary(total)
    if len(hidden) == 1 and not total_hidden:
        others = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count)
        if others:
            hidden.add(others[0][1])
        else:
            total_hidden = True
    return hidden, total_hidden


def shown(count: int, base: int | None = None, hidden: bool = False) -> Figure:
    """One count as published: hidden (primary or secondary), or rounded with its percentage of
    ``base`` from the unrounded figures where the base is 5 or more."""
    if hidden or primary(count):
        return Figure(None, FEWER_THAN_5 if primary(count) else HIDDEN, SUPPRESSED_CSV)
    percent = 100 * count / base if base is not None and base >= SMALLEST_SHOWN else None
    value = rounded(count)
    return Figure(value, f"{value:,}", str(value), percent)


def _exact(figure: Figure) -> int:
    if figure.value is None:
        raise ValueError("the published edition is made from the Board edition's exact counts")
    return figure.value


def group(counts: Sequence[int], total: int) -> tuple[list[Figure], Figure]:
    """A group of cells and their total, published."""
    hidden, total_hidden = suppressed(counts, total)
    cells = [shown(count, total, i in hidden) for i, count in enumerate(counts)]
    return cells, shown(total, hidden=total_hidden)


def breakdown(board: Breakdown) -> Breakdown:
    counts = [_exact(cell.count) for cell in board.cells]
    figures, total = group(counts, _exact(board.total))
    cells = tuple(
        Cell(cell.code, cell.label, figure)
        for cell, figure in zip(board.cells, figures, strict=True)
    )
    return replace(board, cells=cells, total=total)


def figure(board: Figure) -> Figure:
    return shown(_exact(board))


def _points(points: Sequence[QuarterPoint]) -> tuple[QuarterPoint, ...]:
    # A count and its base: the base less the count is shown nowhere, so each point stands alone.
    return tuple(
        QuarterPoint(
            p.quarter,
            shown(_exact(p.count), _exact(p.base), primary(_exact(p.base))),
            shown(_exact(p.base)),
        )
        for p in points
    )


def _quarters(per_quarter: Sequence[Figure], year_total: Figure) -> tuple[Figure, ...]:
    """Four quarters beside their year's total, shown in the overview."""
    cells, _total = group([_exact(f) for f in per_quarter], _exact(year_total))
    return tuple(cells)


def _year(year: YearView, report: Report) -> YearView:
    return YearView(
        quarters=year.quarters,
        cases_audited=_quarters(year.cases_audited, report.overview.cases_audited),
        responses=_quarters(year.responses, report.voice.responses),
        principles=tuple(replace(t, points=_points(t.points)) for t in year.principles),
        questions=tuple(replace(t, points=_points(t.points)) for t in year.questions),
    )


def published(report: Report) -> Report:
    """The published edition of a Board edition report."""
    overview, scores, voice, msp = report.overview, report.scores, report.voice, report.msp
    return replace(
        report,
        edition=PUBLISHED,
        overview=Overview(
            cases_audited=figure(overview.cases_audited),
            themes=breakdown(overview.themes),
            organisations_invited=figure(overview.organisations_invited),
            returns=breakdown(overview.returns),
        ),
        scores=Scores(
            principles=tuple(
                PrincipleScores(p.code, p.title, breakdown(p.scores), breakdown(p.differences))
                for p in scores.principles
            ),
            bands=breakdown(scores.bands),
            most_differed=scores.most_differed,
        ),
        voice=Voice(
            invitations_sent=figure(voice.invitations_sent),
            responses=figure(voice.responses),
            consent=breakdown(voice.consent),
            anonymous_only=figure(voice.anonymous_only),
            respondents=breakdown(voice.respondents),
            formats=breakdown(voice.formats),
            languages=breakdown(voice.languages),
            questions=tuple(replace(q, answers=breakdown(q.answers)) for q in voice.questions),
        ),
        msp=MakingSafeguardingPersonal(
            asked=breakdown(msp.asked),
            achieved=breakdown(msp.achieved),
            felt_safer=breakdown(msp.felt_safer),
        ),
        year=_year(report.year, report) if report.year else None,
    )
