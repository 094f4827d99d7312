"""Inviting the adult or their representative: a one-time link, and the message that takes it
to them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from .. import links
from ..delivery import queue_invitation
from ..extensions import db
from ..models import AuditCase, Invitation, OutboxMessage, Participant, utcnow
from ..models.events import record


def invite(case: AuditCase, recipient: str, actor: str = "cli", **details) -> str:
    """A link for the case's adult or representative (created with ``details`` if the case has
    none yet), returned to be handed over; nothing is sent."""
    person = case.participant(recipient)
    if person is None:
        person = Participant(case=case, role=recipient, **details)
        db.session.add(person)
        db.session.flush()
    _invitation, token = links.issue(person, actor=actor)
    return links.link_for(token)


def send_invitation(
    participant: Participant, actor: str, expires_at: datetime | None = None
) -> tuple[Invitation, str, OutboxMessage]:
    """Issue a link and queue the invitation by the person's channel, in the caller's
    transaction. Raises delivery.MissingContact when they have no address for it: the caller
    rolls back."""
    invitation, token = links.issue(participant, actor=actor, expires_at=expires_at)
    message = queue_invitation(invitation, token, actor=actor)
    return invitation, token, message


def replace_link(old: Invitation, actor: str) -> tuple[Invitation, str, OutboxMessage]:
    """A new link in place of ``old``, which stops working at once (its messages not yet sent
    are cancelled), sent like the first. It works for a new link's lifetime, or as long as the
    old one had left if that is longer."""
    if old.revoked_at is None:
        links.revoke(old, actor=actor)
    record("resent", actor=actor, case_id=old.case_id, invitation_id=old.id)
    lifetime = timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])
    expires_at = max(old.expires_at, utcnow() + lifetime)
    return send_invitation(old.participant, actor, expires_at=expires_at)
