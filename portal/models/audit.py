"""The audit itself: partner organisations, their returns against Appendix 1 (asked for by a
one-time link), the meeting's record with agreed scores, and the actions that follow.

Principle and score codes are portal/audit_tool.py's; the labels of the codes stored here sit
beside them.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, String, Text, orm
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow
from .cases import AuditCase

ORGANISATION_KINDS = {
    "police": _l("Police"),
    "nhs": _l("NHS"),
    "local_authority": _l("Local authority"),
    "provider": _l("Care provider"),
    "housing": _l("Housing"),
    "other": _l("Other"),
}
# A return's state as the coordinator sees it on the case page, latest first.
RETURN_STATES = {
    "revoked": _l("Link revoked"),
    "submitted": _l("Submitted"),
    "in_progress": _l("In progress"),
    "opened": _l("Opened"),
    "invited": _l("Invited"),
}
ACTION_STATUSES = {
    "open": _l("Open"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}


class Organisation(db.Model):
    """A partner organisation (police, NHS trust, care provider, housing...) and the email
    domains its staff use: a return link is only ever sent to an address in one of them."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="other")  # ORGANISATION_KINDS

    domains: Mapped[list[OrganisationDomain]] = orm.relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        """The kind as staff read it."""
        return str(ORGANISATION_KINDS.get(self.kind, self.kind))


class OrganisationDomain(db.Model):
    """An email domain of an organisation, stored lower case (e.g. devon.police.uk)."""

    __tablename__ = "organisation_domain"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    domain: Mapped[str] = mapped_column(String(253), primary_key=True)

    organisation: Mapped[Organisation] = orm.relationship(back_populates="domains")


class CaseOrganisation(db.Model):
    """An organisation involved in a case. AuditCase.agencies_involved keeps what was typed
    before organisations were listed; this is the list pages and returns work from."""

    __tablename__ = "case_organisation"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("audit_case.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)

    case: Mapped[AuditCase] = orm.relationship()
    organisation: Mapped[Organisation] = orm.relationship()


class ReturnRequest(db.Model):
    """One organisation's return for one case: the named contact's one-time link (only its
    SHA-256 hash kept, as portal/links.py does for the adult's), the identifiers the coordinator
    chose to share, and the return's own free-text answers."""

    __tablename__ = "return_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_case.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))  # None once purged
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # portal/audit_tool.py's CASE_IDENTIFIERS codes, in that order.
    shared_identifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # audit_tool.RETURN_FIELDS, word for word as labelled there.
    desired_outcome: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    learning_points: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[str | None] = mapped_column(Text)
    documents_reviewed: Mapped[str | None] = mapped_column(Text)
    documents_not_available: Mapped[str | None] = mapped_column(Text)

    case: Mapped[AuditCase] = orm.relationship()
    organisation: Mapped[Organisation] = orm.relationship()
    principles: Mapped[list[ReturnPrinciple]] = orm.relationship(
        back_populates="return_request", cascade="all, delete-orphan"
    )
    practitioners: Mapped[list[ReturnPractitioner]] = orm.relationship(
        back_populates="return_request",
        cascade="all, delete-orphan",
        order_by="ReturnPractitioner.id",
    )

    def usable(self, now: datetime) -> bool:
        """Whether the link still works (not revoked, not expired). A submitted return's link
        keeps working: it shows the return read-only."""
        return self.revoked_at is None and self.expires_at > now

    @property
    def started(self) -> bool:
        """Whether any page of the return has been saved."""
        texts = (
            self.desired_outcome,
            self.summary,
            self.learning_points,
            self.recommendations,
            self.documents_reviewed,
            self.documents_not_available,
        )
        return bool(self.principles or self.practitioners or any(texts))

    @property
    def state(self) -> str:
        """A RETURN_STATES code: revoked, submitted, in_progress, opened or invited."""
        if self.revoked_at is not None:
            return "revoked"
        if self.submitted_at is not None:
            return "submitted"
        if self.started:
            return "in_progress"
        if self.opened_at is not None:
            return "opened"
        return "invited"

    @property
    def state_label(self) -> str:
        """The state as the coordinator reads it."""
        return str(RETURN_STATES[self.state])

    def principle(self, code: str) -> ReturnPrinciple | None:
        """This return's answer for one principle, if saved."""
        return next((p for p in self.principles if p.principle == code), None)


class ReturnPrinciple(db.Model):
    """A return's answer for one principle: the guidance questions considered, a narrative,
    the score, and why the score differs from the suggested one when it does."""

    __tablename__ = "return_principle"

    return_id: Mapped[int] = mapped_column(
        ForeignKey("return_request.id", ondelete="CASCADE"), primary_key=True
    )
    principle: Mapped[str] = mapped_column(String(20), primary_key=True)  # audit_tool code
    # Indexes (0-4) of the guidance questions ticked as considered in this case.
    considered: Mapped[list[int]] = mapped_column(JSON, default=list)
    narrative: Mapped[str | None] = mapped_column(Text)
    score: Mapped[str | None] = mapped_column(String(2))  # audit_tool.SCORES code
    score_reason: Mapped[str | None] = mapped_column(Text)

    return_request: Mapped[ReturnRequest] = orm.relationship(back_populates="principles")


class ReturnPractitioner(db.Model):
    """A frontline practitioner consulted for a return, and their reflection on the
    principles."""

    __tablename__ = "return_practitioner"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(
        ForeignKey("return_request.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(120))
    reflection: Mapped[str | None] = mapped_column(Text)

    return_request: Mapped[ReturnRequest] = orm.relationship(back_populates="practitioners")


class Meeting(db.Model):
    """The audit meeting's record for a case (one per case): what it agreed."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_case.id"), unique=True)
    held_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    learning_points: Mapped[str | None] = mapped_column(Text)
    recommendations: Mapped[str | None] = mapped_column(Text)
    practitioners_consulted: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    case: Mapped[AuditCase] = orm.relationship()
    organisations: Mapped[list[MeetingOrganisation]] = orm.relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    principles: Mapped[list[MeetingPrinciple]] = orm.relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )
    escalations: Mapped[list[Escalation]] = orm.relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Escalation.id"
    )

    def principle(self, code: str) -> MeetingPrinciple | None:
        """The agreed score and narrative for one principle, if recorded."""
        return next((p for p in self.principles if p.principle == code), None)


class MeetingOrganisation(db.Model):
    """An organisation present at the meeting."""

    __tablename__ = "meeting_organisation"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)

    meeting: Mapped[Meeting] = orm.relationship(back_populates="organisations")
    organisation: Mapped[Organisation] = orm.relationship()


class MeetingPrinciple(db.Model):
    """The score and narrative the meeting agreed for one principle."""

    __tablename__ = "meeting_principle"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    principle: Mapped[str] = mapped_column(String(20), primary_key=True)  # audit_tool code
    score: Mapped[str | None] = mapped_column(String(2))  # audit_tool.SCORES code
    narrative: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = orm.relationship(back_populates="principles")


class Escalation(db.Model):
    """A serious concern raised at the meeting, escalated to an organisation's safeguarding
    lead: when, by whom, and the outcome once known."""

    __tablename__ = "escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    escalated_on: Mapped[date] = mapped_column(Date)
    escalated_by: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = orm.relationship(back_populates="escalations")
    organisation: Mapped[Organisation] = orm.relationship()


class Action(db.Model):
    """An action from a case's recommendations, for the Learning & Improvement Group: what,
    which organisation owns it, its lead (a name or a role), due date and status."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_case.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lead: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    dropped_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[AuditCase] = orm.relationship()
    meeting: Mapped[Meeting | None] = orm.relationship()
    owner: Mapped[Organisation] = orm.relationship()
    updates: Mapped[list[ActionUpdate]] = orm.relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionUpdate.written_at"
    )

    @property
    def status_label(self) -> str:
        """The status as shown."""
        return str(ACTION_STATUSES.get(self.status, self.status))

    def overdue(self, today: date) -> bool:
        """Past its due date and neither done nor dropped."""
        return self.status in ("open", "in_progress") and self.due_on < today


class ActionUpdate(db.Model):
    """A dated update on an action."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    written_by: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)

    action: Mapped[Action] = orm.relationship(back_populates="updates")
