"""Keeping personal data no longer than needed.

`flask --app wsgi retention purge` removes:
- personal data from cases closed longer ago than RETENTION_MONTHS (default 12): names, dates of
  birth, identifiers, contact details, free text that may identify someone, and the content of
  messages; the option codes of answers stay, so anonymised totals can still be reported. Of the
  audit, the organisations' returns lose their contacts, the identifiers shared with them and
  their narratives, and the meeting record its narratives and who took part; the scores (and so
  the bands), the learning points, the recommendations and the actions stay for the report;
- drafts nobody will finish: from links that expired or were revoked, and drafts untouched for
  longer than a link lives;
- short codes of links that no longer work.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from .extensions import db
from .models import Answer, AuditCase, ConsentRecord, Invitation, Participant, Response, utcnow
from .models.audit import (
    Escalation,
    Meeting,
    MeetingPrinciple,
    ReturnPractitioner,
    ReturnPrinciple,
    ReturnRequest,
)
from .models.events import record
from .models.outbox import DevelopmentMessage, InvitationCode, OutboxMessage
from .models.staff import SafeguardingConcern

CASE_PERSONAL = (
    "participants_and_roles",
    "adult_name",
    "adult_known_as",
    "date_of_birth",
    "care_first_number",
    "nhs_number",
    "agency_system_id",
    "concern_raised_on",
    "abuse_location",
    "referral_source",
    "presenting_concern",
    "agencies_involved",
    "cause_of_risk",
    "documents_reviewed",
    "documents_not_available",
    "desired_outcome",
)
PARTICIPANT_PERSONAL = ("name", "known_as", "relationship", "email", "phone", "address")
RESPONSE_PERSONAL = (
    "representative_name",
    "representative_relationship",
    "contact_name",
    "contact_representative_name",
    "contact_phone",
    "contact_address",
    "contact_email",
)
CONSENT_PERSONAL = (
    "subject_name",
    "completed_by",
    "relationship",
    "signature",
    "restrictions",
    "comments",
)
MESSAGE_CONTENT = ("to_address", "subject", "body", "letter_html")
# What an organisation's return and the meeting record may say about people. Learning points and
# recommendations are the anonymised learning the report needs, so they stay.
RETURN_PERSONAL = (
    "contact_name",
    "contact_email",
    "desired_outcome",
    "summary",
    "documents_reviewed",
    "documents_not_available",
)
MEETING_PERSONAL = ("summary", "practitioners_consulted")


@dataclass
class PurgeReport:
    cases: int = 0
    drafts: int = 0
    codes: int = 0

    def lines(self) -> list[str]:
        return [
            f"Removed personal data from {self.cases} closed case(s)",
            f"Deleted {self.drafts} abandoned draft(s)",
            f"Deleted {self.codes} short code(s) of links that no longer work",
        ]

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


def _nulls(columns) -> dict:
    return dict.fromkeys(columns)


def purge(months: int | None = None, actor: str = "retention") -> PurgeReport:
    months = months if months is not None else current_app.config["RETENTION_MONTHS"]
    now = utcnow()
    report = PurgeReport()

    cutoff = now - timedelta(days=round(months * 30.44))
    case_ids = db.session.scalars(
        select(AuditCase.id).where(
            AuditCase.status == "closed",
            AuditCase.closed_at < cutoff,
            AuditCase.personal_data_removed_at.is_(None),
        )
    ).all()
    if case_ids:
        responses = select(Response.id).join(Invitation).where(Invitation.case_id.in_(case_ids))
        returns = select(ReturnRequest.id).where(ReturnRequest.case_id.in_(case_ids))
        meetings = select(Meeting.id).where(Meeting.case_id.in_(case_ids))
        # Comments are free text and may name people; the chosen options are kept.
        for model, where, values in (
            (
                AuditCase,
                AuditCase.id.in_(case_ids),
                {"personal_data_removed_at": now, **_nulls(CASE_PERSONAL)},
            ),
            (Participant, Participant.case_id.in_(case_ids), _nulls(PARTICIPANT_PERSONAL)),
            (Response, Response.id.in_(responses), _nulls(RESPONSE_PERSONAL)),
            (ConsentRecord, ConsentRecord.response_id.in_(responses), _nulls(CONSENT_PERSONAL)),
            (Answer, Answer.response_id.in_(responses), {"comment": None}),
            (
                SafeguardingConcern,
                SafeguardingConcern.case_id.in_(case_ids),
                {"escalated_to": "(removed)", "how": "(removed)"},
            ),
            (OutboxMessage, OutboxMessage.case_id.in_(case_ids), _nulls(MESSAGE_CONTENT)),
            (
                ReturnRequest,
                ReturnRequest.case_id.in_(case_ids),
                {"shared_identifiers": [], **_nulls(RETURN_PERSONAL)},
            ),
            (
                ReturnPrinciple,
                ReturnPrinciple.return_id.in_(returns),
                {"narrative": None, "score_reason": None},
            ),
            (ReturnPractitioner, ReturnPractitioner.return_id.in_(returns), {"reflection": None}),
            (Meeting, Meeting.case_id.in_(case_ids), _nulls(MEETING_PERSONAL)),
            (MeetingPrinciple, MeetingPrinciple.meeting_id.in_(meetings), {"narrative": None}),
            (
                Escalation,
                Escalation.meeting_id.in_(meetings),
                {"escalated_by": "(removed)", "outcome": None},
            ),
        ):
            db.session.execute(
                update(model).where(where).values(**values),
                execution_options={"synchronize_session": False},
            )
        db.session.execute(
            delete(DevelopmentMessage).where(
                DevelopmentMessage.reference.in_(
                    select(OutboxMessage.reference).where(OutboxMessage.case_id.in_(case_ids))
                )
            ),
            execution_options={"synchronize_session": False},
        )
        for case_id in case_ids:
            record("personal_data_removed", actor=actor, case_id=case_id)
        report.cases = len(case_ids)

    stale = now - timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])
    abandoned = db.session.scalars(
        select(Response.id)
        .join(Invitation)
        .where(
            Response.status == "draft",
            or_(
                Invitation.expires_at < now,
                Invitation.revoked_at.is_not(None),
                Response.updated_at < stale,
            ),
        )
    ).all()
    if abandoned:
        db.session.execute(delete(Answer).where(Answer.response_id.in_(abandoned)))
        db.session.execute(delete(ConsentRecord).where(ConsentRecord.response_id.in_(abandoned)))
        db.session.execute(
            delete(SafeguardingConcern).where(SafeguardingConcern.response_id.in_(abandoned))
        )
        db.session.execute(delete(Response).where(Response.id.in_(abandoned)))
        report.drafts = len(abandoned)

    dead = select(Invitation.id).where(
        or_(Invitation.expires_at < now, Invitation.revoked_at.is_not(None))
    )
    result = db.session.execute(
        delete(InvitationCode).where(InvitationCode.invitation_id.in_(dead)),
        execution_options={"synchronize_session": False},
    )
    report.codes = result.rowcount or 0

    db.session.commit()
    return report
