"""Every value a form accepts fits the column it is stored in (issue 14 §4). PostgreSQL refuses a
value longer than its column (a 500 mid-save) where SQLite stores it whole, so this is checked
from the definitions, for every field of every public page and staff form, new ones included:
a form or field that is not accounted for here fails the test."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, String
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length

from portal.answers.forms import form_class
from portal.form_fields import ChoicesField
from portal.models import (
    Action,
    ActionUpdate,
    Answer,
    AuditCase,
    ConsentRecord,
    Organisation,
    Participant,
    Response,
    ReturnRequest,
    SafeguardingConcern,
    StaffUser,
)
from portal.questionnaire import STEPS
from portal.staff import (
    accounts,
    actions,
    audit_log,
    cases,
    invitations,
    letters,
    meetings,
    organisations,
    outbox,
    people,
    recording,
    report_checks,
    reports,
    returns,
    sign_in,
    voice,
)
from portal.staff.forms import ActionForm

from .staff_helpers import staff_forms

# --- The adult's pages (the questionnaire definition) -------------------------------------------


def column_for(step, spec):
    if step.store == "answer":
        assert spec.id in (step.id, f"{step.id}_comment"), spec.id
        return Answer.__table__.c["codes" if spec.id == step.id else "comment"]
    model = Response if step.store == "response" else ConsentRecord
    return model.__table__.c[spec.id]


def longest(spec) -> int:
    """The longest value the page can store for this field: text is held to max_length, radios
    to one option's code, checkboxes to each option once (ChoicesField)."""
    codes = [option.code for option in spec.options]
    if spec.kind == "checkboxes":
        return len(" ".join(codes))
    if spec.kind == "radios":
        return max(map(len, codes))
    return spec.max_length


@pytest.mark.parametrize("step_id", sorted(STEPS))
def test_every_answer_fits_its_column(step_id):
    step = STEPS[step_id]
    for spec in step.fields:
        column = column_for(step, spec)
        if spec.kind == "declaration":
            assert isinstance(column.type, Boolean), spec.id
            continue
        assert isinstance(column.type, String), spec.id  # Text is a String without a length
        if column.type.length is not None:
            assert longest(spec) <= column.type.length, (spec.id, column.type.length)
        if spec.kind == "checkboxes":
            field = getattr(form_class(step_id), spec.id)  # unbound, as the class holds it
            assert issubclass(field.field_class, ChoicesField), spec.id


# --- Staff forms ---------------------------------------------------------------------------------

# Where each form's fields are stored, by name.
STORED_IN = {
    cases.CaseForm: AuditCase,
    people.ParticipantForm: Participant,
    voice.ConcernForm: SafeguardingConcern,
    accounts.StaffAccountForm: StaffUser,
    organisations.OrganisationForm: Organisation,
    returns.ReturnRequestForm: ReturnRequest,
    actions.NewActionForm: Action,
    actions.ActionStatusForm: Action,
    actions.ActionUpdateForm: ActionUpdate,
}
# Forms none of whose text is stored as typed in a column with a length, and why.
NOT_STORED = {
    sign_in.SignInForm: "compared, never stored",
    sign_in.SetUpForm: "the password is stored hashed; the code is compared",
    cases.CaseFilterForm: "a filter: its values are only compared",
    audit_log.AuditLogFilterForm: "a filter: its values are only compared",
    actions.ActionFilterForm: "a filter: its values are only compared",
    reports.ReportChoiceForm: "a choice of report: its values are only compared",
    report_checks.ChecksForm: "text digests, compared with the text shown; a check stores its own",
    invitations.ExpiryForm: "a date",
    ActionForm: "a button",
    recording.RecordStartForm: "choices, checked against the form's own options",
    voice.WithdrawalForm: "a date and a choice, checked against the form's own options",
    letters.FeedbackLetterForm: "the letter goes into Text columns (outbox body and letter)",
    outbox.RemindersForm: "a number",
    meetings.MeetingForm: "Text columns, and escalated_by held to its String(120) (tested in "
    "test_staff_meetings.py)",
}
# Fields of a stored form that are not its table's columns, or are stored shorter than typed.
NOT_AS_TYPED = {
    (organisations.OrganisationForm, "domains"): (
        "one OrganisationDomain row a line, each a host name of 253 characters at most"
    ),
    (returns.ReturnRequestForm, "shared_identifiers"): "audit_tool.IDENTIFIERS codes, as JSON",
    (cases.CaseForm, "version"): "compared with the case's version number",
    (cases.CaseForm, "nhs_number"): "stored as its 10 digits, without spaces (validate_nhs_number)",
}


def test_every_staff_form_is_accounted_for():
    assert set(staff_forms()) == set(STORED_IN) | set(NOT_STORED)
    assert not set(STORED_IN) & set(NOT_STORED)


def longest_allowed(field) -> int | None:
    lengths = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(lengths) if lengths else None


@pytest.mark.parametrize("form", list(STORED_IN), ids=lambda form: form.__name__)
def test_every_staff_text_fits_its_column(app, form):
    table = STORED_IN[form].__table__
    with app.test_request_context():
        bound = form(meta={"csrf": False})
    for field in bound:
        if (form, field.name) in NOT_AS_TYPED:
            continue
        column = table.c.get(field.name)
        assert column is not None, f"{form.__name__}.{field.name} is not a column: say why"
        length = column.type.length if isinstance(column.type, String) else None
        if isinstance(field, StringField):
            allowed = longest_allowed(field)
            assert allowed is not None, f"{form.__name__}.{field.name} has no maximum length"
            if length is not None:
                assert allowed <= length, (form.__name__, field.name, allowed, length)
        elif isinstance(field, SelectMultipleField):
            assert isinstance(field, ChoicesField), f"{field.name}: values must arrive once each"
            assert len(" ".join(code for code, _label in field.choices)) <= length, field.name
        elif isinstance(field, (RadioField, SelectField)) and length is not None:
            assert max(len(code) for code, _label in field.choices) <= length, field.name
