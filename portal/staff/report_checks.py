"""Free-text checks for the quarterly report: a coordinator or administrator ticks "checked:
identifies no one" on each learning point, recommendation and action before the report may show
it. The page names no case: the words alone are what is checked."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms.validators import ValidationError

from ..form_fields import ChoicesField
from ..services import text_checks
from . import access, bp
from .forms import StrippedForm

CHECKERS = ("coordinator", "admin")


class ChecksForm(StrippedForm):
    # Each value is "<piece key>:<SHA-256 of the words shown>", so a check applies to the words
    # this page showed, never to words changed since in another tab.
    checked = ChoicesField(
        _l("Checked: identifies no one"),
        description=_l(
            "Tick each piece of text you have read that names no one and gives no reference, "
            "date of birth, place or contact detail."
        ),
        choices=[],  # the pieces waiting, set per request
        widget=GovCheckboxesInput(),
        validators=[],
        validate_choice=False,  # validate_checked says it in words
    )

    def validate_checked(self, field):
        if not field.data:
            raise ValidationError(_l("Select the pieces of text you have checked"))
        if any(value not in dict(field.choices) for value in field.data):
            raise ValidationError(
                _l("Some of the text changed since this page was opened: read it again")
            )


def _form(pieces: list[text_checks.Piece]) -> ChecksForm:
    form = ChecksForm()
    form.checked.choices = [
        (f"{p.key}:{p.digest}", f"{p.quarter or _l('No quarter')} · {p.label}") for p in pieces
    ]
    return form


@bp.route("/reports/checks", methods=["GET", "POST"])
@access(*CHECKERS)
def report_checks():
    pieces = text_checks.waiting()
    form = _form(pieces)
    if form.validate_on_submit():
        done = 0
        for value in form.checked.data:
            key, _sep, digest = value.rpartition(":")
            done += text_checks.check(key, digest, current_user.id)
        return redirect(url_for("staff.report_checks", done=done), 303)
    return render_template(
        "staff/report_checks.html",
        form=form,
        pieces=pieces,
        # Each box's hint is the text itself, line breaks kept.
        items=[{"hint": {"text": p.text, "classes": "staff-preserve-lines"}} for p in pieces],
        done=request.args.get("done", 0, type=int),
    )
