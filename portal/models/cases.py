from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, orm
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..questionnaire import EASY_READ, STANDARD
from .base import UTCDateTime, utcnow

# Each stored code with its label for staff pages: iterating gives the codes, in order.
CASE_STATUSES = {
    "preparing": _l("Preparing"),
    "waiting_for_views": _l("Waiting for views"),
    "ready_for_meeting": _l("Ready for meeting"),
    "audited": _l("Audited"),
    "feedback_sent": _l("Feedback sent"),
    "closed": _l("Closed"),
}
CHANNELS = {"email": _l("Email"), "text": _l("Text message"), "letter": _l("Letter")}
# The adult, or someone acting for them: a participant's role, an invitation's recipient and a
# response's respondent.
RECIPIENTS = {"adult": _l("The adult"), "representative": _l("The representative")}
FORMATS = {STANDARD: _l("Standard"), EASY_READ: _l("Easy Read")}
# The Care Act 2014 statutory guidance's categories of abuse and neglect (Appendix 1's "Type of
# Abuse").
ABUSE_TYPES = {
    "physical": _l("Physical abuse"),
    "domestic": _l("Domestic abuse"),
    "sexual": _l("Sexual abuse"),
    "psychological": _l("Psychological abuse"),
    "financial": _l("Financial or material abuse"),
    "modern_slavery": _l("Modern slavery"),
    "discriminatory": _l("Discriminatory abuse"),
    "organisational": _l("Organisational abuse"),
    "neglect": _l("Neglect and acts of omission"),
    "self_neglect": _l("Self-neglect"),
}
OUTCOMES_MET = {
    "yes": _l("Yes"),
    "partly": _l("Partly"),
    "no": _l("No"),
    "not_known": _l("Not known"),
}
# Making Safeguarding Personal, as NHS England's Safeguarding Adults Collection (table SG4a) asks
# it: was the adult (or their representative) asked about the outcomes they wanted? Not
# recorded is a case with no code.
OUTCOMES_ASKED = {
    "asked_expressed": _l("Yes, they were asked and outcomes were expressed"),
    "asked_not_expressed": _l("Yes, they were asked but no outcomes were expressed"),
    "not_asked": _l("No"),
    "dont_know": _l("Don’t know"),
}


class AuditCase(db.Model):
    __tablename__ = "audit_case"
    # The case list filters on these and orders by quarter then reference.
    __table_args__ = (Index("ix_audit_case_quarter_reference", "quarter", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    quarter: Mapped[str | None] = mapped_column(String(7))  # e.g. 2026-Q4
    theme: Mapped[str | None] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(30), default="preparing", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by `flask retention purge` when the case's personal data has been removed.
    personal_data_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: two staff saving the same case cannot silently overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    # Appendix 1, the Multi-Agency Safeguarding Audit tool.
    participants_and_roles: Mapped[str | None] = mapped_column(Text)
    adult_name: Mapped[str | None] = mapped_column(String(120))
    adult_known_as: Mapped[str | None] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    care_first_number: Mapped[str | None] = mapped_column(String(30))
    nhs_number: Mapped[str | None] = mapped_column(String(10))
    agency_system_id: Mapped[str | None] = mapped_column(String(60))
    concern_raised_on: Mapped[date | None] = mapped_column(Date)
    abuse_types: Mapped[str | None] = mapped_column(String(200))  # ABUSE_TYPES, space separated
    abuse_location: Mapped[str | None] = mapped_column(Text)
    referral_source: Mapped[str | None] = mapped_column(Text)
    presenting_concern: Mapped[str | None] = mapped_column(Text)
    agencies_involved: Mapped[str | None] = mapped_column(Text)
    outcomes_met: Mapped[str | None] = mapped_column(String(10))
    outcomes_asked: Mapped[str | None] = mapped_column(String(20))  # OUTCOMES_ASKED
    cause_of_risk: Mapped[str | None] = mapped_column(Text)
    documents_reviewed: Mapped[str | None] = mapped_column(Text)
    documents_not_available: Mapped[str | None] = mapped_column(Text)
    desired_outcome: Mapped[str | None] = mapped_column(Text)
    # The facilitator: the only one of the facilitators who may see this case.
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)

    participants: Mapped[list[Participant]] = orm.relationship(back_populates="case")
    facilitator: Mapped[StaffUser | None] = orm.relationship("StaffUser")  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    def participant(self, role: str) -> Participant | None:
        return next((p for p in self.participants if p.role == role), None)


class Participant(db.Model):
    """The adult, or someone acting for them, with their recorded communication needs."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_case.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # adult | representative
    name: Mapped[str | None] = mapped_column(String(120))
    known_as: Mapped[str | None] = mapped_column(String(120))
    relationship: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(10), default="email")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(10), default="standard")
    language: Mapped[str] = mapped_column(String(5), default="en")

    case: Mapped[AuditCase] = orm.relationship(back_populates="participants")
