"""The people on a case: the adult and their representative, with how to contact them and the
format and language they need."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.validators import InputRequired, ValidationError

from ..extensions import db
from ..languages import STAFF_LABELS
from ..models import AuditCase, Participant
from ..models.cases import CHANNELS, FORMATS, RECIPIENTS
from . import access, bp
from .audit_log import audit, viewed
from .forms import StrippedForm, area_field, text_field

PARTICIPANT_FIELDS = (
    "name",
    "known_as",
    "relationship",
    "channel",
    "email",
    "phone",
    "address",
    "format",
    "language",
)


class ParticipantForm(StrippedForm):
    name = text_field(_l("Full name"), required=_l("Enter their full name"))
    known_as = text_field(_l("Known as"), description=_l("What they like to be called"))
    relationship = text_field(
        _l("Relationship to the adult"), description=_l("For example, daughter, friend or advocate")
    )
    channel = RadioField(
        _l("How should we contact them?"),
        choices=list(CHANNELS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select how to contact them"))],
    )
    email = text_field(_l("Email address"), 254)
    phone = text_field(
        _l("Mobile phone number"), 30, description=_l("A UK mobile number, for text messages")
    )
    address = area_field(_l("Postal address"))
    format = RadioField(
        _l("Format"),
        choices=list(FORMATS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select a format"))],
        default="standard",
    )
    language = RadioField(
        _l("Language"),
        choices=list(STAFF_LABELS.items()),
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


@bp.route("/cases/<int:case_id>/people/<role>", methods=["GET", "POST"])
@access("coordinator", case=True)
def person(case_id: int, role: str):
    if role not in RECIPIENTS:
        abort(404)
    case: AuditCase = g.case
    existing = case.participant(role)
    if existing is not None and request.method == "GET":
        form = ParticipantForm(data={f: getattr(existing, f) for f in PARTICIPANT_FIELDS})
    elif existing is None and request.method == "GET" and role == "adult":
        form = ParticipantForm(data={"name": case.adult_name, "known_as": case.adult_known_as})
    else:
        form = ParticipantForm()
    if form.validate_on_submit():
        target = existing or Participant(case=case, role=role)
        changed = []
        for name in PARTICIPANT_FIELDS:
            value = getattr(form, name).data or None
            if name == "relationship" and role == "adult":
                value = None
            if getattr(target, name) != value:
                setattr(target, name, value)
                changed.append(name)
        db.session.add(target)
        db.session.flush()
        audit("person_saved", case_id=case.id, detail=f"{role}: {' '.join(changed)}"[:200])
        db.session.commit()
        return redirect(url_for("staff.case", case_id=case.id, _anchor="people"), 303)
    if request.method == "GET":
        viewed(case.id, f"{role} details")
    return render_template(
        "staff/person.html",
        form=form,
        case=case,
        role=role,
        back_url=url_for("staff.case", case_id=case.id),
    )
