"""Seeding for the quarterly report's tests: audited cases that fill every section, carrying
distinctive identifying strings (names, references, NHS numbers, dates of birth, addresses,
emails, phone numbers, organisation contacts, free text not yet checked). The CSV test and the
HTML and PDF tests search every format of both editions for each of IDENTIFYING."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from portal.audit_tool import PRINCIPLE_CODES
from portal.extensions import db
from portal.models import (
    Action,
    Answer,
    AuditCase,
    CaseOrganisation,
    ConsentRecord,
    Invitation,
    Organisation,
    OrganisationDomain,
    Participant,
    Response,
    ReturnPractitioner,
    ReturnPrinciple,
    ReturnRequest,
    StaffUser,
)
from portal.questionnaire import QUESTIONS
from portal.services import meetings, text_checks
from portal.services.meetings import EscalationEntry, MeetingRecord

# Each string is distinctive: found anywhere in a report, it can only have come from a record.
NAME = "Zebedee Quartermaine"
IDENTIFYING = (
    NAME,
    "Zeb Quartz",  # known as
    "ZQREF-",  # every case reference starts so
    "9434765870",  # NHS number
    "943 476 5870",
    "CF-88812345",  # Care First number
    "AGY-5512-ZQ",  # agency system identifier
    "1941-02-17",  # date of birth, as stored and as written
    "17/02/1941",
    "17 February 1941",
    "Quillfeather Lane",  # address
    "ZX9 9QQ",
    "zebedee.q@example.net",
    "07700 900461",
    "Orla Pemberton-Smythe",  # organisation contact
    "orla.ps@police.example.org",
    "Ignatius Wolfenden",  # representative
    "Philippa Grantchester",  # named in an answer's comment
    "Barnaby Crumpet",  # cause of risk
    "Hortensia Lockwood",  # action lead, escalated by
    "Zennorwick",  # place, in unchecked free text
)
DATE_OF_BIRTH = date(1941, 2, 17)
UNCHECKED_LEARNING = f"{NAME} of Quillfeather Lane, Zennorwick, was not asked what he wanted."
CHECKED_LEARNING = "Ask every adult what outcome they want, in their own words, at the start."
CHECKED_RECOMMENDATION = "Add who to contact if unsafe again to every closure letter."
UNCHECKED_ACTION = "Ring Philippa Grantchester about Zennorwick's care plan"
CHECKED_ACTION = "Review closure letters across the partnership"

THEMES = ("Self-neglect", "Financial abuse")
ASKED = ("asked_expressed", "asked_expressed", "asked_not_expressed", "not_asked", None)
MET = ("yes", "partly", "no", "yes", None)
# Agreed scores per case (six principles, audit_tool's order).
AGREED = (
    ("2", "2", "1", "2", "1", "NA"),
    ("2", "1", "1", "2", "0", "2"),
    ("1", "0", "NK", "1", "1", "1"),
    ("2", "2", "2", "2", "2", "2"),
    ("0", "1", "1", "NK", "NA", "NA"),
)
RETURNED = ("2", "0", "1", "2", "2", "1")


@dataclass
class Seeded:
    cases: list[AuditCase] = field(default_factory=list)
    checker: StaffUser | None = None
    organisations: list[Organisation] = field(default_factory=list)


def _organisations() -> list[Organisation]:
    for name, kind, domain in (
        ("Northshire Police", "police", "police.example.org"),
        ("Northshire Community NHS Trust", "nhs", "nhs.example.org"),
    ):
        organisation = db.session.scalar(db.select(Organisation).filter_by(name=name))
        if organisation is None:
            organisation = Organisation(name=name, kind=kind)
            organisation.domains.append(OrganisationDomain(domain=domain))
            db.session.add(organisation)
    db.session.flush()
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.id)))


def _respond(case: AuditCase, adult: Participant, number: int, quarter_start: datetime) -> None:
    """A submitted response: consent given, declined with anonymous feedback, or withdrawn,
    answered by the adult or a representative, with a comment naming someone."""
    decision = ("agree", "agree", "decline", "agree", "decline")[number % 5]
    invitation = Invitation(
        case_id=case.id,
        participant_id=adult.id,
        recipient="adult",
        token_hash=secrets.token_hex(32),
        expires_at=quarter_start + timedelta(days=60),
        format=("standard", "easy_read")[number % 2],
        language=("en", "cy", "en")[number % 3],
    )
    db.session.add(invitation)
    db.session.flush()
    response = Response(
        invitation_id=invitation.id,
        reference=secrets.token_hex(6),
        status="submitted",
        submitted_at=quarter_start + timedelta(days=20),
        format=invitation.format,
        language=invitation.language,
        respondent="representative" if number % 4 == 3 else "adult",
        representative_name="Ignatius Wolfenden" if number % 4 == 3 else None,
        contact_name=NAME,
        contact_phone="07700 900461",
        contact_address="17 Quillfeather Lane, Zennorwick, ZX9 9QQ",
        contact_email="zebedee.q@example.net",
    )
    db.session.add(response)
    db.session.flush()
    db.session.add(
        ConsentRecord(
            response_id=response.id,
            decision=decision,
            subject_name=NAME,
            signature=NAME,
            declaration=decision == "agree",
            signed_on=DATE_OF_BIRTH,
            anonymous_feedback="yes" if decision == "decline" and number % 5 == 2 else None,
            withdrawn_at=quarter_start + timedelta(days=30) if number % 5 == 3 else None,
            restrictions="Do not tell Barnaby Crumpet",
        )
    )
    for question in QUESTIONS:
        main = question.fields[0]
        options = [o.code for o in main.options]
        if main.kind == "checkboxes":
            codes = " ".join(options[: 1 + number % 2])
        elif options:
            codes = options[number % len(options)]
        else:
            codes = ""
        db.session.add(
            Answer(
                response_id=response.id,
                question_id=question.id,
                codes=codes,
                comment=f"Philippa Grantchester helped ({question.id})",
            )
        )


def seed(quarter: str = "2026-Q4", cases: int = 5, held_on: date | None = None) -> Seeded:
    """``cases`` audited cases in ``quarter``, each with identifying details everywhere they can
    be kept, a response, both organisations' returns, a meeting record and two actions. One
    learning point, recommendation and action is checked; the rest wait."""
    year, q = int(quarter[:4]), int(quarter[-1])
    quarter_start = datetime(year, 3 * q - 2, 1, tzinfo=UTC)
    held_on = held_on or (quarter_start + timedelta(days=40)).date()
    seeded = Seeded()
    seeded.checker = db.session.scalar(db.select(StaffUser).filter_by(email="checker@example.org"))
    if seeded.checker is None:
        seeded.checker = StaffUser(email="checker@example.org", name="Checker", role="coordinator")
        db.session.add(seeded.checker)
    seeded.organisations = _organisations()
    start = db.session.scalar(db.select(db.func.count()).select_from(AuditCase))
    for number in range(start, start + cases):
        case = AuditCase(
            reference=f"ZQREF-{number:03d}",
            quarter=quarter,
            theme=THEMES[number % 2],
            adult_name=NAME,
            adult_known_as="Zeb Quartz",
            date_of_birth=DATE_OF_BIRTH,
            care_first_number="CF-88812345",
            nhs_number="9434765870",
            agency_system_id="AGY-5512-ZQ",
            abuse_location="Quillfeather Lane, Zennorwick",
            cause_of_risk="Barnaby Crumpet",
            desired_outcome="To stay at Quillfeather Lane",
            outcomes_asked=ASKED[number % 5],
            outcomes_met=MET[number % 5],
        )
        db.session.add(case)
        db.session.flush()
        adult = Participant(
            case_id=case.id,
            role="adult",
            name=NAME,
            known_as="Zeb Quartz",
            email="zebedee.q@example.net",
            phone="07700 900461",
            address="17 Quillfeather Lane, Zennorwick, ZX9 9QQ",
        )
        db.session.add(adult)
        db.session.flush()
        _respond(case, adult, number, quarter_start)
        for index, organisation in enumerate(seeded.organisations):
            late = index == 1 and number % 2 == 1
            db.session.add(CaseOrganisation(case_id=case.id, organisation_id=organisation.id))
            request = ReturnRequest(
                case_id=case.id,
                organisation_id=organisation.id,
                contact_name="Orla Pemberton-Smythe",
                contact_email="orla.ps@police.example.org",
                token_hash=secrets.token_hex(32),
                shared_identifiers=["name", "nhs_number"],
                expires_at=quarter_start + timedelta(days=90),
                submitted_at=datetime.combine(
                    held_on + timedelta(days=1 if late else -3), datetime.min.time(), UTC
                ),
                learning_points=UNCHECKED_LEARNING,
                summary=f"{NAME} seen at home",
            )
            for code, score in zip(PRINCIPLE_CODES, RETURNED, strict=True):
                request.principles.append(
                    ReturnPrinciple(principle=code, score=score, narrative=NAME)
                )
            request.practitioners.append(
                ReturnPractitioner(role="Nurse", organisation="Zennorwick", reflection=NAME)
            )
            db.session.add(request)
        db.session.flush()
        meetings.save(
            case,
            MeetingRecord(
                held_on=held_on,
                organisation_ids=[o.id for o in seeded.organisations],
                scores=dict(zip(PRINCIPLE_CODES, AGREED[number % 5], strict=True)),
                narratives=dict.fromkeys(PRINCIPLE_CODES, f"{NAME} at Quillfeather Lane"),
                summary=UNCHECKED_LEARNING,
                learning_points=CHECKED_LEARNING if number == start else UNCHECKED_LEARNING,
                recommendations=CHECKED_RECOMMENDATION,
                practitioners_consulted="Hortensia Lockwood",
                escalations=[
                    EscalationEntry(seeded.organisations[0].id, held_on, "Hortensia Lockwood")
                ],
            ),
            actor="cli",
        )
        for what, status in (
            (CHECKED_ACTION if number == start else UNCHECKED_ACTION, "open"),
            (UNCHECKED_ACTION, ("in_progress", "done", "dropped")[number % 3]),
        ):
            db.session.add(
                Action(
                    case_id=case.id,
                    what=what,
                    owner_organisation_id=seeded.organisations[number % 2].id,
                    lead="Hortensia Lockwood",
                    due_on=held_on + timedelta(days=60),
                    status=status,
                )
            )
        seeded.cases.append(case)
    db.session.commit()
    for piece in text_checks.waiting():
        if piece.text in (CHECKED_LEARNING, CHECKED_RECOMMENDATION, CHECKED_ACTION):
            assert text_checks.check(piece.key, piece.digest, seeded.checker.id)
    return seeded
