"""Actions for the Learning & Improvement Group: made from a case's recommendations on the case
page, each with its own page (status, dated updates), and a list across cases that filters by
owner organisation, status and due date and downloads as CSV.

Who: coordinators (every action), facilitators (the actions of their cases) and the
``learning_group`` role (every action). The Learning & Improvement Group never sees personal
data: their pages show the action's own words, its owner, lead, dates, status and updates, and
nothing of the case, not even its reference, which is typed freely and may name someone.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from sqlalchemy import select
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..extensions import db
from ..models import Action, AuditCase, Meeting
from ..models.audit import ACTION_STATUSES
from ..services import actions as service
from . import access, bp
from .forms import DateInputField, StrippedForm, area_field, text_field

CASE_STAFF = ("coordinator", "facilitator")
FOLLOWERS = ("coordinator", "facilitator", "learning_group")
DUE_CHOICES = {
    "overdue": _l("Overdue"),
    "next_30_days": _l("Due in the next 30 days"),
}
STATUS_TAGS = {
    "open": "govuk-tag--blue",
    "in_progress": "govuk-tag--light-blue",
    "done": "govuk-tag--green",
    "dropped": "govuk-tag--grey",
}
WHAT_LABEL = _l("What is the action?")
REASON_LABEL = _l("If it is dropped, why?")


def _status_field(default=None) -> RadioField:
    return RadioField(
        _l("Status"),
        choices=list(ACTION_STATUSES.items()),
        default=default,
        widget=GovRadioInput(),
        validate_choice=False,  # checked in validate_status, with a message people can act on
        validators=[InputRequired(_l("Select the status"))],
    )


class _StatusChecks:
    """A status from the list, and a reason when it is dropped."""

    def validate_status(self, field):
        if field.data not in ACTION_STATUSES:
            raise ValidationError(_l("Select the status"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Here, not in validate_dropped_reason: the field's Optional() stops its own checks
        # when it is empty.
        reason = self.dropped_reason
        if self.status.data == "dropped" and not reason.data and not reason.errors:
            reason.errors = [*reason.errors, _("Enter why the action is dropped")]
            valid = False
        return valid


class NewActionForm(_StatusChecks, StrippedForm):
    what = area_field(
        WHAT_LABEL,
        required=_l("Enter what the action is"),
        description=_l("What will be done, in words that name no one"),
    )
    owner_organisation_id = SelectField(
        _l("Owner organisation"),
        choices=[],
        widget=GovSelect(),
        validate_choice=False,  # checked in validate_owner_organisation_id
    )
    lead = text_field(
        _l("Lead"),
        service.LEAD_MAX,
        required=_l("Enter the lead’s name or role"),
        description=_l("A name or a role, like Head of Adult Safeguarding"),
    )
    due_on = DateInputField(
        _l("Due date"),
        validators=[InputRequired(_l("Enter the due date"))],
        description=_l("For example, 31 3 2027"),
    )
    status = _status_field(default="open")
    dropped_reason = area_field(REASON_LABEL)

    # InputRequired lets spaces through (it reads what was sent, before the spaces are cut).
    def validate_what(self, field):
        if not field.data:
            raise ValidationError(_l("Enter what the action is"))

    def validate_lead(self, field):
        if not field.data:
            raise ValidationError(_l("Enter the lead’s name or role"))

    def validate_owner_organisation_id(self, field):
        if not field.data:
            raise ValidationError(_l("Select the organisation that owns the action"))
        if field.data not in {code for code, _label in field.choices}:
            raise ValidationError(_l("Select an organisation from the list"))


class ActionStatusForm(_StatusChecks, StrippedForm):
    status = _status_field()
    dropped_reason = area_field(REASON_LABEL)


class ActionUpdateForm(StrippedForm):
    text = area_field(_l("Update"), required=_l("Enter the update"))

    def validate_text(self, field):
        if not field.data:  # only spaces
            raise ValidationError(_l("Enter the update"))


class ActionFilterForm(StrippedForm):
    class Meta:
        csrf = False

    organisation = SelectField(
        _l("Owner organisation"), choices=[], widget=GovSelect(), validators=[Optional()]
    )
    status = SelectField(
        _l("Status"),
        choices=[
            ("", _l("Any status")),
            (service.UNFINISHED_FILTER, _l("Open or in progress")),
            *ACTION_STATUSES.items(),
        ],
        widget=GovSelect(),
        validators=[Optional()],
    )
    due = SelectField(
        _l("Due"),
        choices=[("", _l("Any time")), *DUE_CHOICES.items()],
        widget=GovSelect(),
        validators=[Optional()],
    )


def _organisation_choices() -> list[tuple[str, str]]:
    return [(str(o.id), o.name) for o in service.organisations()]


def _facilitator_id() -> int | None:
    """A facilitator sees the actions of their own cases only."""
    return current_user.id if current_user.role == "facilitator" else None


def _sees_cases() -> bool:
    return current_user.role in CASE_STAFF


def _the_action(action_id: int) -> Action:
    """The action, or a 404: also for a facilitator when it is not of one of their cases."""
    action = service.find(action_id)
    if action is None:
        abort(404)
    if current_user.role == "facilitator" and action.case.facilitator_id != current_user.id:
        abort(404)
    return action


# Template globals, for the case page's Actions section (templates/staff/_actions.html) as well
# as this module's pages.


@bp.app_template_global()
def action_status_tag(action: Action) -> str:
    """The GOV.UK tag colour of an action's status (the words are always in the tag too)."""
    return STATUS_TAGS.get(action.status, "govuk-tag--grey")


@bp.app_template_global()
def case_actions(case: AuditCase) -> list[Action]:
    """The actions of one case, soonest due first."""
    return service.listing(case_id=case.id)


@bp.app_template_global()
def actions_today() -> date:
    """Today, against which an action is overdue."""
    return date.today()


# --- The list and its CSV -------------------------------------------------------------------


def _filters() -> tuple[ActionFilterForm, service.Filters]:
    """The filters from the query string. A value that is not one of the choices (an unknown
    organisation, a made-up status) is treated as "any"."""
    form = ActionFilterForm(request.args)
    form.organisation.choices = [("", _("Any organisation")), *_organisation_choices()]
    form.validate()

    def chosen(field):
        return field.data if field.data and not field.errors else None

    organisation = chosen(form.organisation)
    filters = service.Filters(
        organisation_id=int(organisation) if organisation else None,
        status=chosen(form.status),
        due=chosen(form.due),
    )
    return form, filters


def _query_args(filters: service.Filters) -> dict:
    values = {
        "organisation": filters.organisation_id,
        "status": filters.status,
        "due": filters.due,
    }
    return {name: value for name, value in values.items() if value}


@bp.get("/actions")
@access(*FOLLOWERS)
def actions():
    form, filters = _filters()
    today = date.today()
    found = service.listing(filters, today=today, facilitator_id=_facilitator_id())
    return render_template(
        "staff/actions.html",
        filters=form,
        actions=found,
        today=today,
        filtered=bool(_query_args(filters)),
        csv_url=url_for("staff.actions_csv", **_query_args(filters)),
        latest_update=service.latest_update,
        sees_cases=_sees_cases(),
    )


@bp.get("/actions.csv")
@access(*FOLLOWERS)
def actions_csv():
    _form, filters = _filters()
    today = date.today()
    found = service.listing(filters, today=today, facilitator_id=_facilitator_id())
    body = service.to_csv(found, status_label=lambda code: str(ACTION_STATUSES.get(code, code)))
    return Response(
        body.encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{service.csv_filename(today)}"',
        },
    )


# --- One action ------------------------------------------------------------------------------


def _action_page(action: Action, status_form=None, update_form=None, failed=None):
    status_form = status_form or ActionStatusForm(
        formdata=None, data={"status": action.status, "dropped_reason": action.dropped_reason}
    )
    update_form = update_form or ActionUpdateForm(formdata=None)
    return render_template(
        "staff/action.html",
        action=action,
        # The form whose errors the page's error summary lists.
        form=failed,
        status_form=status_form,
        update_form=update_form,
        updates=service.updates_newest_first(action),
        today=date.today(),
        sees_cases=_sees_cases(),
        back_url=url_for("staff.actions"),
    )


@bp.get("/actions/<int:action_id>")
@access(*FOLLOWERS)
def action(action_id: int):
    return _action_page(_the_action(action_id))


@bp.post("/actions/<int:action_id>/status")
@access(*FOLLOWERS)
def action_status(action_id: int):
    action = _the_action(action_id)
    form = ActionStatusForm()
    if form.validate():
        try:
            service.set_status(
                action, form.status.data, form.dropped_reason.data, actor=current_user.actor
            )
        except service.InvalidAction:
            abort(400)  # the form's checks are the service's: only a forged request gets here
        db.session.commit()
        return redirect(url_for("staff.action", action_id=action.id, done="status"), 303)
    return _action_page(action, status_form=form, failed=form)


@bp.post("/actions/<int:action_id>/updates")
@access(*FOLLOWERS)
def action_update(action_id: int):
    action = _the_action(action_id)
    form = ActionUpdateForm()
    if form.validate():
        try:
            service.add_update(
                action, form.text.data, written_by=current_user.label, actor=current_user.actor
            )
        except service.InvalidAction:
            abort(400)
        db.session.commit()
        return redirect(url_for("staff.action", action_id=action.id, done="update"), 303)
    return _action_page(action, update_form=form, failed=form)


# --- Adding an action from a case -------------------------------------------------------------


@bp.route("/cases/<int:case_id>/actions/new", methods=["GET", "POST"])
@access(*CASE_STAFF, case=True)
def action_new(case_id: int):
    case: AuditCase = g.case
    form = NewActionForm()
    form.owner_organisation_id.choices = [
        ("", _("Choose an organisation")),
        *_organisation_choices(),
    ]
    if form.validate_on_submit():
        try:
            action = service.create(
                case,
                what=form.what.data,
                owner_organisation_id=form.owner_organisation_id.data,
                lead=form.lead.data,
                due_on=form.due_on.data,
                status=form.status.data,
                dropped_reason=form.dropped_reason.data,
                actor=current_user.actor,
            )
        except service.InvalidAction:
            abort(400)
        db.session.commit()
        return redirect(url_for("staff.action", action_id=action.id, done="created"), 303)
    recommendations = db.session.scalar(
        select(Meeting.recommendations).where(Meeting.case_id == case.id)
    )
    return render_template(
        "staff/action_new.html",
        form=form,
        case=case,
        recommendations=recommendations,
        no_organisations=len(form.owner_organisation_id.choices) == 1,
        back_url=url_for("staff.case", case_id=case.id, _anchor="actions"),
    )
