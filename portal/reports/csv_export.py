"""The report as CSV: one row per figure, with its edition's suppression markers ("[c]"), and
every cell made safe from spreadsheet formulas as the actions CSV is. Free text is not in the
CSV: only counts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import NamedTuple

from ..services.actions import safe_cell
from .figures import report_for
from .model import BOARD, Breakdown, Figure, Period, Report

COLUMNS = ("Edition", "Period", "Section", "Measure", "Category", "Value", "Percent")


class Row(NamedTuple):
    section: str
    measure: str
    category: str
    period: str
    figure: Figure


def _breakdown(section: str, period: str, breakdown: Breakdown) -> Iterator[Row]:
    for cell in breakdown.cells:
        yield Row(section, breakdown.measure, cell.label, period, cell.count)
    total = "People answering (each may choose several)" if breakdown.multiple else "Total"
    yield Row(section, breakdown.measure, total, period, breakdown.total)


def rows(report: Report) -> Iterator[Row]:
    """Every figure in the report, in the report's order."""
    period = report.period.code
    overview, voice = report.overview, report.voice
    yield Row("Cases", "Cases audited", "Total", period, overview.cases_audited)
    yield from _breakdown("Cases", period, overview.themes)
    yield Row("Cases", "Organisations invited", "Total", period, overview.organisations_invited)
    yield from _breakdown("Cases", period, overview.returns)
    for principle in report.scores.principles:
        yield from _breakdown("Agreed scores", period, principle.scores)
    yield from _breakdown("Agreed scores", period, report.scores.bands)
    for principle in report.scores.principles:
        yield from _breakdown("Returns and agreed scores", period, principle.differences)
    section = "The adult’s voice"
    yield Row(section, "Invitations sent", "Total", period, voice.invitations_sent)
    yield Row(section, "Responses", "Total", period, voice.responses)
    yield from _breakdown(section, period, voice.consent)
    yield Row(
        section, "Anonymous feedback only (consent declined)", "Total", period, voice.anonymous_only
    )
    for breakdown in (voice.respondents, voice.formats, voice.languages):
        yield from _breakdown(section, period, breakdown)
    for question in voice.questions:
        yield from _breakdown(section, period, question.answers)
    section = "Making Safeguarding Personal (SG4a)"
    for breakdown in (report.msp.asked, report.msp.achieved, report.msp.felt_safer):
        yield from _breakdown(section, period, breakdown)
    yield from _breakdown("Action plan", period, report.action_plan.statuses)
    waiting = report.learning.waiting + report.action_plan.waiting
    yield Row(
        "Learning", "Pieces of text waiting for a check", "Total", period, Figure.exact(waiting)
    )
    if report.year:
        year = report.year
        for quarter, cases, responses in zip(
            year.quarters, year.cases_audited, year.responses, strict=True
        ):
            yield Row("Year", "Cases audited", "Total", quarter, cases)
            yield Row("Year", "Responses", "Total", quarter, responses)
        for trend in (*year.principles, *year.questions):
            for point in trend.points:
                measure = f"{trend.label}: {trend.measure}"
                yield Row("Year", measure, "Count", point.quarter, point.count)
                yield Row("Year", measure, "Out of", point.quarter, point.base)


def to_csv(report: Report) -> str:
    """The report as CSV text beginning with a byte order mark (so spreadsheets read UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    edition = "Board" if report.edition == BOARD else "Published"
    for row in rows(report):
        percent = "" if row.figure.percent is None else f"{row.figure.percent:.1f}"
        writer.writerow(
            safe_cell(value)
            for value in (
                edition,
                row.period,
                row.section,
                row.measure,
                row.category,
                row.figure.csv,
                percent,
            )
        )
    return out.getvalue()


def report_csv(period: Period | str, edition: str) -> str:
    """The CSV for a period ("2026-Q4" or "2026") and edition, from the database."""
    return to_csv(report_for(period, edition))


def csv_filename(period: Period, edition: str) -> str:
    """A name that says which report, and nothing about any case."""
    return f"safeguarding-audit-report-{period.code}-{edition}.csv"
