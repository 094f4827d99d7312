"""Audit cases: the list (filtered and paged in the database), creating and editing a case
(Appendix 1's fields), and the case page that gathers its people, links and the adult's voice.

The list shows PAGE_SIZE cases a page, newest quarter first; its filter choices (quarters and
themes in use) come from DISTINCT queries over the cases this person may see, so it stays fast
with thousands of cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, RadioField, SelectField
from wtforms.validators import Optional, ValidationError

from ..extensions import db
from ..form_fields import ChoicesField
from ..languages import STAFF_LABELS
from ..models import AuditCase, Invitation, StaffUser
from ..models.cases import (
    ABUSE_TYPES,
    CASE_STATUSES,
    CHANNELS,
    FORMATS,
    OUTCOMES_ASKED,
    OUTCOMES_MET,
    RECIPIENTS,
)
from ..services.cases import CaseExists, create_case, reference_taken
from . import access, bp, voice
from .audit_log import audit, viewed
from .forms import ActionForm, DateInputField, StrippedForm, area_field, text_field
from .invitations import invitation_status

COORDINATOR = ("coordinator",)
CASE_STAFF = ("coordinator", "facilitator")
QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
APPENDIX_1_FIELDS = (
    "participants_and_roles",
    "adult_name",
    "adult_known_as",
    "date_of_birth",
    "care_first_number",
    "nhs_number",
    "agency_system_id",
    "concern_raised_on",
    "abuse_types",
    "abuse_location",
    "referral_source",
    "presenting_concern",
    "agencies_involved",
    "outcomes_asked",
    "outcomes_met",
    "cause_of_risk",
    "documents_reviewed",
    "documents_not_available",
    "desired_outcome",
)
CASE_FIELDS = ("reference", "quarter", "theme", "status", "facilitator_id", *APPENDIX_1_FIELDS)


def nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check digit: weights 10 down to 2 on the first nine digits;
    11 minus the remainder is the check digit (11 means 0; 10 means the number is invalid)."""
    # ASCII only: "²" passes isdigit() and int() cannot read it.
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


class CaseForm(StrippedForm):
    reference = text_field(_l("Audit reference"), 40, required=_l("Enter the audit reference"))
    quarter = text_field(
        _l("Quarter"),
        7,
        description=_l("For example, 2026-Q4"),
        required=_l("Enter the quarter, like 2026-Q4"),
    )
    theme = text_field(
        _l("Theme"), 120, description=_l("The theme the board agreed for the quarter")
    )
    status = SelectField(
        _l("Status"),
        choices=list(CASE_STATUSES.items()),
        widget=GovSelect(),
        default="preparing",
    )
    facilitator_id = SelectField(_l("Facilitator"), choices=[], widget=GovSelect(), default="")
    participants_and_roles = area_field(_l("Participants and roles"))
    adult_name = text_field(_l("Name"))
    adult_known_as = text_field(_l("Known as"))
    date_of_birth = DateInputField(
        _l("Date of birth"), past=True, description=_l("For example, 27 3 1950")
    )
    care_first_number = text_field(_l("Care First number"), 30)
    nhs_number = text_field(_l("NHS number"), 20, description=_l("10 digits, like 485 777 3456"))
    agency_system_id = text_field(_l("Agency’s system identifier"), 60)
    concern_raised_on = DateInputField(_l("Date concern raised"), past=True)
    abuse_types = ChoicesField(
        _l("Type of abuse"),
        choices=list(ABUSE_TYPES.items()),
        description=_l("The Care Act 2014 categories. Select all that apply."),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    abuse_location = area_field(_l("Location of abuse"))
    referral_source = area_field(_l("Referral source"))
    presenting_concern = area_field(_l("Presenting concern"))
    agencies_involved = area_field(_l("Agencies involved"))
    outcomes_asked = RadioField(
        _l("Was the adult asked about the outcomes they wanted?"),
        choices=list(OUTCOMES_ASKED.items()),
        description=_l(
            "Making Safeguarding Personal, as NHS England’s Safeguarding Adults Collection asks "
            "it. Leave it unanswered if the records do not say."
        ),
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    outcomes_met = RadioField(
        _l("Have outcomes been met?"),
        choices=list(OUTCOMES_MET.items()),
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    cause_of_risk = area_field(_l("Record of ‘Cause of Risk’"))
    documents_reviewed = area_field(_l("Documents reviewed"))
    documents_not_available = area_field(_l("Documents not available"))
    desired_outcome = area_field(
        _l("What would the person like as an outcome to the safeguarding enquiry?")
    )
    version = HiddenField()

    def validate_quarter(self, field):
        if field.data and not QUARTER.match(field.data.upper()):
            raise ValidationError(_l("Enter the quarter like 2026-Q4"))
        field.data = field.data.upper() if field.data else field.data

    def validate_nhs_number(self, field):
        if not field.data:
            return
        digits = re.sub(r"[\s-]", "", field.data)
        if not nhs_number_valid(digits):
            raise ValidationError(
                _l("Enter a valid NHS number: 10 digits, with a correct check digit")
            )
        field.data = digits

    def validate_abuse_types(self, field):
        if any(code not in ABUSE_TYPES for code in field.data or ()):
            raise ValidationError(_l("Select from the types of abuse shown"))


class CaseFilterForm(FlaskForm):
    class Meta:
        csrf = False

    quarter = SelectField(_l("Quarter"), choices=[], widget=GovSelect(), validators=[Optional()])
    theme = SelectField(_l("Theme"), choices=[], widget=GovSelect(), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[("", _l("Any status")), *CASE_STATUSES.items()],
        widget=GovSelect(),
        validators=[Optional()],
    )


# --- The list, filtered and paged in the database ---------------------------------------------

PAGE_SIZE = 50


@dataclass
class CasePage:
    cases: list[AuditCase]
    total: int
    page: int
    pages: int


def visible(user) -> Select:
    query = select(AuditCase)
    if user.role == "facilitator":
        query = query.where(AuditCase.facilitator_id == user.id)
    return query


def choices(user) -> tuple[list[str], list[str]]:
    """The quarters (newest first) and themes used by the cases this person may see."""
    seen = visible(user).subquery()
    quarters = db.session.scalars(
        select(seen.c.quarter).where(seen.c.quarter.is_not(None)).distinct()
    ).all()
    themes = db.session.scalars(
        select(seen.c.theme).where(seen.c.theme.is_not(None)).distinct()
    ).all()
    return sorted(quarters, reverse=True), sorted(themes)


def page_of_cases(user, quarter=None, theme=None, status=None, page: int = 1) -> CasePage:
    query = visible(user)
    if quarter:
        query = query.where(AuditCase.quarter == quarter)
    if theme:
        query = query.where(AuditCase.theme == theme)
    if status:
        query = query.where(AuditCase.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    cases = db.session.scalars(
        query.options(joinedload(AuditCase.facilitator))
        .order_by(AuditCase.quarter.desc().nulls_last(), AuditCase.reference.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return CasePage(cases=list(cases), total=total, page=page, pages=pages)


# --- The case form ----------------------------------------------------------------------------


def _facilitator_choices() -> list[tuple[str, str]]:
    people = db.session.scalars(
        select(StaffUser)
        .where(StaffUser.role == "facilitator", StaffUser.active.is_(True))
        .order_by(StaffUser.name, StaffUser.email)
    )
    return [("", _("Not assigned yet")), *((str(u.id), u.label) for u in people)]


def _stored_values(case: AuditCase) -> dict:
    """The case's fields as the form holds them."""
    data = {name: getattr(case, name) for name in CASE_FIELDS}
    data["abuse_types"] = (case.abuse_types or "").split()
    data["facilitator_id"] = str(case.facilitator_id or "")
    data["version"] = str(case.version)
    return data


def _case_form(**kwargs) -> CaseForm:
    form = CaseForm(**kwargs)
    form.facilitator_id.choices = _facilitator_choices()
    return form


def _form_values(form: CaseForm) -> dict:
    """The form's fields as the case stores them."""
    values = {}
    for name in CASE_FIELDS:
        value = getattr(form, name).data
        if name == "abuse_types":
            value = " ".join(value or ()) or None
        elif name == "facilitator_id":
            value = int(value) if value else None
        elif isinstance(value, str):
            value = value or None
        values[name] = value
    return values


def _apply(case: AuditCase, values: dict) -> list[str]:
    """Copy the values onto the case; return the names of the fields that changed (for the
    audit log, which never holds the values)."""
    changed = [name for name, value in values.items() if getattr(case, name) != value]
    for name in changed:
        setattr(case, name, values[name])
    return changed


# --- Listing ----------------------------------------------------------------------------------


@bp.get("/cases")
@access(*CASE_STAFF)
def cases():
    quarters, themes = choices(current_user)
    form = CaseFilterForm(request.args)
    form.quarter.choices = [("", _("Any quarter")), *((q, q) for q in quarters)]
    form.theme.choices = [("", _("Any theme")), *((t, t) for t in themes)]
    form.validate()
    filters = {
        "quarter": form.quarter.data or None,
        "theme": form.theme.data or None,
        "status": form.status.data or None,
    }
    listing = page_of_cases(current_user, page=request.args.get("page", 1, type=int), **filters)
    return render_template(
        "staff/cases.html",
        filters=form,
        listing=listing,
        cases=listing.cases,
        page_url=lambda number: url_for(
            "staff.cases", page=number, **{k: v for k, v in filters.items() if v}
        ),
        status_labels=CASE_STATUSES,
        filtered=any(filters.values()),
    )


# --- Creating and editing ---------------------------------------------------------------------


@bp.route("/cases/new", methods=["GET", "POST"])
@access(*COORDINATOR)
def case_new():
    form = _case_form()
    if form.validate_on_submit():
        try:
            case = create_case(actor=current_user.actor, **_form_values(form))
        except CaseExists:
            form.reference.errors.append(_("A case with this reference already exists"))
        else:
            db.session.commit()
            return redirect(url_for("staff.case", case_id=case.id), 303)
    return render_template(
        "staff/case_form.html", form=form, case=None, back_url=url_for("staff.cases")
    )


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@access(*COORDINATOR, case=True)
def case_edit(case_id: int):
    case: AuditCase = g.case
    form = _case_form(data=_stored_values(case) if request.method == "GET" else None)
    conflict = False
    if request.method == "POST" and form.validate_on_submit():
        if form.version.data != str(case.version):
            conflict = True
        elif reference_taken(form.reference.data, other_than=case.id):
            form.reference.errors.append(_("A case with this reference already exists"))
        else:
            changed = _apply(case, _form_values(form))
            if changed:
                audit("case_updated", case_id=case.id, detail=" ".join(changed)[:200])
            try:
                db.session.commit()
            except StaleDataError:
                # Someone saved between our read and our write: the version check in the
                # UPDATE matched no row.
                db.session.rollback()
                conflict = True
            else:
                return redirect(url_for("staff.case", case_id=case.id), 303)
    if conflict:
        db.session.expire_all()
        case = db.session.get(AuditCase, case_id)
        form = _case_form(formdata=None, data=_stored_values(case))
        viewed(case.id, "case form")
        return render_template(
            "staff/case_form.html",
            form=form,
            case=case,
            conflict=True,
            back_url=url_for("staff.case", case_id=case.id),
        ), 409
    if request.method == "GET":
        viewed(case.id, "case form")
    return render_template(
        "staff/case_form.html",
        form=form,
        case=case,
        back_url=url_for("staff.case", case_id=case.id),
    )


# --- The case page ----------------------------------------------------------------------------


def _case_rows(case: AuditCase) -> list[dict]:
    def text(value):
        return {"text": value} if value else {"text": _("Not recorded")}

    def date_text(value):
        return text(value.strftime("%-d %B %Y") if value else None)

    form = CaseForm(formdata=None, meta={"csrf": False})
    labels = {name: getattr(form, name).label.text for name in APPENDIX_1_FIELDS}
    rows = []
    for name in APPENDIX_1_FIELDS:
        value = getattr(case, name)
        if name in ("date_of_birth", "concern_raised_on"):
            shown = date_text(value)
        elif name == "abuse_types":
            shown = text(
                ", ".join(str(ABUSE_TYPES[c]) for c in (value or "").split() if c in ABUSE_TYPES)
            )
        elif name == "outcomes_met":
            shown = text(str(OUTCOMES_MET[value]) if value in OUTCOMES_MET else None)
        elif name == "outcomes_asked":
            shown = text(str(OUTCOMES_ASKED[value]) if value in OUTCOMES_ASKED else None)
        elif name == "nhs_number" and value:
            shown = text(f"{value[:3]} {value[3:6]} {value[6:]}")
        else:
            shown = text(value)
        rows.append(
            {"key": {"text": labels[name]}, "value": shown, "classes": "staff-preserve-lines"}
        )
    return rows


@bp.get("/cases/<int:case_id>")
@access(*CASE_STAFF, case=True)
def case(case_id: int):
    case: AuditCase = g.case
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.case_id == case.id).order_by(Invitation.created_at)
    ).all()
    people = {role: case.participant(role) for role in RECIPIENTS}
    viewed(case.id, "case page")
    return render_template(
        "staff/case.html",
        case=case,
        status_label=CASE_STATUSES.get(case.status, case.status),
        rows=_case_rows(case),
        people=people,
        invitations=[i for i in invitations if voice.is_link(i)],
        invitation_status=invitation_status,
        voices=voice.voices(case),
        channel_labels=CHANNELS,
        format_labels=FORMATS,
        language_labels=STAFF_LABELS,
        action_form=ActionForm(),
        coordinator=current_user.role == "coordinator",
    )
