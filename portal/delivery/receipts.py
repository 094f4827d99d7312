"""GOV.UK Notify delivery receipts: Notify POSTs each message's status to this endpoint.

Authenticated by the bearer token set as the callback's token in Notify (NOTIFY_CALLBACK_TOKEN),
compared in constant time. Exempt from CSRF: the caller is Notify's server, not a browser, and
the token is what proves it. Receipts are idempotent, and a late one never undoes a later state.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import select

from ..extensions import csrf, db
from ..models import utcnow
from ..models.outbox import OutboxMessage
from .events import message_outcome

log = logging.getLogger("portal.outbox")
bp = Blueprint("delivery", __name__)

# Notify's statuses: https://docs.notifications.service.gov.uk/python.html#status-email
FAILURES = {
    "permanent-failure": ("permanent", "The address or number does not exist"),
    "temporary-failure": ("temporary", "The inbox was full or the phone was off for 72 hours"),
    "technical-failure": ("temporary", "GOV.UK Notify had a technical failure"),
    "validation-failed": ("permanent", "GOV.UK Notify could not print the letter"),
    "cancelled": ("permanent", "The letter was cancelled in GOV.UK Notify"),
}
DELIVERED = ("delivered", "received")  # "received": the letter has been posted
# A receipt is a few hundred bytes of JSON; anything much larger is refused (413) unread.
RECEIPT_MAX_BYTES = 16 * 1024
# The fields read, each a string no longer than the column it is compared with or kept in
# (Notify's ids and our references are 36-character UUIDs); "id" may be missing or null.
REQUIRED = {"reference": OutboxMessage.reference.type.length, "status": 40}
OPTIONAL = {"id": OutboxMessage.provider_id.type.length}


def _authorised() -> bool:
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN")
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[len("Bearer ") :].encode(), expected.encode())


@bp.post("/delivery/notify/receipts")
@csrf.exempt
def notify_receipt():
    if not _authorised():
        return jsonify(error="unauthorised"), 401
    request.max_content_length = RECEIPT_MAX_BYTES
    data = request.get_json(silent=True)
    if not well_formed(data):
        return jsonify(error="a JSON object with reference and status strings is needed"), 400
    reference, status = data["reference"], data["status"]
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.reference == reference))
    if message is None:
        return jsonify(result="unknown reference"), 200  # not ours: do not make Notify retry
    apply_receipt(message, status, data.get("id"))
    db.session.commit()
    log.info("outbox message %s: receipt %s", message.id, status)
    return jsonify(result="ok"), 200


def well_formed(data) -> bool:
    """A JSON object whose fields read here are strings of bounded length."""
    if not isinstance(data, dict):
        return False

    def fits(value, limit: int) -> bool:
        return isinstance(value, str) and len(value) <= limit

    return all(fits(data.get(name), limit) for name, limit in REQUIRED.items()) and all(
        data.get(name) is None or fits(data[name], limit) for name, limit in OPTIONAL.items()
    )


def apply_receipt(message: OutboxMessage, status: str, notify_id: str | None = None) -> None:
    if message.status in ("delivered", "failed", "cancelled"):
        return  # final already
    if message.status not in ("sending", "sent"):
        return  # not (yet) with Notify as far as we know: ignore
    now = utcnow()
    if status in DELIVERED:
        message.status, message.delivered_at = "delivered", now
        outcome = "delivered"
    elif status in FAILURES:
        outcome = "failed"
        message.status = "failed"
        message.failure, message.reason = FAILURES[status]
        message.reason = f"{message.reason} (GOV.UK Notify: {status})"
    else:
        return  # created, sending, pending, accepted: still on its way
    if message.sent_at is None:
        message.sent_at = now
    message.provider = message.provider or "notify"
    message.provider_id = message.provider_id or notify_id
    message.finished_at = now
    message.clear_content()
    message_outcome(message, outcome, note=f"(GOV.UK Notify: {status})")
