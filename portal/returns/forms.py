"""The return's forms, built from Appendix 1's definition (portal/audit_tool.py) and the
limits below: one place says each field's label, its short name for messages, and its maximum
length. The free-text columns are Text; the limits keep each page well under the request size
limit, and the practitioner's role and organisation are held to their String(120) columns."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import Field, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..audit_tool import GUIDANCE_COUNT, NUMERIC_SCORES, RETURN_FIELDS, SCORES
from ..form_fields import ChoicesField, clean_text
from ..models import ReturnPractitioner
from ..scoring import suggested_score


@dataclass(frozen=True)
class TextSpec:
    label: str
    name: str  # how error messages name it
    max_length: int
    hint: str = ""
    rows: int = 5


def _column_length(column: str) -> int:
    return ReturnPractitioner.__table__.c[column].type.length


TEXTS: dict[str, TextSpec] = {
    "desired_outcome": TextSpec(
        RETURN_FIELDS["desired_outcome"],
        "The outcome the person wanted",
        3000,
        "As your organisation recorded it.",
    ),
    "narrative": TextSpec("Narrative", "The narrative", 5000, rows=8),
    "score_reason": TextSpec(
        "Why your score differs from the suggested score", "The reason for your score", 2000
    ),
    "role": TextSpec("Role", "The role", _column_length("role"), rows=1),
    "organisation": TextSpec(
        "Organisation", "The organisation", _column_length("organisation"), rows=1
    ),
    "reflection": TextSpec(
        "Their reflection on the principles",
        "The reflection",
        3000,
        "What they said about how the six principles were met in this case.",
    ),
    "summary": TextSpec(RETURN_FIELDS["summary"], "The summary", 5000, rows=8),
    "learning_points": TextSpec(RETURN_FIELDS["learning_points"], "The learning points", 5000),
    "recommendations": TextSpec(RETURN_FIELDS["recommendations"], "The recommendations", 5000),
    "documents_reviewed": TextSpec(
        RETURN_FIELDS["documents_reviewed"], "The documents reviewed", 3000
    ),
    "documents_not_available": TextSpec(
        RETURN_FIELDS["documents_not_available"], "The documents not available", 3000
    ),
}
SUMMARY_FIELDS = (
    "summary",
    "learning_points",
    "recommendations",
    "documents_reviewed",
    "documents_not_available",
)
SCORE_CHOICES = [(code, f"{code} – {label}") for code, label in SCORES.items()]
GUIDANCE_CHOICES = [(str(i), str(i)) for i in range(GUIDANCE_COUNT)]


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


def text_field(name: str, required: bool = False) -> Field:
    """A field from TEXTS: a one-line input or a textarea with a character count, held to its
    maximum length."""
    spec = TEXTS[name]
    validators = [
        InputRequired(f"Enter {spec.name[:1].lower()}{spec.name[1:]}") if required else Optional(),
        Length(
            max=spec.max_length,
            message=f"{spec.name} must be {spec.max_length:,} characters or fewer",
        ),
    ]
    if spec.rows == 1:
        return StringField(spec.label, validators, filters=[_clean], widget=GovTextInput())
    return TextAreaField(spec.label, validators, filters=[_clean], widget=GovCharacterCount())


class ScoreField(RadioField):
    """The score radios: a value that is not one of them gets a message, never a 500."""

    def pre_validate(self, form):
        if self.data is not None and self.data not in SCORES:
            raise ValidationError("Select a score from the options")


class GuidanceField(ChoicesField):
    """The guidance questions' checkboxes, each index kept once (form_fields.ChoicesField)."""

    def pre_validate(self, form):
        if any(value not in dict(GUIDANCE_CHOICES) for value in self.data or ()):
            raise ValidationError("Select from the guidance questions shown")


class CaseForm(FlaskForm):
    desired_outcome = text_field("desired_outcome")


class PrincipleForm(FlaskForm):
    considered = GuidanceField(
        "Guidance questions considered",
        choices=GUIDANCE_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    narrative = text_field("narrative")
    score = ScoreField(
        "Score",
        choices=SCORE_CHOICES,
        widget=GovRadioInput(),
        validators=[Optional()],
        validate_choice=False,
    )
    score_reason = text_field("score_reason")

    def ticked(self) -> list[int]:
        """The guidance questions ticked, as stored (indexes 0-4), valid ones only."""
        return [int(v) for v in self.considered.data or () if v in dict(GUIDANCE_CHOICES)]

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the reason rule: a score of 2, 1 or 0 that differs
        from the one the ticks suggest needs a reason (NA and NK need none)."""
        valid = super().validate(extra_validators)
        score = self.score.data
        suggested = suggested_score(len(self.ticked()))
        if (
            not self.score.errors
            and score in NUMERIC_SCORES
            and score != suggested
            and not self.score_reason.data
            and not self.score_reason.errors
        ):
            self.score_reason.errors = [
                "Give a reason for your score: it differs from the suggested score, "
                f"{suggested} – {SCORES[suggested].lower()}"
            ]
            valid = False
        return valid


class PractitionerForm(FlaskForm):
    role = text_field("role", required=True)
    organisation = text_field("organisation", required=True)
    reflection = text_field("reflection")


class RemoveForm(FlaskForm):
    practitioner = StringField("Practitioner", validators=[InputRequired(), Length(max=12)])


class SummaryForm(FlaskForm):
    summary = text_field("summary")
    learning_points = text_field("learning_points")
    recommendations = text_field("recommendations")
    documents_reviewed = text_field("documents_reviewed")
    documents_not_available = text_field("documents_not_available")


class ButtonForm(FlaskForm):
    """A button that changes something: only its CSRF token."""
