"""What the staff forms share: text cleaning, GOV.UK date boxes, text fields held to a length,
and the bare form behind every button. Each form lives next to its views; choices come from the
codes and labels in portal/models/."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovDateInput, GovTextInput
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..form_fields import clean_text

TEXT_MAX = 2000


class StrippedForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
                # The public journey's cleaning: no control characters, line breaks as LF.
                filters = [lambda v: clean_text(v) if isinstance(v, str) else v, *filters]
            return unbound_field.bind(form=form, filters=filters, **options)


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


class DateWidget(GovDateInput):
    """GOV.UK date boxes without a `required` attribute on their wrapping div, where HTML does
    not allow it (the server says what is missing, as everywhere else)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.get("attributes", {}).pop("required", None)
        return params


class DateInputField(Field):
    """Day, month and year boxes. Empty is allowed unless InputRequired; a partial or impossible
    date is an error naming the field."""

    widget = DateWidget()

    def __init__(self, label=None, validators=None, past=False, future=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.past = past
        self.future = future

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist:
            self.raw_data = None  # the GOV.UK widget unpacks exactly three boxes, or none
            return
        if len(valuelist) != 3:
            # Missing or repeated boxes: shown again as three, with the error.
            self.raw_data = [*valuelist, "", "", ""][:3]
            raise ValueError(_l("%(name)s must be a real date", name=self.label.text))
        if not any(v.strip() for v in valuelist):
            return
        try:
            day, month, year = (int(v.strip()) for v in valuelist)
            if year < 1900:
                raise ValueError
            self.data = date(year, month, day)
        except (ValueError, TypeError, OverflowError):  # a year like 99999999999999999999 overflows
            raise ValueError(_l("%(name)s must be a real date", name=self.label.text)) from None

    def pre_validate(self, form):
        if self.data and self.past and self.data > date.today():
            raise ValidationError(_l("%(name)s must be today or in the past", name=self.label.text))
        if self.data and self.future and self.data <= date.today():
            raise ValidationError(_l("%(name)s must be in the future", name=self.label.text))


def text_field(label, max_length=120, required=None, **kwargs) -> StringField:
    """A one-line text box held to ``max_length``; ``required`` is the message when empty."""
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(
        Length(
            max=max_length,
            message=_l("%(name)s must be %(max)s characters or fewer", name=label, max=max_length),
        )
    )
    return StringField(label, validators=validators, widget=GovTextInput(), **kwargs)


def area_field(label, required=None, **kwargs) -> TextAreaField:
    """A text area with a character count, held to TEXT_MAX."""
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(
        Length(
            max=TEXT_MAX,
            message=_l(
                "%(name)s must be %(max)s characters or fewer", name=label, max=f"{TEXT_MAX:,}"
            ),
        )
    )
    return TextAreaField(label, validators=validators, widget=GovCharacterCount(), **kwargs)
