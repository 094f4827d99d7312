"""Invitation links: a 128-bit secret from `secrets`, of which only a SHA-256 hash is stored.

The path is /r/<22 characters>, so the link and a short sentence fit in one text message.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from .database import read
from .extensions import db
from .models import Invitation, Participant, utcnow
from .models.events import record
from .models.outbox import LINK_REVOKED, cancel_for_invitation

TOKEN_BYTES = 16  # 128 bits
TOKEN_LENGTH = 22  # base64url of 16 bytes, unpadded


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for(token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/r/{token}"


def issue(participant: Participant, actor: str, expires_at: datetime | None = None):
    """Create an invitation for a participant and return it with its one-time secret.
    The secret is shown or sent once and never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    days = current_app.config["LINK_LIFETIME_DAYS"]
    invitation = Invitation(
        case_id=participant.case_id,
        participant_id=participant.id,
        recipient=participant.role,
        token_hash=hash_token(token),
        expires_at=expires_at or utcnow() + timedelta(days=days),
        format=participant.format,
        language=participant.language,
    )
    db.session.add(invitation)
    db.session.flush()
    record("created", actor=actor, case_id=invitation.case_id, invitation_id=invitation.id)
    return invitation, token


# Built once: it runs on every link's page and Start now. Every caller asks whether the
# invitation has a response, so it is read in the same query.
_BY_TOKEN = (
    select(Invitation)
    .where(Invitation.token_hash == bindparam("hash"))
    .options(joinedload(Invitation.response))
)


def find(token: str, now: datetime | None = None, only_reading: bool = False) -> Invitation | None:
    """The live invitation for a token, or None for unknown, tampered, expired or revoked links
    alike: callers show the same page whichever it was. ``only_reading``: the request changes
    nothing, so the query runs outside any transaction (database.read)."""
    if not token or len(token) != TOKEN_LENGTH:
        return None
    params = {"hash": hash_token(token)}
    found = read(_BY_TOKEN, params) if only_reading else db.session.execute(_BY_TOKEN, params)
    invitation = found.scalar()
    if invitation is None or not invitation.usable(now or utcnow()):
        return None
    return invitation


def begin(invitation: Invitation) -> int:
    """Start (or restart) from the link: every older browser session on it ends."""
    return db.session.scalar(
        update(Invitation)
        .where(Invitation.id == invitation.id)
        .values(session_generation=Invitation.session_generation + 1)
        .returning(Invitation.session_generation)
    )


def revoke(invitation: Invitation, actor: str) -> None:
    """Stop the link working, and cancel its messages not yet sent, in the caller's
    transaction."""
    invitation.revoked_at = utcnow()
    record("revoked", actor=actor, case_id=invitation.case_id, invitation_id=invitation.id)
    cancel_for_invitation(invitation, LINK_REVOKED)
