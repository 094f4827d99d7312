"""WTForms forms built from the questionnaire definition, one class per page, so validation
and the widgets come from the same data as everything else."""

from __future__ import annotations

from functools import cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

from ..form_fields import ChoicesField, clean_text
from ..questionnaire import STEPS, Field, Step, Text
from ..wording import say

# Messages not tied to one field, in standard and Easy Read form (say() picks by the format).
TOO_LONG = Text(
    _l("%(name)s must be %(max)s characters or fewer"),
    _l("%(name)s: you wrote too much. Use %(max)s letters or fewer."),
)
NOT_AN_OPTION = Text(_l("Select one of the options"), _l("Choose one of the answers."))
NOT_THE_OPTIONS = Text(
    _l("Select from the options shown"), _l("Choose from the answers on this page.")
)
EXCLUSIVE = Text(
    _l("Select ‘%(option)s’ or the other options, not both"),
    _l("You cannot choose ‘%(option)s’ and another answer. Choose one or the other."),
)
BAD_EMAIL = Text(
    _l("Enter an email address in the correct format, like name@example.com"),
    _l("Check your email address. It should look like name@example.com"),
)
BAD_PHONE = Text(
    _l("Enter a phone number, like 01632 960 001 or 07700 900 982"),
    _l("Check your phone number. It should look like 07700 900 982"),
)
MESSAGES = (TOO_LONG, NOT_AN_OPTION, NOT_THE_OPTIONS, EXCLUSIVE, BAD_EMAIL, BAD_PHONE)


def _too_long(field: Field) -> str:
    return say(TOO_LONG, name=say(field.name or field.label), max=format_number(field.max_length))


class ChoiceField(RadioField):
    """Radios where a tampered value gets the same message as an empty one would, never a 500."""

    def pre_validate(self, form):
        if self.data is not None and self.data not in {code for code, _label in self.choices}:
            raise ValidationError(say(NOT_AN_OPTION))


class MultiChoiceField(ChoicesField):
    def pre_validate(self, form):
        codes = {code for code, _label in self.choices}
        if any(value not in codes for value in self.data or ()):
            raise ValidationError(say(NOT_THE_OPTIONS))


class _Translated:
    """A govuk-frontend-wtf widget whose error message's hidden prefix ("Error:") is in the
    page's language: the GOV.UK macro's default is English."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if params.get("errorMessage"):
            params["errorMessage"]["visuallyHiddenText"] = gettext("Error")
        return params


class RadioWidget(_Translated, GovRadioInput):
    pass


class CheckboxesWidget(_Translated, GovCheckboxesInput):
    pass


class CheckboxWidget(_Translated, GovCheckboxInput):
    pass


class CharacterCountWidget(_Translated, GovCharacterCount):
    pass


class TextWidget(_Translated, GovTextInput):
    pass


def _make_field(spec: Field):
    if spec.kind == "radios":
        return ChoiceField(
            spec.id,
            choices=[(o.code, o.code) for o in spec.options],
            widget=RadioWidget(),
            validate_choice=True,
        )
    if spec.kind == "checkboxes":
        return MultiChoiceField(
            spec.id, choices=[(o.code, o.code) for o in spec.options], widget=CheckboxesWidget()
        )
    if spec.kind == "declaration":
        return BooleanField(spec.id, widget=CheckboxWidget())
    if spec.kind == "textarea":
        return TextAreaField(spec.id, widget=CharacterCountWidget())
    return StringField(spec.id, widget=TextWidget())


class StepForm(FlaskForm):
    step: Step

    class Meta:
        # CSRFProtect has already checked every POST's token before a view runs; checking it
        # again here would only repeat the work. Templates put the token in themselves.
        csrf = False

    def validate(self, extra_validators=None) -> bool:
        for field in self:
            if isinstance(field.data, str):
                field.data = clean_text(field.data)
            elif isinstance(field.data, list):
                field.data = [clean_text(v) if isinstance(v, str) else v for v in field.data]
        valid = super().validate(extra_validators)
        for spec in self.step.fields:
            field = self[spec.id]
            if field.errors:
                continue
            error = self._check(spec, field)
            if error:
                field.errors = [*field.errors, error] if isinstance(field.errors, list) else [error]
                valid = False
        return valid

    def _check(self, spec: Field, field) -> str | None:
        value = field.data
        if isinstance(value, str):
            value = field.data = clean_text(value)
        if spec.required and not value:
            condition = spec.required_if
            if condition is None or self[condition[0]].data == condition[1]:
                return say(spec.required)
        if isinstance(value, str) and len(value) > spec.max_length:
            return _too_long(spec)
        if spec.kind == "checkboxes":
            exclusive = {o.code for o in spec.options if o.exclusive}
            if exclusive & set(value or ()) and len(value) > 1:
                option = say(next(o.text for o in spec.options if o.exclusive))
                return say(EXCLUSIVE, option=option.rstrip("."))
        if spec.kind == "email" and value:
            try:
                field.data = validate_email(value, check_deliverability=False).normalized
            except EmailNotValidError:
                return say(BAD_EMAIL)
        if spec.kind == "phone" and value:
            try:
                number = phonenumbers.parse(value, "GB")
            except phonenumbers.NumberParseException:
                number = None
            if number is None or not phonenumbers.is_possible_number(number):
                return say(BAD_PHONE)
        return None


@cache
def form_class(step_id: str) -> type[StepForm]:
    step = STEPS[step_id]
    fields = {spec.id: _make_field(spec) for spec in step.fields}
    return type(f"{step.id.title()}Form", (StepForm,), {"step": step, **fields})


def make_form(step: Step, **kwargs) -> StepForm:
    return form_class(step.id)(**kwargs)
