"""The audit meeting (Appendix 1 at the meeting): the organisations' submitted returns side by
side for each principle, with a flag where their scores differ by 2 or more and what the adult
said that bears on it (only views shared with consent, as the meeting view decides:
voice.voices() and Voice.shareable); then the record of what the meeting agreed, its page (to
print) and its tagged PDF.

The facilitator assigned to the case and coordinators; every other role is refused.
Saving goes through portal/services/meetings.py, under the case's lock, so the case keeps one
record however often (or in however many tabs) it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect
from wtforms import FieldList, Form, FormField, HiddenField, RadioField, SelectField
from wtforms.validators import AnyOf, InputRequired, Optional, ValidationError

from ..audit_tool import ADULT_VOICE, PRINCIPLES, RETURN_FIELDS, SCORES
from ..extensions import db
from ..form_fields import ChoicesField
from ..models import AuditCase, StaffUser
from ..models.cases import CASE_STATUSES
from ..questionnaire import QUESTIONS
from ..scoring import BANDS_EXPLAINED, TOO_FEW_SCORED
from ..services import meetings, organisations
from ..services.locks import one_at_a_time
from . import access, bp, voice
from .audit_log import viewed
from .forms import DateInputField, StrippedForm, area_field, text_field

CASE_STAFF = ("coordinator", "facilitator")
MAX_ESCALATIONS = 20
PDF_NAME = "audit-meeting-record.pdf"  # no reference or name: it may be forwarded


# --- The meeting page: returns side by side, with the adult's voice -------------------------


@dataclass(frozen=True)
class AdultSaid:
    """One shared response's answers to the questions that bear on a principle."""

    number: int  # the response's number, as the case page and meeting view count them
    who: str
    rows: list[dict]  # question_row() rows: the question, the answer and comment


def adult_said(shared: list[voice.Voice]) -> dict[str, list[AdultSaid]]:
    """For each principle, what each consenting person said to its questions (ADULT_VOICE).
    Only voices the meeting view would show are given here."""
    said: dict[str, list[AdultSaid]] = {p.code: [] for p in PRINCIPLES}
    for number, v in enumerate(shared, start=1):
        if not v.shareable:
            continue
        rows = dict(zip((q.id for q in QUESTIONS), v.rows, strict=True))
        for code, question_ids in ADULT_VOICE.items():
            said[code].append(AdultSaid(number, v.who["by"], [rows[q] for q in question_ids]))
    return said


@bp.get("/cases/<int:case_id>/audit-meeting")
@access(*CASE_STAFF, case=True)
def audit_meeting(case_id: int):
    """For each principle, every submitted return's score and narrative side by side, and
    what the adult said; then the practitioners' reflections and the returns' learning."""
    case: AuditCase = g.case
    everyone = voice.voices(case)
    shared = [v for v in everyone if v.shareable]
    returns = meetings.submitted_returns(case)
    viewed(case.id, "audit meeting")
    return render_template(
        "staff/meeting_sides.html",
        case=case,
        returns=returns,
        sides=meetings.side_by_side(returns),
        said=adult_said(shared),
        voices=shared,
        left_out=len(everyone) - len(shared),
        meeting=meetings.meeting_for(case),
        return_fields=RETURN_FIELDS,
        back_url=url_for("staff.case", case_id=case.id),
    )


# --- Recording the meeting ------------------------------------------------------------------


class EscalationForm(Form):
    """One serious concern escalated; a part of MeetingForm (its CSRF token is the meeting
    form's)."""

    Meta = StrippedForm.Meta

    organisation = SelectField(
        _l("Escalated to the safeguarding lead of"),
        choices=[],
        widget=GovSelect(),
        validators=[InputRequired(_l("Select the organisation it was escalated to"))],
        validate_choice=False,  # validate_organisation says it in words
    )
    escalated_on = DateInputField(
        _l("Date escalated"),
        past=True,
        validators=[InputRequired(_l("Enter the date it was escalated"))],
    )
    escalated_by = text_field(
        _l("Escalated by"),
        meetings.ESCALATED_BY_MAX,
        description=_l("Name and role"),
        required=_l("Enter who escalated it"),
    )
    outcome = area_field(_l("Outcome (when known)"))

    def validate_organisation(self, field):
        if field.data not in {code for code, _label in field.choices}:
            raise ValidationError(_l("Select the organisation it was escalated to"))


class MeetingForm(StrippedForm):
    """What the meeting agreed. The fields after organisations_present are added below, in
    the page's order: a score and a narrative for each principle, then the rest."""

    version = HiddenField()  # meetings.version_of the record the form was opened on
    held_on = DateInputField(
        _l("Date the meeting was held"),
        past=True,
        description=_l("For example, 27 3 2026"),
        validators=[InputRequired(_l("Enter the date the meeting was held"))],
    )
    organisations_present = ChoicesField(
        _l("Organisations present"),
        choices=[],
        description=_l("Select all that apply."),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
        validate_choice=False,  # validate_organisations_present says it in words
    )

    def validate_organisations_present(self, field):
        codes = {code for code, _label in field.choices}
        if any(value not in codes for value in field.data or ()):
            raise ValidationError(_l("Select from the organisations shown"))


def _score_message(principle):
    return _l("Select the agreed score for %(principle)s", principle=principle.title)


# A score and a narrative for each principle, named from the definition.
for _principle in PRINCIPLES:
    setattr(
        MeetingForm,
        f"score_{_principle.code}",
        RadioField(
            _principle.question,
            choices=[(code, f"{code} – {label}") for code, label in SCORES.items()],
            widget=GovRadioInput(),
            validators=[
                InputRequired(_score_message(_principle)),
                AnyOf(SCORES, _score_message(_principle)),
            ],
            validate_choice=False,  # AnyOf says it in words
        ),
    )
    setattr(
        MeetingForm,
        f"narrative_{_principle.code}",
        area_field(_l("What the meeting agreed about %(principle)s", principle=_principle.title)),
    )
del _principle
# Made after the principles' fields, so the form (and its error summary) keeps the page's order.
MeetingForm.summary = area_field(_l("Summary (including best practice)"))
MeetingForm.learning_points = area_field(_l("Learning points"))
MeetingForm.recommendations = area_field(_l("Recommendations"))
MeetingForm.practitioners_consulted = area_field(
    _l("Practitioners consulted"), description=_l("Their roles and organisations")
)
MeetingForm.escalations = FieldList(FormField(EscalationForm), max_entries=MAX_ESCALATIONS)


def _meeting_form(case: AuditCase, **kwargs) -> MeetingForm:
    form = MeetingForm(**kwargs)
    choices = [(str(o.id), o.name) for o in organisations.for_case(case)]
    form.organisations_present.choices = choices
    for entry in form.escalations:
        entry.form.organisation.choices = [("", _l("Select an organisation")), *choices]
    return form


def _stored_values(meeting) -> dict:
    """The saved record as the form holds it."""
    if meeting is None:
        return {"version": ""}
    data = {
        "version": meetings.version_of(meeting),
        "held_on": meeting.held_on,
        "organisations_present": [str(o.organisation_id) for o in meeting.organisations],
        "summary": meeting.summary,
        "learning_points": meeting.learning_points,
        "recommendations": meeting.recommendations,
        "practitioners_consulted": meeting.practitioners_consulted,
        "escalations": [
            {
                "organisation": str(e.organisation_id),
                "escalated_on": e.escalated_on,
                "escalated_by": e.escalated_by,
                "outcome": e.outcome,
            }
            for e in meeting.escalations
        ],
    }
    for p in meeting.principles:
        data[f"score_{p.principle}"] = p.score
        data[f"narrative_{p.principle}"] = p.narrative
    return data


def _record_from(form: MeetingForm) -> meetings.MeetingRecord:
    return meetings.MeetingRecord(
        held_on=form.held_on.data,
        organisation_ids=[int(v) for v in form.organisations_present.data or ()],
        scores={p.code: form[f"score_{p.code}"].data for p in PRINCIPLES},
        narratives={p.code: form[f"narrative_{p.code}"].data for p in PRINCIPLES},
        summary=form.summary.data,
        learning_points=form.learning_points.data,
        recommendations=form.recommendations.data,
        practitioners_consulted=form.practitioners_consulted.data,
        escalations=[
            meetings.EscalationEntry(
                organisation_id=int(e.form.organisation.data),
                escalated_on=e.form.escalated_on.data,
                escalated_by=e.form.escalated_by.data,
                outcome=e.form.outcome.data,
            )
            for e in form.escalations
        ],
    )


def _rebuild_escalations(form: MeetingForm, case: AuditCase, drop: int | None, add: bool):
    """The form shown again with one escalation more or less, keeping what was typed; nothing
    is validated or saved until the record is saved."""
    kept = [e for i, e in enumerate(form.escalations.entries) if i != drop]
    form.escalations.entries = []
    form.escalations.last_index = -1
    for entry in kept:
        form.escalations.append_entry(
            {
                "organisation": entry.form.organisation.data,
                "escalated_on": entry.form.escalated_on.data,
                "escalated_by": entry.form.escalated_by.data,
                "outcome": entry.form.outcome.data,
            }
        )
    for new, old in zip(form.escalations.entries, kept, strict=True):
        # A date typed half way is shown again as typed.
        new.form.escalated_on.raw_data = old.form.escalated_on.raw_data
    if add and len(form.escalations.entries) < MAX_ESCALATIONS:
        form.escalations.append_entry()
    choices = form.organisations_present.choices
    for entry in form.escalations:
        entry.form.organisation.choices = [("", _l("Select an organisation")), *choices]


def _index(value: str | None) -> int | None:
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 3:
        return None
    return int(value)


def _form_page(case: AuditCase, form: MeetingForm, status: int = 200, conflict: bool = False):
    returns = meetings.submitted_returns(case)
    return (
        render_template(
            "staff/meeting_form.html",
            case=case,
            form=form,
            conflict=conflict,
            principles=PRINCIPLES,
            sides={s.code: s for s in meetings.side_by_side(returns)},
            max_escalations=MAX_ESCALATIONS,
            back_url=url_for("staff.audit_meeting", case_id=case.id),
        ),
        status,
    )


@bp.route("/cases/<int:case_id>/audit-meeting/record", methods=["GET", "POST"])
@access(*CASE_STAFF, case=True)
def meeting_record_form(case_id: int):
    """Record (or change) what the meeting agreed. "Add another" and "Remove" post the form
    back and show it again; only "Save" saves."""
    case: AuditCase = g.case
    if request.method == "GET":
        form = _meeting_form(case, formdata=None, data=_stored_values(meetings.meeting_for(case)))
        viewed(case.id, "audit meeting record form")
        return _form_page(case, form)
    form = _meeting_form(case)  # CSRFProtect has checked the token
    if "add_escalation" in request.form or "remove_escalation" in request.form:
        drop = _index(request.form.get("remove_escalation"))
        _rebuild_escalations(form, case, drop, add="add_escalation" in request.form)
        return _form_page(case, form)
    if not form.validate():
        return _form_page(case, form)
    meeting_record = _record_from(form)
    one_at_a_time(case_id)
    case = db.session.get(AuditCase, case_id)
    meeting = meetings.meeting_for(case)
    if meetings.already_saved(meeting, meeting_record):
        # A double click or a resent form: the first press saved it all.
        db.session.rollback()
        return redirect(url_for("staff.meeting_record", case_id=case_id, saved=1), 303)
    if (form.version.data or "") != meetings.version_of(meeting):
        # Saved by someone else (another tab) since this form was opened: show theirs rather
        # than overwrite it.
        db.session.rollback()
        case = db.session.get(AuditCase, case_id)
        form = _meeting_form(case, formdata=None, data=_stored_values(meetings.meeting_for(case)))
        return _form_page(case, form, status=409, conflict=True)
    try:
        meetings.save(case, meeting_record, actor=current_user.actor)
    except meetings.InvalidMeeting:
        # The case's organisations changed between showing the form and saving it.
        db.session.rollback()
        form = _meeting_form(db.session.get(AuditCase, case_id))
        form.validate()
        form.organisations_present.errors = list(form.organisations_present.errors) + [
            _l("The organisations involved in the case have changed: check the form again")
        ]
        return _form_page(db.session.get(AuditCase, case_id), form)
    db.session.commit()
    return redirect(url_for("staff.meeting_record", case_id=case_id, saved=1), 303)


# --- The record, to read, print and download ---------------------------------------------------


@bp.get("/cases/<int:case_id>/audit-meeting/minutes")
@access(*CASE_STAFF, case=True)
def meeting_record(case_id: int):
    """What the meeting agreed, with the total and band; prints without the menus."""
    case: AuditCase = g.case
    meeting = meetings.meeting_for(case)
    if meeting is None:
        return redirect(url_for("staff.meeting_record_form", case_id=case.id), 303)
    recorder = db.session.get(StaffUser, meeting.recorded_by) if meeting.recorded_by else None
    viewed(case.id, "audit meeting record")
    return render_template(
        "staff/meeting_record.html",
        case=case,
        meeting=meeting,
        principles=PRINCIPLES,
        scores=SCORES,
        result=meetings.meeting_total(meeting),
        bands_explained=BANDS_EXPLAINED,
        too_few=TOO_FEW_SCORED,
        status_label=CASE_STATUSES.get(case.status, case.status),
        recorded_by=recorder.label if recorder else None,
        saved=request.args.get("saved") == "1",
        back_url=url_for("staff.audit_meeting", case_id=case.id),
    )


@bp.get("/cases/<int:case_id>/audit-meeting/minutes.pdf")
@access(*CASE_STAFF, case=True)
def meeting_record_pdf(case_id: int):
    """The record as a tagged PDF, named without the case's reference or anyone's name."""
    case: AuditCase = g.case
    meeting = meetings.meeting_for(case)
    if meeting is None:
        return redirect(url_for("staff.meeting_record_form", case_id=case.id), 303)
    pdf = meetings.record_pdf(case, meeting)
    viewed(case.id, "audit meeting record PDF")
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{PDF_NAME}"'
    response.headers["Cache-Control"] = "no-store"
    return response
