"""The feedback letter after the audit: written, previewed (HTML and the PDF exactly as sent) and
queued to the adult or their representative through the outbox (portal/delivery/).

Coordinators only: everything that reaches the adult goes out under a coordinator's name. The
letter's text is never stored until it is queued: the form posts it to the preview, the preview
carries it (in the page, never in a URL) to the PDF download and the queue button. A random
submission value made when the form is first shown is recorded (hashed) when the letter is
queued, so the same letter queued twice is queued once.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput
from sqlalchemy import select
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..delivery import (
    MissingContact,
    feedback_channel,
    feedback_letter_html,
    feedback_letter_pdf,
    queue_feedback,
)
from ..extensions import db
from ..languages import STAFF_LABELS
from ..models import AuditCase, AuditEvent, Participant
from ..models.cases import CHANNELS, FORMATS, RECIPIENTS
from ..services.locks import one_at_a_time
from . import access, bp, voice
from .audit_log import audit, viewed
from .forms import StrippedForm

COORDINATOR = ("coordinator",)
SUBMISSION = re.compile(r"^[A-Za-z0-9_-]{22}$")
FEEDBACK_MAX = 3000


def _unix_newlines(value):
    """Browsers send a textarea's line breaks as CRLF: count and split paragraphs on LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _letter_area(label, required, description):
    return TextAreaField(
        label,
        description=description,
        filters=[_unix_newlines],
        validators=[
            InputRequired(required),
            Length(
                max=FEEDBACK_MAX,
                message=_l(
                    "%(name)s must be %(max)s characters or fewer",
                    name=label,
                    max=f"{FEEDBACK_MAX:,}",
                ),
            ),
        ],
        widget=GovCharacterCount(),
    )


class FeedbackLetterForm(StrippedForm):
    """What the audit found and what will happen next, for the letter to the adult. Carried
    from the form to the preview and on to the queue button, never stored until queued."""

    recipient = RadioField(
        _l("Who is the letter for?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select who the letter is for"))],
    )
    findings = _letter_area(
        _l("What the audit found"),
        _l("Enter what the audit found"),
        _l(
            "Write to the person in plain words. Leave a blank line between paragraphs. Do not "
            "name other people or agencies' staff."
        ),
    )
    next_steps = _letter_area(
        _l("What will happen next"),
        _l("Enter what will happen next"),
        _l("What the board and the agencies will do, and when."),
    )
    # A random value made when the form is first shown, so the same letter queued twice (a
    # double click, the back button) is queued once.
    submission = HiddenField()


def _recipients(case: AuditCase) -> list[Participant]:
    return [p for p in (case.participant(role) for role in RECIPIENTS) if p is not None]


def _recipient_label(person: Participant) -> str:
    who = str(RECIPIENTS.get(person.role, person.role))
    return f"{who}: {person.name}" if person.name else who


def _feedback_form(case: AuditCase, people: list[Participant], **kwargs) -> FeedbackLetterForm:
    form = FeedbackLetterForm(**kwargs)
    form.recipient.choices = [(p.role, _recipient_label(p)) for p in people]
    if not form.recipient.data and people:
        form.recipient.data = people[0].role
    if not SUBMISSION.match(form.submission.data or ""):
        form.submission.data = secrets.token_urlsafe(16)
    return form


def _consent_statuses(case: AuditCase) -> set[str]:
    return {voice.consent_status(r) for r in voice.submitted_responses(case)}


def _page(case: AuditCase, people: list[Participant], form: FeedbackLetterForm):
    statuses = _consent_statuses(case)
    return render_template(
        "staff/feedback_letter.html",
        case=case,
        form=form,
        people=people,
        max_length=FEEDBACK_MAX,
        withdrawn=voice.WITHDRAWN in statuses,
        declined=voice.DECLINED in statuses,
        back_url=url_for("staff.case", case_id=case.id),
    )


def _checked_form(case: AuditCase) -> tuple[FeedbackLetterForm, Participant | None, str | None]:
    """The posted letter, validated, with its recipient and the channel it will go by."""
    people = _recipients(case)
    form = _feedback_form(case, people)
    if not form.validate_on_submit():
        return form, None, None
    person = case.participant(form.recipient.data)
    try:
        channel = feedback_channel(person)
    except MissingContact:
        form.recipient.errors = [
            _("No email address or postal address is recorded for them: add one first")
        ]
        return form, None, None
    return form, person, channel


@bp.route("/cases/<int:case_id>/feedback", methods=["GET", "POST"])
@access(*COORDINATOR, case=True)
def feedback_letter(case_id: int):
    """Write the letter (GET), or come back to change it from the preview (POST)."""
    case: AuditCase = g.case
    people = _recipients(case)
    if request.method == "GET":
        form = _feedback_form(case, people, formdata=None)
        viewed(case.id, "feedback letter form")
    else:
        form = _feedback_form(case, people)  # CSRFProtect has checked the token
    return _page(case, people, form)


@bp.post("/cases/<int:case_id>/feedback/preview")
@access(*COORDINATOR, case=True)
def feedback_preview(case_id: int):
    """The letter as the person will get it, in their format and language."""
    case: AuditCase = g.case
    form, person, channel = _checked_form(case)
    if person is None:
        return _page(case, _recipients(case), form)
    html = feedback_letter_html(person, form.findings.data, form.next_steps.data)
    statuses = _consent_statuses(case)
    viewed(case.id, "feedback letter preview")
    return render_template(
        "staff/feedback_preview.html",
        case=case,
        form=form,
        person=person,
        channel=channel,
        channel_label=CHANNELS.get(channel, channel),
        letter_route=current_app.config["LETTER_ROUTE"],
        format_label=FORMATS.get(person.format, person.format),
        language_label=STAFF_LABELS.get(person.language, person.language),
        letter_html=html,
        withdrawn=voice.WITHDRAWN in statuses,
        declined=voice.DECLINED in statuses,
        back_url=url_for("staff.case", case_id=case.id),
    )


@bp.post("/cases/<int:case_id>/feedback/letter.pdf")
@access(*COORDINATOR, case=True)
def feedback_pdf(case_id: int):
    """The PDF exactly as it will be sent. A POST only because it carries the letter's text,
    which must not go in a URL; it changes nothing."""
    case: AuditCase = g.case
    form, person, _channel = _checked_form(case)
    if person is None:
        return _page(case, _recipients(case), form)
    pdf = feedback_letter_pdf(person, form.findings.data, form.next_steps.data)
    viewed(case.id, "feedback letter PDF")
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="feedback-letter.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _submission_detail(value: str) -> str:
    return f"submission {hashlib.sha256(value.encode()).hexdigest()[:32]}"


@bp.post("/cases/<int:case_id>/feedback/queue")
@access(*COORDINATOR, case=True)
def feedback_queue(case_id: int):
    """Queue the letter by the person's channel. The case moves to "feedback sent" when the
    letter has gone (portal/delivery/events.py)."""
    case: AuditCase = g.case
    form, person, _channel = _checked_form(case)
    if person is None:
        return _page(case, _recipients(case), form)
    detail = _submission_detail(form.submission.data)
    findings, next_steps, role = form.findings.data, form.next_steps.data, person.role
    one_at_a_time(case_id)
    done = url_for("staff.case", case_id=case_id, done="feedback", _anchor="feedback")
    already = db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.case_id == case_id,
            AuditEvent.action == "feedback_letter_queued",
            AuditEvent.detail == detail,
        )
    )
    if already is not None:  # this very letter was queued already (a double click)
        db.session.rollback()
        return redirect(done, 303)
    case = db.session.get(AuditCase, case_id)
    person = case.participant(role)
    try:
        queue_feedback(person, findings, next_steps, actor=current_user.actor)
    except (MissingContact, ValueError):
        db.session.rollback()
        abort(409)
    audit("feedback_letter_queued", case_id=case_id, detail=detail)
    db.session.commit()
    return redirect(done, 303)
