from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, orm
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow
from .cases import AuditCase, Participant

# Each stored code with its label for staff pages. How the answers came: by the link, or given to
# a facilitator who recorded them.
RESPONSE_METHODS = {
    "online": _l("Online"),
    "phone": _l("By phone"),
    "visit": _l("In person, on a visit"),
}
# How consent was withdrawn: by the stop-sharing link, or by phone or letter to staff.
WITHDRAWN_VIA = {"online": _l("Online"), "phone": _l("By phone"), "letter": _l("By letter")}


class Invitation(db.Model):
    """One person's one-time link. Only a hash of the secret is kept."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_case.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(20))  # adult | representative
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped each time someone begins from the link, so any older browser session ends.
    session_generation: Mapped[int] = mapped_column(default=0)
    format: Mapped[str] = mapped_column(String(10), default="standard")
    language: Mapped[str] = mapped_column(String(5), default="en")

    case: Mapped[AuditCase] = orm.relationship()
    participant: Mapped[Participant] = orm.relationship()
    response: Mapped[Response | None] = orm.relationship(back_populates="invitation")

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class Response(db.Model):
    """One invitation's answers: a draft saved page by page, then submitted once."""

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id"), unique=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft | submitted
    method: Mapped[str] = mapped_column(String(10), default="online")  # online | phone | visit
    format: Mapped[str] = mapped_column(String(10), default="standard")
    language: Mapped[str] = mapped_column(String(5), default="en")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hash of the secret in the "stop sharing my information" link given on the confirmation.
    withdraw_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    respondent: Mapped[str | None] = mapped_column(String(20))  # adult | representative
    representative_name: Mapped[str | None] = mapped_column(String(120))
    representative_relationship: Mapped[str | None] = mapped_column(String(120))
    representative_basis: Mapped[str | None] = mapped_column(String(20))

    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_representative_name: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    contact_address: Mapped[str | None] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(String(254))

    invitation: Mapped[Invitation] = orm.relationship(back_populates="response")
    consent: Mapped[ConsentRecord | None] = orm.relationship(back_populates="response")
    answers: Mapped[list[Answer]] = orm.relationship(
        back_populates="response", order_by="Answer.id", cascade="all, delete-orphan"
    )
    saved_pages: Mapped[list[SavedPage]] = orm.relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def saved(self) -> set[str]:
        return {saved.page for saved in self.saved_pages}

    def answer(self, question_id: str) -> Answer | None:
        return next((a for a in self.answers if a.question_id == question_id), None)


class ConsentRecord(db.Model):
    """Appendix 4: who consented (or declined), in what capacity, how, and any limits."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), unique=True)
    decision: Mapped[str | None] = mapped_column(String(10))  # agree | decline
    subject_name: Mapped[str | None] = mapped_column(String(120))
    completed_by: Mapped[str | None] = mapped_column(String(120))
    relationship: Mapped[str | None] = mapped_column(String(120))
    signature: Mapped[str | None] = mapped_column(String(120))
    declaration: Mapped[bool] = mapped_column(default=False)
    signed_on: Mapped[date | None] = mapped_column(Date)
    restrictions: Mapped[str | None] = mapped_column(Text)
    comments: Mapped[str | None] = mapped_column(Text)
    anonymous_feedback: Mapped[str | None] = mapped_column(String(5))  # yes | no, after decline
    method: Mapped[str] = mapped_column(String(10), default="online")  # online | phone | paper
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_via: Mapped[str | None] = mapped_column(String(20))

    response: Mapped[Response] = orm.relationship(back_populates="consent")


class Answer(db.Model):
    """One question's answer: option codes (never display text) and a comment."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(10))
    codes: Mapped[str] = mapped_column(String(200), default="")  # space separated
    comment: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = orm.relationship(back_populates="answers")

    @property
    def code_list(self) -> list[str]:
        return self.codes.split()


class SavedPage(db.Model):
    """A journey page this response has saved, so a returning person carries on where they
    were and no page can be skipped. A row each, so two tabs saving two pages both count."""

    __tablename__ = "saved_page"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    page: Mapped[str] = mapped_column(String(20), primary_key=True)
