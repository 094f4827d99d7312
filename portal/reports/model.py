"""The quarterly report to the Board, as plain values: what the HTML page, the PDF, the charts and
the CSV all render. No Flask and no database.

portal/reports/figures.py builds the Board edition (exact counts) from the database;
portal/reports/disclosure.py turns it into the published edition. Every count is a Figure, which
carries what to show in either edition, so a page renders both editions the same way. The report
holds no names, references, identifiers, dates of birth, places or contact details; free text is
only there once a member of staff has checked that it identifies no one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

BOARD = "board"
PUBLISHED = "published"
EDITIONS: dict[str, str] = {
    BOARD: "Board edition (exact counts)",
    PUBLISHED: "Published edition (disclosure control applied)",
}

# Shown for a count of 1 to 4 in the published edition, and in its CSV.
FEWER_THAN_5 = "fewer than 5"
# Shown for a count hidden so that a suppressed one cannot be worked back from a total.
HIDDEN = "not shown"
SUPPRESSED_CSV = "[c]"

PERIOD = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?$")


@dataclass(frozen=True)
class Period:
    """A quarter ("2026-Q4", as cases store it in AuditCase.quarter) or a year ("2026", its four
    quarters)."""

    year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-Q4" or "2026"; anything else raises ValueError."""
        found = PERIOD.fullmatch(text or "")
        if not found or not 2000 <= int(found["year"]) <= 2999:
            raise ValueError("a period is a year like 2026 or a quarter like 2026-Q4")
        quarter = found["quarter"]
        return cls(int(found["year"]), int(quarter) if quarter else None)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def quarters(self) -> tuple[str, ...]:
        """The AuditCase.quarter codes this period covers, in order."""
        if self.quarter:
            return (self.code,)
        return tuple(f"{self.year}-Q{q}" for q in range(1, 5))

    @property
    def label(self) -> str:
        return f"Quarter {self.quarter} of {self.year}" if self.quarter else f"The year {self.year}"


@dataclass(frozen=True)
class Figure:
    """One count as its edition shows it.

    ``value`` is the number to show and to draw (exact in the Board edition, rounded to the
    nearest 5 in the published one), or None when the count is suppressed. ``text`` is what a
    page says ("12", "fewer than 5", "not shown"); ``csv`` what the CSV says ("12", "[c]").
    ``percent`` is its share of its base (0-100, from unrounded figures), or None where there is
    no base or the base is under 5 in the published edition."""

    value: int | None
    text: str
    csv: str
    percent: float | None = None

    @classmethod
    def exact(cls, count: int, base: int | None = None) -> Figure:
        """A Board edition count, with its share of ``base`` when there is one."""
        percent = 100 * count / base if base else None
        return cls(count, f"{count:,}", str(count), percent)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def percent_text(self) -> str:
        """The share as shown, like "40%", or "" where it is left out."""
        return "" if self.percent is None else f"{self.percent:.0f}%"


@dataclass(frozen=True)
class Cell:
    """One category of a breakdown: its stored code, its label as shown, and its count."""

    code: str
    label: str
    count: Figure


@dataclass(frozen=True)
class Breakdown:
    """A measure split into categories, with the total they share: the group disclosure control
    works on (no hidden cell may be worked back from the others and the total).

    ``multiple`` is True when one case or person can fall in several categories (question 11's
    tick boxes), so the cells do not add up to the total and the total is of people, not ticks.
    """

    measure: str
    cells: tuple[Cell, ...]
    total: Figure
    multiple: bool = False

    @classmethod
    def exact(
        cls,
        measure: str,
        categories: Iterable[tuple[str, str]],
        counts: Mapping[str, int],
        total: int | None = None,
        multiple: bool = False,
    ) -> Breakdown:
        """A Board edition breakdown: each (code, label) category's count (0 where absent), out
        of ``total`` (by default the categories' sum)."""
        categories = tuple(categories)
        if total is None:
            total = sum(counts.get(code, 0) for code, _label in categories)
        cells = tuple(
            Cell(code, label, Figure.exact(counts.get(code, 0), total))
            for code, label in categories
        )
        return cls(measure, cells, Figure.exact(total), multiple)

    def cell(self, code: str) -> Cell | None:
        return next((c for c in self.cells if c.code == code), None)


@dataclass(frozen=True)
class Overview:
    """Cases audited, their themes, the organisations invited and their returns."""

    cases_audited: Figure
    # Cases by the theme the Board agreed (cases with no theme: code "", label "No theme").
    themes: Breakdown
    # Organisations asked for at least one return for the period's cases.
    organisations_invited: Figure
    # Returns asked for (not revoked), by "on_time", "late" and "not_returned".
    returns: Breakdown


@dataclass(frozen=True)
class PrincipleScores:
    """One principle's agreed scores across the period's audited cases."""

    code: str  # portal/audit_tool.py's principle code
    title: str
    # Cases by agreed score "2", "1", "0", "NA", "NK"; total = cases with an agreed record.
    scores: Breakdown
    # Organisations' own returns compared with the agreed score: "same", "higher", "lower";
    # total = returns that scored the principle in a case with an agreed score.
    differences: Breakdown


@dataclass(frozen=True)
class Scores:
    principles: tuple[PrincipleScores, ...]
    # Cases by band (portal/scoring.py's BANDS codes, and "too_few" for "Too few scored").
    bands: Breakdown
    # Principle codes, those where returns most often differed from the agreed score first.
    most_differed: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """One of the 12 questions' answers, counted by option code."""

    id: str  # "q1" ... "q12"
    number: int
    title: str
    # Cells by option code, in the questionnaire's order. For the free-text questions (10 and
    # 12) one cell, "written": how many wrote something. Total: the responses counted.
    answers: Breakdown


@dataclass(frozen=True)
class Voice:
    """The adult's voice in totals, from the stored option codes. Answers given as anonymous
    feedback only (consent declined, anonymous feedback agreed) count in the questions."""

    invitations_sent: Figure
    responses: Figure  # submitted
    # "given", "declined", "withdrawn" (consent given, then withdrawn); total = responses.
    consent: Breakdown
    anonymous_only: Figure  # declined, but agreed to anonymous feedback
    # "adult", "representative".
    respondents: Breakdown
    # Formats and languages of the responses: codes as stored ("standard", "easy_read"; "en"...).
    formats: Breakdown
    languages: Breakdown
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class MakingSafeguardingPersonal:
    """NHS England's Safeguarding Adults Collection, table SG4a, in its own categories."""

    # "asked_expressed", "asked_not_expressed", "not_asked", "dont_know", "not_recorded";
    # total = cases audited.
    asked: Breakdown
    # Where outcomes were expressed: "fully", "partially", "not_achieved" (and "not_recorded"
    # where the case record does not say); total = cases asked whose outcomes were expressed.
    achieved: Breakdown
    # Question 8's answers: how many feel safer now.
    felt_safer: Breakdown


@dataclass(frozen=True)
class TextItem:
    """A piece of free text checked by staff as identifying no one."""

    kind: str  # "learning_point" | "recommendation"
    text: str


@dataclass(frozen=True)
class Learning:
    items: tuple[TextItem, ...]  # checked ones only
    waiting: int  # pieces of text not yet checked (or changed since their check)


@dataclass(frozen=True)
class ActionLine:
    """One action from the period's meetings. ``what`` is None until its words are checked."""

    what: str | None
    organisation: str  # the owning partner organisation's name
    status: str  # portal/models/audit.py's ACTION_STATUSES code
    status_label: str
    due: str  # the quarter it is due in, like "2027-Q1" (never a day)


@dataclass(frozen=True)
class ActionPlan:
    actions: tuple[ActionLine, ...]
    # Actions by status code; total = actions.
    statuses: Breakdown
    waiting: int  # actions whose words are not yet checked


@dataclass(frozen=True)
class QuarterPoint:
    """One quarter of a trend: ``count`` out of ``base`` (the count's percent is its share)."""

    quarter: str
    count: Figure
    base: Figure


@dataclass(frozen=True)
class Trend:
    """How one principle or question moved across the year's four quarters."""

    code: str  # principle code or question id
    label: str
    measure: str  # what the count counts, e.g. "Fully met (2)"
    points: tuple[QuarterPoint, ...]


@dataclass(frozen=True)
class YearView:
    quarters: tuple[str, ...]  # the four quarter codes, in order
    cases_audited: tuple[Figure, ...]  # per quarter
    responses: tuple[Figure, ...]  # per quarter
    principles: tuple[Trend, ...]
    questions: tuple[Trend, ...]


@dataclass(frozen=True)
class Report:
    period: Period
    edition: str  # BOARD | PUBLISHED
    overview: Overview
    scores: Scores
    voice: Voice
    msp: MakingSafeguardingPersonal
    learning: Learning
    action_plan: ActionPlan
    year: YearView | None = None  # only for a year

    @property
    def edition_label(self) -> str:
        return EDITIONS[self.edition]
