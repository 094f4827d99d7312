"""Checks that a piece of free text identifies no one, before the quarterly report shows it: a
meeting record's learning points and recommendations, and an action's words. Shared by the
staff checks page, the demo data and tests; no Flask request objects here.

A check holds the SHA-256 of the exact text checked, so editing the text afterwards needs a new
check; the staff page sends the digest of the text it showed, so a check from a page opened
before an edit (another tab, another person) is refused rather than applied to words nobody read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Action, AuditCase, Meeting, TextCheck, utcnow
from ..models.events import record
from ..models.reports import CHECKED_FIELDS, text_digest

MEETING_FIELDS = ("learning_points", "recommendations")


@dataclass(frozen=True)
class Piece:
    """One piece of text waiting for a check. ``key`` names it in a form ("meeting-3-
    learning_points", "action-7-what"); ``digest`` is its text's SHA-256 as shown."""

    key: str
    label: str
    quarter: str | None
    reference: str
    text: str
    digest: str


def _key(kind: str, source_id: int, field: str) -> str:
    return f"{kind}-{source_id}-{field}"


def waiting() -> list[Piece]:
    """Every piece of text not checked, or changed since its check, by quarter (latest first)
    then case reference. The staff page lists them all."""
    pieces = []
    for field in MEETING_FIELDS:
        check = aliased(TextCheck)
        rows = db.session.execute(
            select(Meeting.id, getattr(Meeting, field), AuditCase.quarter, AuditCase.reference)
            .join(AuditCase, AuditCase.id == Meeting.case_id)
            .outerjoin(check, and_(check.meeting_id == Meeting.id, check.field == field))
            .add_columns(check.text_sha256)
            .where(getattr(Meeting, field).is_not(None), Meeting.recorded_at.is_not(None))
        )
        pieces += [
            Piece(_key("meeting", i, field), CHECKED_FIELDS[field], q, ref, text, text_digest(text))
            for i, text, q, ref, digest in rows
            if text and digest != text_digest(text)
        ]
    rows = db.session.execute(
        select(
            Action.id, Action.what, AuditCase.quarter, AuditCase.reference, TextCheck.text_sha256
        )
        .join(AuditCase, AuditCase.id == Action.case_id)
        .outerjoin(TextCheck, and_(TextCheck.action_id == Action.id, TextCheck.field == "what"))
    )
    pieces += [
        Piece(_key("action", i, "what"), CHECKED_FIELDS["what"], q, ref, text, text_digest(text))
        for i, text, q, ref, digest in rows
        if text and digest != text_digest(text)
    ]
    return sorted(pieces, key=lambda p: (-_quarter_rank(p.quarter), p.reference, p.key))


def _quarter_rank(quarter: str | None) -> int:
    """Later quarters first; cases with no quarter last."""
    if not quarter:
        return 0
    year, q = quarter.split("-Q")
    return int(year) * 4 + int(q)


def _current_text(key: str) -> tuple[dict, str | None]:
    """The check's columns for a key, and the text it names now (None if there is none)."""
    kind, _sep, rest = key.partition("-")
    source, _sep, field = rest.partition("-")
    if not source.isdigit():
        return {}, None
    if kind == "meeting" and field in MEETING_FIELDS:
        meeting = db.session.get(Meeting, int(source))
        if meeting is None or meeting.recorded_at is None:
            return {}, None
        return {"meeting_id": meeting.id, "field": field}, getattr(meeting, field)
    if kind == "action" and field == "what":
        action = db.session.get(Action, int(source))
        return ({"action_id": action.id, "field": field}, action.what) if action else ({}, None)
    return {}, None


def check(key: str, digest: str, staff_id: int) -> bool:
    """Record that the member of staff checked the text named by ``key``, whose SHA-256 they saw
    as ``digest``, and committed. False (and nothing stored) when the text is gone or differs
    from what they saw. Checking again what is already checked changes nothing."""
    where, text = _current_text(key)
    if not text or text_digest(text) != digest:
        return False
    existing = db.session.scalar(select(TextCheck).filter_by(**where))
    if existing is not None and existing.text_sha256 == digest:
        return True
    if existing is None:
        existing = TextCheck(**where)
        db.session.add(existing)
    existing.text_sha256 = digest
    existing.checked_by = staff_id
    existing.checked_at = utcnow()
    case_id = db.session.scalar(
        select(Meeting.case_id).where(Meeting.id == where["meeting_id"])
        if "meeting_id" in where
        else select(Action.case_id).where(Action.id == where["action_id"])
    )
    record("text_checked", actor=f"staff:{staff_id}", case_id=case_id, detail=key)
    try:
        db.session.commit()
    except IntegrityError:
        # Another tab checked the same text at the same moment: its check stands.
        db.session.rollback()
        again = db.session.scalar(select(TextCheck).filter_by(**where))
        return again is not None and again.text_sha256 == digest
    return True
