"""Changing one's mind about sharing: the adult's own "stop sharing my information" link.

The link is given on the confirmation page after consent was given. Like an invitation link it
holds a 128-bit secret of which only a hash is kept; opening it changes nothing, and withdrawing
takes a button press. Withdrawal takes the views out of the meeting view and cancels any
message not yet sent (portal/delivery/outbox.py does that for every withdrawal, however made).
"""

from __future__ import annotations

import secrets

from flask import render_template, session, url_for
from sqlalchemy import select

from ..extensions import db, limiter
from ..links import TOKEN_BYTES, TOKEN_LENGTH, hash_token
from ..models import Response, utcnow
from ..models.events import record
from . import bp

SESSION_KEY = "withdraw"


def issue_withdrawal_link(response: Response) -> None:
    """Give a submitted response whose sharing was agreed its own withdrawal link. The secret
    is kept only in this browser's session, to show on the confirmation page."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    response.withdraw_token_hash = hash_token(token)
    session[SESSION_KEY] = token


def withdrawal_url() -> str | None:
    token = session.get(SESSION_KEY)
    return url_for("journey.withdraw", token=token, _external=False) if token else None


def _find(token: str) -> Response | None:
    if len(token) != TOKEN_LENGTH:
        return None
    response = db.session.scalar(
        select(Response).where(Response.withdraw_token_hash == hash_token(token))
    )
    if response is None or response.consent is None or response.consent.decision != "agree":
        return None
    return response


@bp.get("/w/<token>")
@limiter.limit("30 per minute;200 per hour")
def withdraw(token: str):
    response = _find(token)
    if response is None:
        return render_template("public/link_not_working.html"), 404
    if response.consent.withdrawn_at is not None:
        return render_template("public/withdrawn.html")
    return render_template("public/withdraw.html")


@bp.post("/w/<token>")
@limiter.limit("30 per minute;200 per hour")
def withdraw_confirm(token: str):
    response = _find(token)
    if response is None:
        return render_template("public/link_not_working.html"), 404
    consent = response.consent
    if consent.withdrawn_at is None:
        consent.withdrawn_at = utcnow()
        consent.withdrawn_via = "online"
        invitation = response.invitation
        record("consent_withdrawn", case_id=invitation.case_id, invitation_id=invitation.id)
        db.session.commit()
    return render_template("public/withdrawn.html")
