from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

# The actions recorded against an invitation, labelled as its timeline on the staff pages says
# them.
INVITATION_EVENTS = {
    "created": _l("Invitation created"),
    "invitation_queued": _l("Invitation queued to send"),
    "reminder_queued": _l("Reminder queued to send"),
    "sent": _l("Sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Delivery failed"),
    "opened": _l("Opened the link and started"),
    "started": _l("Saved the first answer"),
    "consent_given": _l("Consent given"),
    "consent_declined": _l("Consent declined"),
    "submitted": _l("Answers sent"),
    "expired": _l("Link expired"),
    "revoked": _l("Link revoked"),
    "expiry_changed": _l("Expiry date changed"),
    "resent": _l("Replaced by a new link"),
    "viewed": _l("Viewed by staff"),
}
# The actions recorded against an organisation's return, as its timeline says them.
RETURN_EVENTS = {
    "return_requested": _l("Return requested"),
    "return_request_queued": _l("Request queued to send"),
    "return_reminder_queued": _l("Reminder queued to send"),
    "return_link_replaced": _l("Replaced by a new link"),
    "return_revoked": _l("Link revoked"),
    "return_opened": _l("Opened the link"),
    "return_submitted": _l("Return submitted"),
    "identifiers_viewed": _l("Case identifiers viewed"),
    "message_sent": _l("Sent"),
    "message_delivered": _l("Delivered"),
    "message_failed": _l("Delivery failed"),
}


class AuditEvent(db.Model):
    """What happened, to which record, by whom, and when: never the personal data itself."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(60))  # "adult", "system" or "staff:<id>"
    action: Mapped[str] = mapped_column(String(40), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("audit_case.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), index=True)
    return_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("return_request.id"), index=True
    )
    detail: Mapped[str | None] = mapped_column(String(200))


def record(
    action: str,
    actor: str = "adult",
    case_id=None,
    invitation_id=None,
    detail=None,
    return_request_id=None,
):
    """Add an event to the current transaction; it commits with the change it describes."""
    event = AuditEvent(
        action=action,
        actor=actor,
        case_id=case_id,
        invitation_id=invitation_id,
        return_request_id=return_request_id,
        detail=detail,
    )
    db.session.add(event)
    return event
