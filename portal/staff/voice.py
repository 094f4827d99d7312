"""The adult's voice as staff read it: consent, who gave it, what not to share, and the answers,
all worded from the questionnaire definition (portal/questionnaire.py), never repeated here.
Also the meeting view (only views shared with consent), safeguarding concerns a response
raises, and consent withdrawn by phone or letter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from sqlalchemy import select
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..answers.saving import current_values
from ..answers.summary import question_row
from ..delivery import CONSENT_WITHDRAWN, cancel_for_invitation
from ..extensions import db
from ..languages import STAFF_LABELS
from ..models import AuditCase, Invitation, Response, SafeguardingConcern
from ..models.cases import FORMATS
from ..models.journey import RESPONSE_METHODS, WITHDRAWN_VIA
from ..questionnaire import EASY_READ, QUESTIONS, REPRESENTATIVE, option_label
from ..wording import say
from . import access, bp
from .audit_log import audit, viewed
from .forms import DateInputField, StrippedForm, area_field, text_field

CASE_STAFF = ("coordinator", "facilitator")
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
    if response.method != "online":
        how = RESPONSE_METHODS.get(response.method, response.method)
        return _("%(how)s, recorded by the facilitator", how=how)
    return _(
        "Online, %(format)s, in %(language)s",
        format=str(FORMATS.get(response.format, response.format)).lower()
        if response.format != EASY_READ
        else FORMATS[EASY_READ],
        language=STAFF_LABELS.get(response.language, response.language),
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
        voice.rows = [question_row(q, current_values(q, response), False) for q in QUESTIONS]
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


def case_response(case: AuditCase, response_id: int) -> Response:
    """One of the case's responses, or a 404."""
    response = db.session.scalar(
        select(Response)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .where(Response.id == response_id, Invitation.case_id == case.id)
    )
    if response is None:
        abort(404)
    return response


class ConcernForm(StrippedForm):
    escalated_to = text_field(
        _l("Who was it escalated to?"),
        200,
        description=_l("The safeguarding lead and their organisation"),
        required=_l("Enter who it was escalated to"),
    )
    escalated_on = DateInputField(
        _l("Date escalated"), past=True, validators=[InputRequired(_l("Enter the date escalated"))]
    )
    how = area_field(
        _l("How was it escalated, and what happens next?"),
        required=_l("Enter how it was escalated"),
    )


class WithdrawalForm(StrippedForm):
    withdrawn_on = DateInputField(
        _l("Date consent was withdrawn"),
        past=True,
        validators=[InputRequired(_l("Enter the date consent was withdrawn"))],
    )
    via = RadioField(
        _l("How did the withdrawal come?"),
        choices=[(code, WITHDRAWN_VIA[code]) for code in ("phone", "letter")],
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select how the withdrawal came"))],
    )


@bp.get("/cases/<int:case_id>/meeting")
@access(*CASE_STAFF, case=True)
def meeting(case_id: int):
    """What the audit meeting may see: only views shared with consent, restrictions first."""
    case: AuditCase = g.case
    everyone = voices(case)
    shared = [v for v in everyone if v.shareable]
    viewed(case.id, "meeting view")
    return render_template(
        "staff/meeting.html",
        case=case,
        voices=shared,
        left_out=len(everyone) - len(shared),
        back_url=url_for("staff.case", case_id=case.id),
    )


# --- Safeguarding concerns and withdrawals ---------------------------------------------------


@bp.route("/cases/<int:case_id>/responses/<int:response_id>/concern", methods=["GET", "POST"])
@access(*CASE_STAFF, case=True)
def concern(case_id: int, response_id: int):
    case: AuditCase = g.case
    response = case_response(case, response_id)
    form = ConcernForm()
    if form.validate_on_submit():
        db.session.add(
            SafeguardingConcern(
                case_id=case.id,
                response_id=response.id,
                flagged_by_id=current_user.id,
                escalated_to=form.escalated_to.data,
                escalated_on=form.escalated_on.data,
                how=form.how.data,
            )
        )
        audit("concern_flagged", case_id=case.id, invitation_id=response.invitation_id)
        db.session.commit()
        return redirect(url_for("staff.case", case_id=case.id, _anchor="voice"), 303)
    return render_template(
        "staff/concern.html",
        form=form,
        case=case,
        response=response,
        back_url=url_for("staff.case", case_id=case.id),
    )


@bp.route("/cases/<int:case_id>/responses/<int:response_id>/withdraw", methods=["GET", "POST"])
@access(*CASE_STAFF, case=True)
def withdraw(case_id: int, response_id: int):
    case: AuditCase = g.case
    response = case_response(case, response_id)
    if consent_status(response) != GIVEN:
        return redirect(url_for("staff.case", case_id=case.id, _anchor="voice"), 303)
    form = WithdrawalForm()
    if form.validate_on_submit():
        consent = response.consent
        consent.withdrawn_at = datetime.combine(form.withdrawn_on.data, time(12), tzinfo=UTC)
        consent.withdrawn_via = form.via.data
        audit(
            "consent_withdrawn",
            case_id=case.id,
            invitation_id=response.invitation_id,
            detail=form.via.data,
        )
        cancel_for_invitation(response.invitation, CONSENT_WITHDRAWN)
        db.session.commit()
        return redirect(url_for("staff.case", case_id=case.id, _anchor="voice"), 303)
    return render_template(
        "staff/withdraw.html",
        form=form,
        case=case,
        response=response,
        back_url=url_for("staff.case", case_id=case.id),
    )
