"""The outbox: every email, text and letter the portal sends, and what became of it.

A message is a row written in the same transaction as the change that caused it (an invitation
issued, a feedback letter queued), so a message is never sent for a change that rolled back, and
never lost for one that committed. The worker (portal/delivery/worker.py) sends the rows.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, LargeBinary, String, Text, orm, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .audit import ReturnRequest
from .base import UTCDateTime, utcnow
from .cases import CHANNELS, AuditCase, Participant
from .journey import Invitation

STATUSES = ("queued", "sending", "sent", "delivered", "failed", "cancelled")
# A message in one of these will never be sent (again), so its content is no longer kept.
FINAL = ("sent", "delivered", "failed", "cancelled")
# Why messages were cancelled, as staff read it on the invitation's timeline.
LINK_REVOKED = "Cancelled: the link was revoked"
CONSENT_WITHDRAWN = "Cancelled: consent was withdrawn"
# Labels as the invitation's timeline puts them mid-sentence ("reminder by email").
KINDS = {
    "invitation": _l("invitation"),
    "reminder": _l("reminder"),
    "feedback": _l("feedback letter"),
    "return_request": _l("request for an organisation's return"),
    "return_reminder": _l("reminder of an organisation's return"),
}
# email, text and letter go through the configured provider; print letters wait for the post
# room's print batch.
MESSAGE_CHANNELS = {**CHANNELS, "print": _l("Letter (print batch)")}


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The provider reference: a random UUID, holding no personal data, unique per message. After a
    # crash the worker asks the provider whether it already holds a message with this reference.
    reference: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_case.id"), index=True)
    # The adult or representative it goes to; None for a message to an organisation's contact.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), index=True)
    return_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("return_request.id"), index=True
    )
    language: Mapped[str] = mapped_column(String(5), default="en")
    format: Mapped[str] = mapped_column(String(10), default="standard")

    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    failure: Mapped[str | None] = mapped_column(String(10))  # temporary | permanent
    reason: Mapped[str | None] = mapped_column(String(300))  # shown to staff; no personal data
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_id: Mapped[str | None] = mapped_column(String(200))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(60))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # What is sent, kept only until the message reaches a final status (see FINAL). The body of
    # an invitation holds the adult's one-time link (and a letter its short code): the secret
    # has to be somewhere the worker can read it until the provider has the message, but it must
    # not stay in the database in clear. We clear these columns in the same transaction that
    # records the final status, rather than encrypting them: a key kept in the same app's
    # configuration would protect little against someone who can read both, and clearing
    # leaves nothing to leak from backups taken after the message went.
    to_address: Mapped[str | None] = mapped_column(Text)  # email, phone or postal address
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)  # email or text body (plain text)
    letter_html: Mapped[str | None] = mapped_column(Text)  # the letter, rendered to PDF on send
    attachment_name: Mapped[str | None] = mapped_column(String(100))

    case: Mapped[AuditCase] = orm.relationship()
    participant: Mapped[Participant | None] = orm.relationship()
    invitation: Mapped[Invitation | None] = orm.relationship()
    return_request: Mapped[ReturnRequest | None] = orm.relationship()

    def clear_content(self) -> None:
        self.to_address = self.subject = self.body = self.letter_html = None


class InvitationCode(db.Model):
    """A short code for people who would rather type than follow a link, as printed on letters.

    12 characters: the first 4 pick the code (stored as they are, they are not secret), the other
    8 are the secret part, of which only an HMAC is kept. Wrong secrets for a known code count
    against it, and it locks after a few. An invitation may have several codes (a reminder brings
    a fresh one, since the original link and code were never stored)."""

    __tablename__ = "invitation_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), index=True)
    selector: Mapped[str] = mapped_column(String(4), unique=True)
    verifier_hash: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invitation: Mapped[Invitation] = orm.relationship()


class CodeAttempt(db.Model):
    """A failed code entry from one address (kept as an HMAC, never the address itself), so
    attempts can be limited per address as well as per code. Old rows are pruned."""

    __tablename__ = "code_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SentLog(db.Model):
    """The providers' own record of what they accepted, written (in its own transaction) the
    moment a provider accepts a message. SMTP relays cannot be asked afterwards whether they took
    a message, so after a crash this is what the worker checks before sending again."""

    __tablename__ = "sent_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(36), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DevelopmentMessage(db.Model):
    """What the development provider 'sent': the rendered message, for the staff outbox page.
    The development provider is refused in production."""

    __tablename__ = "development_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(36), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    to_address: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    attachment_name: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Cancelling messages not yet sent, in the caller's transaction, where the change that makes them
# pointless happens: links.revoke() for a revoked link, and each place consent is withdrawn (the
# adult's "stop sharing" link, staff recording a withdrawal by phone or letter). Kept with the
# table rather than in portal/delivery/, whose messages need links.py, so links.py can call it.


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


def cancel_for_return(return_request: ReturnRequest, reason: str) -> int:
    """Cancel the messages not yet sent for an organisation's return link."""
    messages = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.return_request_id == return_request.id,
            OutboxMessage.status == "queued",
        )
    ).all()
    return _cancel(messages, reason)


def cancel_message(message: OutboxMessage, reason: str = "Cancelled by staff") -> bool:
    if message.status != "queued":
        return False
    return _cancel([message], reason) == 1
