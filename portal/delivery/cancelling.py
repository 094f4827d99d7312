"""Cancelling messages not yet sent, in the caller's transaction.

Called where the change that makes them pointless happens: links.revoke() for a revoked link,
and each place consent is withdrawn (the adult's "stop sharing" link, staff recording a
withdrawal by phone or letter). Apart from the outbox's queueing, so links.py can call it.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Invitation, utcnow
from ..models.outbox import OutboxMessage

# Why messages were cancelled, as staff read it on the invitation's timeline.
LINK_REVOKED = "Cancelled: the link was revoked"
CONSENT_WITHDRAWN = "Cancelled: consent was withdrawn"


def _cancel(messages, reason: str) -> int:
    now = utcnow()
    for message in messages:
        message.status = "cancelled"
        message.reason = reason
        message.finished_at = now
        message.clear_content()
    return len(messages)


def cancel_for_invitation(invitation: Invitation, reason: str) -> int:
    """Cancel the invitation's messages not yet sent (queued, or waiting to be tried again).
    A message already with a provider cannot be called back."""
    messages = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.invitation_id == invitation.id, OutboxMessage.status == "queued"
        )
    ).all()
    return _cancel(messages, reason)


def cancel_message(message: OutboxMessage, reason: str = "Cancelled by staff") -> bool:
    if message.status != "queued":
        return False
    return _cancel([message], reason) == 1
