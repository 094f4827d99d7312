"""The adult's voice as staff read it: consent, who gave it, what not to share, and the answers,
all worded from the questionnaire definition (portal/questionnaire.py), never repeated here."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..journey.saving import current_values
from ..journey.summary import _question_row
from ..models import AuditCase, Invitation, Response, SafeguardingConcern
from ..questionnaire import QUESTIONS, REPRESENTATIVE, option_label
from ..wording import say
from .forms import FORMAT_LABELS, LANGUAGE_LABELS, METHOD_LABELS

GIVEN, DECLINED, WITHDRAWN, NOT_YET = "given", "declined", "withdrawn", "not_yet"


def is_link(invitation: Invitation) -> bool:
    """An invitation sent as a link, as opposed to the placeholder that holds answers a
    facilitator recorded by phone or visit."""
    response = invitation.response
    return response is None or response.method == "online"


def consent_status(response: Response) -> str:
    consent = response.consent
    if consent is None or consent.decision is None:
        return NOT_YET
    if consent.decision == "decline":
        return DECLINED
    if consent.withdrawn_at is not None:
        return WITHDRAWN
    return GIVEN


def consent_label(status: str) -> str:
    return {
        GIVEN: _("Consent given"),
        DECLINED: _("Consent declined"),
        WITHDRAWN: _("Consent withdrawn"),
        NOT_YET: _("No consent yet"),
    }[status]


def how_given(response: Response) -> str:
    if response.method in METHOD_LABELS:
        return _("%(how)s, recorded by the facilitator", how=METHOD_LABELS[response.method])
    return _(
        "Online, %(format)s, in %(language)s",
        format=str(FORMAT_LABELS.get(response.format, response.format)).lower()
        if response.format != "easy_read"
        else FORMAT_LABELS["easy_read"],
        language=LANGUAGE_LABELS.get(response.language, response.language),
    )


@dataclass
class Voice:
    response: Response
    status: str
    respondent: str  # adult | representative
    who: dict
    restrictions: str | None
    comments: str | None
    how: str
    rows: list[dict] = field(default_factory=list)
    concerns: list[SafeguardingConcern] = field(default_factory=list)
    anonymous_only: bool = False

    @property
    def shareable(self) -> bool:
        return self.status == GIVEN

    @property
    def status_label(self) -> str:
        return consent_label(self.status)


def _who(response: Response) -> dict:
    if response.respondent != "representative":
        return {"by": _("The adult")}
    basis = response.representative_basis
    return {
        "by": _("A representative"),
        "name": response.representative_name,
        "relationship": response.representative_relationship,
        "basis": say(option_label(REPRESENTATIVE, "representative_basis", basis))
        if basis
        else None,
    }


def voice_of(response: Response) -> Voice:
    status = consent_status(response)
    consent = response.consent
    voice = Voice(
        response=response,
        status=status,
        respondent=response.respondent or "adult",
        who=_who(response),
        restrictions=consent.restrictions if consent else None,
        comments=consent.comments if consent and status == GIVEN else None,
        how=how_given(response),
        anonymous_only=bool(consent and consent.anonymous_feedback == "yes"),
    )
    if status == GIVEN:
        voice.rows = [_question_row(q, current_values(q, response), False) for q in QUESTIONS]
    voice.concerns = list(
        db.session.scalars(
            select(SafeguardingConcern)
            .where(SafeguardingConcern.response_id == response.id)
            .order_by(SafeguardingConcern.flagged_at)
        )
    )
    return voice


def submitted_responses(case: AuditCase) -> list[Response]:
    return list(
        db.session.scalars(
            select(Response)
            .join(Invitation, Response.invitation_id == Invitation.id)
            .where(Invitation.case_id == case.id, Response.status == "submitted")
            .order_by(Response.submitted_at, Response.id)
        )
    )


def voices(case: AuditCase) -> list[Voice]:
    return [voice_of(r) for r in submitted_responses(case)]


def overall_status(voices: list[Voice]) -> str:
    """At a glance: the most recent decision, since a later one supersedes an earlier one."""
    return voices[-1].status if voices else NOT_YET
