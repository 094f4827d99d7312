"""Staff screens that send things through the outbox (portal/delivery/): a reminder for one
invitation, reminders for every link about to expire, and the post-audit feedback letter.

Who may use them: coordinators only, like inviting and resending. Everything that reaches the
adult goes out under the coordinator's name; facilitators read and record the adult's voice.

The feedback letter's text is never stored until it is queued: the form posts it to the preview,
the preview carries it (in the page, never in a URL) to the PDF download and the queue button.
A random submission value made when the form is first shown is recorded (hashed) when the letter
is queued, so the same letter queued twice is queued once.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, text

from ..database import begin_write
from ..delivery import (
    MissingContact,
    feedback_channel,
    feedback_letter_html,
    feedback_letter_pdf,
    queue_feedback,
    queue_reminder,
    reminders_due,
)
from ..extensions import db
from ..models import AuditCase, AuditEvent, OutboxMessage, Participant
from ..models.cases import RECIPIENTS
from . import access, bp, voice
from .audit import audit, viewed
from .case_views import _invitation
from .forms import (
    CHANNEL_LABELS,
    FEEDBACK_MAX,
    FORMAT_LABELS,
    LANGUAGE_LABELS,
    FeedbackLetterForm,
    RemindersForm,
)

COORDINATOR = ("coordinator",)
SUBMISSION = re.compile(r"^[A-Za-z0-9_-]{22}$")
PENDING = ("queued", "sending")
REMINDERS_LOCK = 4_402_001  # any number no other advisory lock uses


def _serialise(case_id: int | None = None) -> None:
    """Make checks-then-writes on a case one at a time, so two clicks cannot both pass a check
    before either writes: end the request's read transaction, then begin one that takes
    SQLite's write lock first, or locks the case's row on PostgreSQL."""
    db.session.commit()
    begin_write()
    if db.engine.dialect.name != "postgresql":
        return
    if case_id is not None:
        db.session.execute(select(AuditCase.id).where(AuditCase.id == case_id).with_for_update())
    else:  # the outbox's reminders for every case: one lock for all
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REMINDERS_LOCK})


# --- Reminders ---------------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/invitations/<int:invitation_id>/reminder")
@access(*COORDINATOR, case=True)
def invitation_reminder(case_id: int, invitation_id: int):
    """Queue a reminder by the person's channel, unless one is already waiting to go."""
    _serialise(case_id)
    case = db.session.get(AuditCase, case_id)
    invitation = _invitation(case, invitation_id)
    back = url_for("staff.invitation", case_id=case.id, invitation_id=invitation.id)
    waiting = db.session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.invitation_id == invitation.id,
            OutboxMessage.kind == "reminder",
            OutboxMessage.status.in_(PENDING),
        )
    )
    if waiting is not None:
        db.session.rollback()
        return redirect(f"{back}?done=reminder-waiting", 303)
    try:
        queue_reminder(invitation, actor=current_user.actor)
    except MissingContact:
        db.session.rollback()
        return redirect(f"{back}?done=no-contact", 303)
    except ValueError:  # expired, revoked or answered meanwhile
        db.session.rollback()
        return redirect(back, 303)
    db.session.commit()
    return redirect(f"{back}?done=reminder", 303)


@bp.post("/outbox/reminders")
@access(*COORDINATOR)
def outbox_reminders():
    """Queue a reminder for every live link expiring within N days that has had none."""
    form = RemindersForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return redirect(url_for("staff.outbox", done="reminders-invalid"), 303)
    _serialise()
    queued = skipped = 0
    for invitation in reminders_due(int(form.days.data)):
        try:
            with db.session.begin_nested():
                queue_reminder(invitation, actor=current_user.actor)
        except (MissingContact, ValueError):
            skipped += 1
        else:
            queued += 1
    audit("reminders_queued", detail=f"{queued} queued, {skipped} without contact details")
    db.session.commit()
    return redirect(url_for("staff.outbox", done="reminders", queued=queued, skipped=skipped), 303)


# --- The feedback letter -------------------------------------------------------------------------


def _recipients(case: AuditCase) -> list[Participant]:
    return [p for p in (case.participant(role) for role in RECIPIENTS) if p is not None]


def _recipient_label(person: Participant) -> str:
    who = _("The adult") if person.role == "adult" else _("The representative")
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
        channel_label=CHANNEL_LABELS.get(channel, channel),
        letter_route=current_app.config["LETTER_ROUTE"],
        format_label=FORMAT_LABELS.get(person.format, person.format),
        language_label=LANGUAGE_LABELS.get(person.language, person.language),
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
    _serialise(case_id)
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
