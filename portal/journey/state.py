"""The adult's browser session: which invitation it belongs to, and whether it still counts.

The session cookie holds only the invitation's id and the generation it began at. Beginning again
from the link bumps the generation in the database, which ends every older session at once.
"""

from __future__ import annotations

import secrets

from flask import g, session
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Invitation, Response, utcnow

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, so it reads back over the phone


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def start_session(invitation: Invitation, generation: int) -> None:
    keep = {k: session[k] for k in ("lang", "format") if k in session}
    # A fresh session (and with it a fresh CSRF token) for the person who has just begun.
    session.clear()
    session.update(keep)
    session["inv"] = invitation.id
    session["gen"] = generation
    session.setdefault("lang", invitation.language)
    session.setdefault("format", invitation.format)


def end_session() -> None:
    session.clear()


def current_invitation() -> Invitation | None:
    """The invitation this browser is working on, if its session is still the live one."""
    if "invitation" in g:
        return g.invitation
    invitation = None
    inv_id, generation = session.get("inv"), session.get("gen")
    if isinstance(inv_id, int) and isinstance(generation, int):
        # One round trip for everything a journey page reads: the invitation, its response,
        # the consent record and the answers.
        found = (
            db.session.scalars(
                select(Invitation)
                .where(Invitation.id == inv_id)
                .options(
                    joinedload(Invitation.response).options(
                        joinedload(Response.consent), joinedload(Response.answers)
                    )
                )
            )
            .unique()
            .first()
        )
        if found and found.session_generation == generation and found.revoked_at is None:
            submitted = found.response is not None and found.response.status == "submitted"
            # After submitting, the confirmation page still shows even if the link has expired.
            if submitted or found.expires_at > utcnow():
                invitation = found
    g.invitation = invitation
    return invitation


def ensure_response(invitation: Invitation) -> Response:
    if invitation.response is None:
        invitation.response = Response(
            reference=new_reference(), format=invitation.format, language=invitation.language
        )
        db.session.add(invitation.response)
    return invitation.response
