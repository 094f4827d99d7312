"""Audit events for what became of a message, written in the transaction that records it.

A message for an invitation (the invitation itself or a reminder) is recorded against the
invitation as "sent", "delivered" or "failed": the names the staff invitation timeline shows
(portal/models/events.py, INVITATION_EVENTS). Other messages (feedback letters) are recorded
against their case as "message_sent", "message_delivered" or "message_failed". The detail names
the message by id and channel only, never its content or address.

A feedback letter that has been sent (or delivered) moves its case to "feedback_sent", unless
the case is closed.
"""

from __future__ import annotations

from sqlalchemy import update

from ..extensions import db
from ..models import AuditCase
from ..models.events import record

OUTCOMES = ("sent", "delivered", "failed")


def message_outcome(message, outcome: str, actor: str = "system", note: str | None = None) -> None:
    """Record that ``message`` was sent, delivered or failed (``message`` may be detached: only
    its id, kind, channel, case and invitation are read)."""
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    action = outcome if message.invitation_id else f"message_{outcome}"
    detail = f"message {message.id} by {message.channel}"
    if note:
        detail = f"{detail} {note}"
    record(
        action,
        actor=actor,
        case_id=message.case_id,
        invitation_id=message.invitation_id,
        # An organisation's return request or reminder: on the return's timeline too.
        return_request_id=getattr(message, "return_request_id", None),
        detail=detail[:200],
    )
    if message.kind == "feedback" and outcome in ("sent", "delivered"):
        _feedback_sent(message.case_id)


def _feedback_sent(case_id: int) -> None:
    """Move the case to "feedback sent". A plain UPDATE that also bumps the case's version, so
    a coordinator's edit form opened before this is refused as stale rather than overwriting
    the status."""
    done = db.session.execute(
        update(AuditCase)
        .where(AuditCase.id == case_id, AuditCase.status.not_in(("feedback_sent", "closed")))
        .values(status="feedback_sent", version=AuditCase.version + 1),
        execution_options={"synchronize_session": False},
    )
    if done.rowcount == 1:
        record("case_updated", actor="system", case_id=case_id, detail="status")
