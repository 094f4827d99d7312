"""Changing one's mind about sharing: the adult's own "stop sharing my information" link.

The link is given on the confirmation page after consent was given. Like an invitation link it
holds a 128-bit secret of which only a hash is kept; opening it changes nothing, and withdrawing
takes a button press. Withdrawal takes the views out of the meeting view and cancels any
message not yet sent (as staff recording a withdrawal do too).

The secret is derived, not stored: an HMAC under the portal's secret key of the response's id
and its random reference. The confirmation page works it out again for the session that sent
the response, so neither the database nor the session cookie (signed, but readable by anyone
who holds it) ever holds it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app, render_template, url_for
from sqlalchemy import select

from ..delivery import CONSENT_WITHDRAWN, cancel_for_invitation
from ..extensions import db, limiter
from ..links import TOKEN_BYTES, TOKEN_LENGTH, hash_token
from ..models import Response, utcnow
from ..models.events import record
from . import bp


def _derive(key: str, response: Response) -> str:
    message = f"withdraw:{response.id}:{response.reference}".encode()
    mac = hmac.new(key.encode(), message, hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def issue_withdrawal_link(response: Response) -> None:
    """Give a submitted response whose sharing was agreed its own withdrawal link, of which
    only the hash is kept."""
    response.withdraw_token_hash = hash_token(
        _derive(current_app.config["SECRET_KEYS"][0], response)
    )


def withdrawal_url(response: Response) -> str | None:
    """The response's withdrawal link, worked out again. Only for the session that sent the
    response (the caller checks). After a key rotation the key that made it is found by its
    hash; once that key is retired the link still works but can no longer be shown."""
    stored = response.withdraw_token_hash
    if stored is None:
        return None
    for key in current_app.config["SECRET_KEYS"]:
        token = _derive(key, response)
        if hmac.compare_digest(hash_token(token), stored):
            return url_for("journey.withdraw", token=token)
    return None


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
        cancel_for_invitation(invitation, CONSENT_WITHDRAWN)
        db.session.commit()
    return render_template("public/withdrawn.html")
