"""Answers the adult (or their representative) gave by phone or on a visit, recorded by a
facilitator through the same definition, forms and saving code as the online journey."""

from __future__ import annotations

import secrets

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from sqlalchemy import update
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..answers.forms import make_form
from ..answers.runner import CHECK, allowed, next_page, previous_page, resume_page
from ..answers.saving import current_values, discard_off_route, new_reference, progress, save_step
from ..answers.summary import summary_rows
from ..extensions import db
from ..models import AuditCase, Invitation, Participant, Response, utcnow
from ..models.cases import RECIPIENTS
from ..models.events import record
from ..models.journey import RESPONSE_METHODS
from ..questionnaire import QUESTIONS, STEPS
from . import access, auth, bp
from .audit_log import audit, viewed
from .forms import StrippedForm
from .voice import case_response

CASE_STAFF = ("coordinator", "facilitator")


class RecordStartForm(StrippedForm):
    respondent = RadioField(
        _l("Who gave the answers?"),
        choices=list(RECIPIENTS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select who gave the answers"))],
    )
    method = RadioField(
        _l("How were they given?"),
        choices=[(code, RESPONSE_METHODS[code]) for code in ("phone", "visit")],
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select how the answers were given"))],
    )


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
    response = case_response(case, response_id)
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
    method = RESPONSE_METHODS.get(response.method, response.method)
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
