"""The adult's voice: the meeting view, answers recorded by phone or visit, safeguarding
concerns raised by a response, and consent withdrawn by phone or letter."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, time

from flask import abort, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select, update

from ..delivery import CONSENT_WITHDRAWN, cancel_for_invitation
from ..extensions import db
from ..journey.forms import make_form
from ..journey.runner import CHECK, allowed, next_page, previous_page, resume_page
from ..journey.saving import current_values, discard_off_route, progress, save_step
from ..journey.state import new_reference
from ..journey.summary import summary_rows
from ..models import AuditCase, Invitation, Participant, Response, SafeguardingConcern, utcnow
from ..models.events import record
from ..questionnaire import QUESTIONS, STEPS
from . import access, auth, bp, voice
from .audit import audit, viewed
from .forms import METHOD_LABELS, ConcernForm, RecordStartForm, WithdrawalForm

CASE_STAFF = ("coordinator", "facilitator")


def _response(case: AuditCase, response_id: int) -> Response:
    response = db.session.scalar(
        select(Response)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .where(Response.id == response_id, Invitation.case_id == case.id)
    )
    if response is None:
        abort(404)
    return response


@bp.get("/cases/<int:case_id>/meeting")
@access(*CASE_STAFF, case=True)
def meeting(case_id: int):
    """What the audit meeting may see: only views shared with consent, restrictions first."""
    case: AuditCase = g.case
    everyone = voice.voices(case)
    shared = [v for v in everyone if v.shareable]
    viewed(case.id, "meeting view")
    return render_template(
        "staff/meeting.html",
        case=case,
        voices=shared,
        left_out=len(everyone) - len(shared),
        back_url=url_for("staff.case", case_id=case.id),
    )


# --- Answers gathered by phone or in person -------------------------------------------------


@bp.route("/cases/<int:case_id>/record", methods=["GET", "POST"])
@access(*CASE_STAFF, case=True)
def record_start(case_id: int):
    case: AuditCase = g.case
    form = RecordStartForm()
    if form.validate_on_submit():
        role = form.respondent.data
        participant = case.participant(role)
        if participant is None:
            participant = Participant(
                case=case,
                role=role,
                channel="letter",
                name=case.adult_name if role == "adult" else None,
            )
            db.session.add(participant)
            db.session.flush()
        now = utcnow()
        # A placeholder invitation holds the answers: its secret is thrown away at once and it
        # has already expired, so no link can ever reach it.
        invitation = Invitation(
            case_id=case.id,
            participant_id=participant.id,
            recipient=role,
            token_hash=auth.sha256(secrets.token_urlsafe(16)),
            expires_at=now,
        )
        db.session.add(invitation)
        db.session.flush()
        response = Response(
            invitation_id=invitation.id,
            reference=new_reference(),
            method=form.method.data,
            respondent=role,
        )
        db.session.add(response)
        db.session.flush()
        audit(
            "recording_started",
            case_id=case.id,
            invitation_id=invitation.id,
            detail=form.method.data,
        )
        db.session.commit()
        return redirect(
            url_for("staff.record_page", case_id=case.id, response_id=response.id, page="who"), 303
        )
    return render_template(
        "staff/record_start.html",
        form=form,
        case=case,
        back_url=url_for("staff.case", case_id=case.id),
    )


def _recording(case: AuditCase, response_id: int) -> Response:
    response = _response(case, response_id)
    if response.method == "online":
        abort(404)
    return response


@bp.route("/cases/<int:case_id>/responses/<int:response_id>/record/<page>", methods=["GET", "POST"])
@access(*CASE_STAFF, case=True)
def record_page(case_id: int, response_id: int, page: str):
    """One page of the questionnaire, from the same definition, forms and saving code as the
    online journey."""
    case: AuditCase = g.case
    response = _recording(case, response_id)
    here = url_for("staff.case", case_id=case.id)
    if response.status == "submitted":
        return redirect(here, 303)
    state = progress(response)
    if page != CHECK and page not in STEPS:
        abort(404)
    if not allowed(page, state):
        return redirect(
            url_for(
                "staff.record_page",
                case_id=case.id,
                response_id=response.id,
                page=resume_page(state),
            ),
            303,
        )
    back = previous_page(page, state)
    back_url = (
        url_for("staff.record_page", case_id=case.id, response_id=response.id, page=back)
        if back
        else None
    )
    method = METHOD_LABELS.get(response.method, response.method)
    if page == CHECK:
        if request.method == "POST":  # CSRFProtect has checked the token
            return _submit_recorded(case, response)
        viewed(case.id, "recorded answers", invitation_id=response.invitation_id)
        return render_template(
            "staff/record_check.html",
            case=case,
            response=response,
            sections=summary_rows(response, state, change_links=False),
            method=method,
            back_url=back_url,
        )
    step = STEPS[page]
    if request.method == "POST":
        form = make_form(step)
        if form.validate():
            save_step(step, response, form.data)
            if step.store == "consent" and response.consent is not None:
                response.consent.method = "phone" if response.method == "phone" else "paper"
            audit(
                "answers_recorded",
                case_id=case.id,
                invitation_id=response.invitation_id,
                detail=step.id,
            )
            db.session.commit()
            state = progress(response)
            return redirect(
                url_for(
                    "staff.record_page",
                    case_id=case.id,
                    response_id=response.id,
                    page=next_page(page, state),
                ),
                303,
            )
    else:
        form = make_form(step, data=current_values(step, response))
        viewed(case.id, "recorded answers", invitation_id=response.invitation_id)
    return render_template(
        "staff/record_step.html",
        case=case,
        step=step,
        form=form,
        method=method,
        back_url=back_url or url_for("staff.case", case_id=case.id),
        question_count=len(QUESTIONS),
        representative=response.respondent == "representative",
    )


def _submit_recorded(case: AuditCase, response: Response):
    discard_off_route(response)
    done = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status == "draft")
        .values(status="submitted", submitted_at=utcnow())
    )
    if done.rowcount == 1:
        record(
            "submitted",
            actor=current_user.actor,
            case_id=case.id,
            invitation_id=response.invitation_id,
        )
    db.session.commit()
    return redirect(url_for("staff.case", case_id=case.id, _anchor="voice"), 303)


# --- Safeguarding concerns and withdrawals ---------------------------------------------------


@bp.route("/cases/<int:case_id>/responses/<int:response_id>/concern", methods=["GET", "POST"])
@access(*CASE_STAFF, case=True)
def concern(case_id: int, response_id: int):
    case: AuditCase = g.case
    response = _response(case, response_id)
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
    response = _response(case, response_id)
    if voice.consent_status(response) != voice.GIVEN:
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
