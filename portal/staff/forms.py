"""Staff forms, with GOV.UK widgets from govuk-frontend-wtf. Labels are the field labels."""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import (
    Field,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..form_fields import ChoicesField
from ..journey.forms import clean_text
from ..languages import STAFF_LABELS
from ..models.cases import ABUSE_TYPES, CASE_STATUSES, CHANNELS, OUTCOMES_MET
from ..models.staff import ROLES
from .auth import PASSWORD_MAX, PASSWORD_MIN

STATUS_LABELS = {
    "preparing": _l("Preparing"),
    "waiting_for_views": _l("Waiting for views"),
    "ready_for_meeting": _l("Ready for meeting"),
    "audited": _l("Audited"),
    "feedback_sent": _l("Feedback sent"),
    "closed": _l("Closed"),
}
ABUSE_LABELS = {
    "physical": _l("Physical abuse"),
    "domestic": _l("Domestic abuse"),
    "sexual": _l("Sexual abuse"),
    "psychological": _l("Psychological abuse"),
    "financial": _l("Financial or material abuse"),
    "modern_slavery": _l("Modern slavery"),
    "discriminatory": _l("Discriminatory abuse"),
    "organisational": _l("Organisational abuse"),
    "neglect": _l("Neglect and acts of omission"),
    "self_neglect": _l("Self-neglect"),
}
OUTCOME_LABELS = {
    "yes": _l("Yes"),
    "partly": _l("Partly"),
    "no": _l("No"),
    "not_known": _l("Not known"),
}
ROLE_LABELS = {
    "admin": _l("Administrator: staff accounts and the audit log"),
    "coordinator": _l("Coordinator: every audit case"),
    "facilitator": _l("Facilitator: only the cases assigned to them"),
}
CHANNEL_LABELS = {"email": _l("Email"), "text": _l("Text message"), "letter": _l("Letter")}
FORMAT_LABELS = {"standard": _l("Standard"), "easy_read": _l("Easy Read")}
LANGUAGE_LABELS = STAFF_LABELS
METHOD_LABELS = {"phone": _l("By phone"), "visit": _l("In person, on a visit")}
WITHDRAWN_VIA_LABELS = {"phone": _l("By phone"), "letter": _l("By letter")}
RESPONDENT_LABELS = {
    "adult": _l("The adult"),
    "representative": _l("Someone acting for the adult"),
}

QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
TEXT_MAX = 2000


def _choices(labels: dict, codes=None) -> list[tuple[str, object]]:
    return [(code, labels[code]) for code in (codes or labels)]


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


def _text(label, max_length=120, required=None, **kwargs):
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(
        Length(
            max=max_length,
            message=_l("%(name)s must be %(max)s characters or fewer", name=label, max=max_length),
        )
    )
    return StringField(label, validators=validators, widget=GovTextInput(), **kwargs)


def _area(label, required=None, **kwargs):
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


class StrippedForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
                # The public journey's cleaning: no control characters, line breaks as LF.
                filters = [lambda v: clean_text(v) if isinstance(v, str) else v, *filters]
            return unbound_field.bind(form=form, filters=filters, **options)


# --- Signing in -------------------------------------------------------------------------------


class SignInForm(StrippedForm):
    email = StringField(
        _l("Email address"),
        validators=[InputRequired(_l("Enter your email address"))],
        widget=GovTextInput(),
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password"))],
        widget=GovPasswordInput(),
    )
    code = StringField(
        _l("Security code"),
        description=_l("The 6-digit code from your authenticator app"),
        widget=GovTextInput(),
    )


class SetUpForm(StrippedForm):
    password = PasswordField(
        _l("Create a password"),
        description=_l(
            "At least %(min)s characters. A few unrelated words make a strong one.",
            min=PASSWORD_MIN,
        ),
        validators=[
            InputRequired(_l("Enter a password")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "Password must be between %(min)s and %(max)s characters",
                    min=PASSWORD_MIN,
                    max=PASSWORD_MAX,
                ),
            ),
        ],
        widget=GovPasswordInput(),
    )
    confirm = PasswordField(
        _l("Confirm your password"),
        validators=[InputRequired(_l("Enter your password again"))],
        widget=GovPasswordInput(),
    )
    code = StringField(
        _l("Security code"),
        description=_l("The 6-digit code your authenticator app shows after you scan the QR code"),
        widget=GovTextInput(),
    )

    def validate_confirm(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError(_l("The passwords do not match"))


# --- Cases ------------------------------------------------------------------------------------


class CaseForm(StrippedForm):
    reference = _text(_l("Audit reference"), 40, required=_l("Enter the audit reference"))
    quarter = _text(
        _l("Quarter"),
        7,
        description=_l("For example, 2026-Q4"),
        required=_l("Enter the quarter, like 2026-Q4"),
    )
    theme = _text(_l("Theme"), 120, description=_l("The theme the board agreed for the quarter"))
    status = SelectField(
        _l("Status"),
        choices=_choices(STATUS_LABELS, CASE_STATUSES),
        widget=GovSelect(),
        default="preparing",
    )
    facilitator_id = SelectField(_l("Facilitator"), choices=[], widget=GovSelect(), default="")
    participants_and_roles = _area(_l("Participants and roles"))
    adult_name = _text(_l("Name"))
    adult_known_as = _text(_l("Known as"))
    date_of_birth = DateInputField(
        _l("Date of birth"), past=True, description=_l("For example, 27 3 1950")
    )
    care_first_number = _text(_l("Care First number"), 30)
    nhs_number = _text(_l("NHS number"), 20, description=_l("10 digits, like 485 777 3456"))
    agency_system_id = _text(_l("Agency’s system identifier"), 60)
    concern_raised_on = DateInputField(_l("Date concern raised"), past=True)
    abuse_types = ChoicesField(
        _l("Type of abuse"),
        choices=_choices(ABUSE_LABELS, ABUSE_TYPES),
        description=_l("The Care Act 2014 categories. Select all that apply."),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    abuse_location = _area(_l("Location of abuse"))
    referral_source = _area(_l("Referral source"))
    presenting_concern = _area(_l("Presenting concern"))
    agencies_involved = _area(_l("Agencies involved"))
    outcomes_met = RadioField(
        _l("Have outcomes been met?"),
        choices=_choices(OUTCOME_LABELS, OUTCOMES_MET),
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    cause_of_risk = _area(_l("Record of ‘Cause of Risk’"))
    documents_reviewed = _area(_l("Documents reviewed"))
    documents_not_available = _area(_l("Documents not available"))
    desired_outcome = _area(
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
        choices=[("", _l("Any status")), *_choices(STATUS_LABELS, CASE_STATUSES)],
        widget=GovSelect(),
        validators=[Optional()],
    )


# --- People and invitations -------------------------------------------------------------------


class ParticipantForm(StrippedForm):
    name = _text(_l("Full name"), required=_l("Enter their full name"))
    known_as = _text(_l("Known as"), description=_l("What they like to be called"))
    relationship = _text(
        _l("Relationship to the adult"), description=_l("For example, daughter, friend or advocate")
    )
    channel = RadioField(
        _l("How should we contact them?"),
        choices=_choices(CHANNEL_LABELS, CHANNELS),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select how to contact them"))],
    )
    email = _text(_l("Email address"), 254)
    phone = _text(
        _l("Mobile phone number"), 30, description=_l("A UK mobile number, for text messages")
    )
    address = _area(_l("Postal address"))
    format = RadioField(
        _l("Format"),
        choices=_choices(FORMAT_LABELS),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select a format"))],
        default="standard",
    )
    language = RadioField(
        _l("Language"),
        choices=_choices(LANGUAGE_LABELS),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select a language"))],
        default="en",
    )

    def validate(self, extra_validators=None) -> bool:
        """The contact detail the chosen channel needs is required. (Optional() stops the
        field's own validators when it is empty, so this is checked for the whole form.)"""
        valid = super().validate(extra_validators)
        needed = {
            "email": (self.email, _l("Enter an email address to contact them by email")),
            "text": (self.phone, _l("Enter a mobile phone number to contact them by text")),
            "letter": (self.address, _l("Enter a postal address to contact them by letter")),
        }.get(self.channel.data)
        if needed and not needed[0].data and not needed[0].errors:
            needed[0].errors = [needed[1]]
            valid = False
        return valid

    def validate_email(self, field):
        if field.data:
            try:
                field.data = validate_email(field.data, check_deliverability=False).normalized
            except EmailNotValidError:
                raise ValidationError(
                    _l("Enter an email address in the correct format, like name@example.com")
                ) from None

    def validate_phone(self, field):
        if not field.data:
            return
        try:
            number = phonenumbers.parse(field.data, "GB")
        except phonenumbers.NumberParseException:
            number = None
        # Ofcom's 07700 900xxx range is reserved for drama and examples: allowed, so demos and
        # tests never use a real person's number.
        drama = number is not None and str(number.national_number).startswith("7700900")
        if number is None or not (phonenumbers.is_valid_number(number) or drama):
            raise ValidationError(_l("Enter a UK phone number, like 07700 900 982"))
        if (
            self.channel.data == "text"
            and not drama
            and phonenumbers.number_type(number)
            not in (
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
            )
        ):
            raise ValidationError(_l("Enter a mobile number to contact them by text"))
        field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ExpiryForm(StrippedForm):
    expires_on = DateInputField(
        _l("Link works until"),
        future=True,
        description=_l("For example, 27 3 2027"),
        validators=[InputRequired(_l("Enter the date the link works until"))],
    )


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


# --- The adult's voice ------------------------------------------------------------------------


class RecordStartForm(StrippedForm):
    respondent = RadioField(
        _l("Who gave the answers?"),
        choices=_choices(RESPONDENT_LABELS),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select who gave the answers"))],
    )
    method = RadioField(
        _l("How were they given?"),
        choices=_choices(METHOD_LABELS),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select how the answers were given"))],
    )


class ConcernForm(StrippedForm):
    escalated_to = _text(
        _l("Who was it escalated to?"),
        200,
        description=_l("The safeguarding lead and their organisation"),
        required=_l("Enter who it was escalated to"),
    )
    escalated_on = DateInputField(
        _l("Date escalated"), past=True, validators=[InputRequired(_l("Enter the date escalated"))]
    )
    how = _area(
        _l("How was it escalated, and what happens next?"),
        required=_l("Enter how it was escalated"),
    )


class WithdrawalForm(StrippedForm):
    withdrawn_on = DateInputField(
        _l("Date consent was withdrawn"),
        past=True,
        validators=[InputRequired(_l("Enter the date consent was withdrawn"))],
    )
    via = RadioField(
        _l("How did the withdrawal come?"),
        choices=_choices(WITHDRAWN_VIA_LABELS),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select how the withdrawal came"))],
    )


# --- Administration ---------------------------------------------------------------------------


class StaffAccountForm(StrippedForm):
    email = _text(_l("Email address"), 254, required=_l("Enter their email address"))
    name = _text(_l("Full name"), required=_l("Enter their full name"))
    role = RadioField(
        _l("Role"),
        choices=_choices(ROLE_LABELS, ROLES),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select a role"))],
    )

    def validate_email(self, field):
        try:
            field.data = validate_email(field.data, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise ValidationError(
                _l("Enter an email address in the correct format, like name@example.com")
            ) from None


class AuditLogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(
        _l("What happened"), choices=[], widget=GovSelect(), validators=[Optional()]
    )
    actor = SelectField(_l("Who"), choices=[], widget=GovSelect(), validators=[Optional()])
    case = _text(_l("Case reference"), 40)


# --- Delivery: the feedback letter and reminders -----------------------------------------------

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


class RemindersForm(StrippedForm):
    days = StringField(
        _l("Links expiring within how many days?"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter a number of days"))],
    )

    def validate_days(self, field):
        value = (field.data or "").strip()
        # isdecimal, not isdigit: "²" is a digit that int() cannot read.
        if not value.isdecimal() or not 1 <= int(value) <= 60:
            raise ValidationError(_l("Enter a whole number of days from 1 to 60"))
