"""The audit meeting: the organisations' submitted returns side by side, and the record of what
the meeting agreed (one Meeting per case), shared by the staff pages, the demo data and tests.
No Flask request objects here.

Saving a record is idempotent: the same case's record is updated in place, never made twice;
callers that save from a web request take the case's lock first (services.locks.one_at_a_time),
so two tabs or a double click cannot both create one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import letters
from ..audit_tool import NUMERIC_SCORES, PRINCIPLE_CODES, PRINCIPLES, SCORES
from ..extensions import db
from ..models import (
    AuditCase,
    Escalation,
    Meeting,
    MeetingOrganisation,
    MeetingPrinciple,
    Organisation,
    ReturnRequest,
    utcnow,
)
from ..models.cases import CASE_STATUSES
from ..models.events import record
from ..scoring import BANDS_EXPLAINED, Total, total
from . import organisations

AUDITED = "audited"
# Scores this far apart or more on one principle are flagged for the meeting to discuss.
DIFFERENCE_FLAGGED = 2
ESCALATED_BY_MAX = 120  # Escalation.escalated_by


class InvalidMeeting(ValueError):
    """A record the meeting could not have agreed: an unknown principle, score or
    organisation, or a missing date."""


@dataclass(frozen=True)
class EscalationEntry:
    """A serious concern escalated to an organisation's safeguarding lead."""

    organisation_id: int
    escalated_on: date
    escalated_by: str
    outcome: str | None = None


@dataclass
class MeetingRecord:
    """What the meeting agreed, as the form (or the demo) gives it."""

    held_on: date
    organisation_ids: list[int] = field(default_factory=list)
    # Principle code -> audit_tool.SCORES code, and -> narrative.
    scores: dict[str, str] = field(default_factory=dict)
    narratives: dict[str, str | None] = field(default_factory=dict)
    summary: str | None = None
    learning_points: str | None = None
    recommendations: str | None = None
    practitioners_consulted: str | None = None
    escalations: list[EscalationEntry] = field(default_factory=list)


# --- The returns side by side -----------------------------------------------------------------


def submitted_returns(case: AuditCase) -> list[ReturnRequest]:
    """The case's submitted returns, by organisation name (a link revoked after submitting
    leaves the return as it was submitted)."""
    return list(
        db.session.scalars(
            select(ReturnRequest)
            .join(Organisation, ReturnRequest.organisation_id == Organisation.id)
            .where(ReturnRequest.case_id == case.id, ReturnRequest.submitted_at.is_not(None))
            .options(
                selectinload(ReturnRequest.principles),
                selectinload(ReturnRequest.practitioners),
            )
            .order_by(Organisation.name, ReturnRequest.submitted_at, ReturnRequest.id)
        )
    )


def scores_differ(scores: Iterable[str | None]) -> bool:
    """Whether the numeric scores (2, 1, 0) differ by DIFFERENCE_FLAGGED or more; NA, NK and
    missing scores are left out."""
    numbers = [NUMERIC_SCORES[s] for s in scores if s in NUMERIC_SCORES]
    return len(numbers) > 1 and max(numbers) - min(numbers) >= DIFFERENCE_FLAGGED


@dataclass(frozen=True)
class OrganisationScore:
    """One return's score and narrative for one principle."""

    organisation: str
    return_id: int
    score: str | None
    narrative: str | None

    @property
    def score_label(self) -> str:
        return f"{self.score} – {SCORES[self.score]}" if self.score in SCORES else "Not scored"


@dataclass(frozen=True)
class PrincipleSide:
    """A principle with every submitted return's score and narrative, and whether they
    differ by 2 or more."""

    code: str
    title: str
    question: str
    scores: list[OrganisationScore]

    @property
    def differ(self) -> bool:
        return scores_differ(s.score for s in self.scores)


def side_by_side(returns: list[ReturnRequest]) -> list[PrincipleSide]:
    """For each principle, in the tool's order, each return's score and narrative."""
    sides = []
    for principle in PRINCIPLES:
        scores = []
        for r in returns:
            answer = r.principle(principle.code)
            scores.append(
                OrganisationScore(
                    organisation=r.organisation.name,
                    return_id=r.id,
                    score=answer.score if answer else None,
                    narrative=answer.narrative if answer else None,
                )
            )
        sides.append(PrincipleSide(principle.code, principle.title, principle.question, scores))
    return sides


# --- The record -------------------------------------------------------------------------------


def meeting_for(case: AuditCase) -> Meeting | None:
    """The case's meeting record, if one was saved."""
    return db.session.scalar(select(Meeting).where(Meeting.case_id == case.id))


def version_of(meeting: Meeting | None) -> str:
    """What a form opened now saves over: when the record was last saved ("" before it
    exists). A form holding another version was opened before someone else saved."""
    if meeting is None or meeting.recorded_at is None:
        return ""
    return meeting.recorded_at.isoformat()


def record_of(meeting: Meeting) -> MeetingRecord:
    """The saved record as a MeetingRecord, to compare with one given."""
    return MeetingRecord(
        held_on=meeting.held_on,
        organisation_ids=[o.organisation_id for o in meeting.organisations],
        scores={p.principle: p.score for p in meeting.principles},
        narratives={p.principle: p.narrative for p in meeting.principles},
        summary=meeting.summary,
        learning_points=meeting.learning_points,
        recommendations=meeting.recommendations,
        practitioners_consulted=meeting.practitioners_consulted,
        escalations=[
            EscalationEntry(e.organisation_id, e.escalated_on, e.escalated_by, e.outcome)
            for e in meeting.escalations
        ],
    )


def _comparable(meeting_record: MeetingRecord) -> tuple:
    """A record as save() would store it (text stripped, empty as None, no order in sets)."""
    return (
        meeting_record.held_on,
        sorted(meeting_record.organisation_ids),
        {code: meeting_record.scores.get(code) for code in PRINCIPLE_CODES},
        {code: _text(meeting_record.narratives.get(code)) for code in PRINCIPLE_CODES},
        _text(meeting_record.summary),
        _text(meeting_record.learning_points),
        _text(meeting_record.recommendations),
        _text(meeting_record.practitioners_consulted),
        [
            (e.organisation_id, e.escalated_on, e.escalated_by.strip(), _text(e.outcome))
            for e in meeting_record.escalations
        ],
    )


def already_saved(meeting: Meeting | None, meeting_record: MeetingRecord) -> bool:
    """Whether the record saved is exactly the one given (a double click or a resent form)."""
    return meeting is not None and _comparable(record_of(meeting)) == _comparable(meeting_record)


def agreed_scores(meeting: Meeting | None) -> dict[str, str]:
    """Principle code -> agreed score code, for the principles recorded."""
    if meeting is None:
        return {}
    return {p.principle: p.score for p in meeting.principles if p.score in SCORES}


def meeting_total(meeting: Meeting | None) -> Total:
    """The agreed scores' total, applicable maximum and band (portal/scoring.py)."""
    return total(agreed_scores(meeting))


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _check(case: AuditCase, meeting_record: MeetingRecord) -> None:
    if meeting_record.held_on is None:
        raise InvalidMeeting("The date the meeting was held is missing")
    involved = {o.id for o in organisations.for_case(case)}
    unknown = set(meeting_record.organisation_ids) - involved
    if unknown:
        raise InvalidMeeting(f"Organisations not involved in the case: {sorted(unknown)}")
    if set(meeting_record.scores) - set(PRINCIPLE_CODES):
        raise InvalidMeeting("Unknown principles")
    if set(meeting_record.narratives) - set(PRINCIPLE_CODES):
        raise InvalidMeeting("Unknown principles")
    bad = {s for s in meeting_record.scores.values() if s not in SCORES}
    if bad:
        raise InvalidMeeting(f"Unknown scores: {sorted(bad)}")
    for entry in meeting_record.escalations:
        if entry.organisation_id not in involved:
            raise InvalidMeeting("An escalation names an organisation not involved in the case")
        if entry.escalated_on is None or not _text(entry.escalated_by):
            raise InvalidMeeting("An escalation needs a date and who escalated it")
        if len(entry.escalated_by.strip()) > ESCALATED_BY_MAX:
            raise InvalidMeeting("Who escalated it is too long")


def move_forward(case: AuditCase, status: str) -> bool:
    """Move the case on to ``status`` unless it is already there or further on (the order of
    CASE_STATUSES). Returns whether it moved."""
    order = list(CASE_STATUSES)
    current = order.index(case.status) if case.status in order else 0
    if current >= order.index(status):
        return False
    case.status = status
    return True


def save(case: AuditCase, meeting_record: MeetingRecord, actor: str) -> Meeting:
    """Save what the meeting agreed, in the caller's transaction: the case's one record is
    made or updated in place, escalations are replaced by those given, the case moves on to
    "audited" (never back) and the audit log records it. Raises InvalidMeeting."""
    _check(case, meeting_record)
    meeting = meeting_for(case)
    created = meeting is None
    if created:
        meeting = Meeting(case_id=case.id)
        db.session.add(meeting)
    meeting.held_on = meeting_record.held_on
    meeting.summary = _text(meeting_record.summary)
    meeting.learning_points = _text(meeting_record.learning_points)
    meeting.recommendations = _text(meeting_record.recommendations)
    meeting.practitioners_consulted = _text(meeting_record.practitioners_consulted)
    meeting.recorded_at = utcnow()
    if actor.startswith("staff:") and actor[6:].isdigit():
        meeting.recorded_by = int(actor[6:])

    # Rows keyed by (meeting, code) are updated in place: deleting and adding the same key in
    # one flush would insert before it deletes.
    present = set(meeting_record.organisation_ids)
    meeting.organisations = [o for o in meeting.organisations if o.organisation_id in present]
    kept = {o.organisation_id for o in meeting.organisations}
    for organisation_id in sorted(present - kept):
        meeting.organisations.append(MeetingOrganisation(organisation_id=organisation_id))

    for code in PRINCIPLE_CODES:
        row = meeting.principle(code)
        if row is None:
            row = MeetingPrinciple(principle=code)
            meeting.principles.append(row)
        row.score = meeting_record.scores.get(code)
        row.narrative = _text(meeting_record.narratives.get(code))

    meeting.escalations = [
        Escalation(
            organisation_id=e.organisation_id,
            escalated_on=e.escalated_on,
            escalated_by=e.escalated_by.strip(),
            outcome=_text(e.outcome),
        )
        for e in meeting_record.escalations
    ]
    moved = move_forward(case, AUDITED)
    db.session.flush()
    record(
        "meeting_recorded" if created else "meeting_updated",
        actor=actor,
        case_id=case.id,
        detail=f"meeting {meeting.id}" + (", case audited" if moved else ""),
    )
    return meeting


# --- The record as a PDF ----------------------------------------------------------------------


def record_html(case: AuditCase, meeting: Meeting) -> str:
    """The meeting record as a standalone HTML document for WeasyPrint: no names or
    identifiers of the adult, only what the meeting agreed."""
    return render_template(
        "staff/meeting_record_pdf.html",
        case=case,
        meeting=meeting,
        principles=PRINCIPLES,
        scores=SCORES,
        result=meeting_total(meeting),
        bands_explained=BANDS_EXPLAINED,
        generated_on=utcnow().date(),
    )


def record_pdf(case: AuditCase, meeting: Meeting) -> bytes:
    """The meeting record as a tagged PDF (PDF/UA-1), made as the letters are."""
    return letters.render_pdf(record_html(case, meeting))
