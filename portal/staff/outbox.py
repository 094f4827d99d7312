"""The outbox, for coordinators: every message with its status and reason, reminders for links
about to expire, the post room's print batch, the development provider's rendered messages, and
one case's messages. Sending is portal/delivery/'s job."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import InputRequired, ValidationError

from ..delivery import MissingContact, messages_for_case, print_batch, queue_reminder, reminders_due
from ..extensions import db
from ..models import AuditCase
from ..models.outbox import DevelopmentMessage, OutboxMessage
from ..services.locks import one_at_a_time
from . import access, bp
from .audit_log import audit
from .forms import StrippedForm


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


STATUS_TAGS = {
    "queued": "govuk-tag--grey",
    "sending": "govuk-tag--blue",
    "sent": "govuk-tag--blue",
    "delivered": "govuk-tag--green",
    "failed": "govuk-tag--red",
    "cancelled": "govuk-tag--grey",
}


@bp.get("/outbox")
@access("coordinator")
def outbox():
    rows = db.session.execute(
        select(OutboxMessage, AuditCase.reference)
        .join(AuditCase, AuditCase.id == OutboxMessage.case_id)
        .order_by(OutboxMessage.id.desc())
        .limit(500)
    ).all()
    days = current_app.config["REMINDER_DAYS_BEFORE_EXPIRY"]
    return render_template(
        "staff/outbox.html",
        rows=rows,
        tags=STATUS_TAGS,
        letters_due=len(print_batch.letters_due()),
        development=current_app.config["DELIVERY_PROVIDER"] == "development",
        reminder_days=days,
        reminders_due=len(reminders_due(days)),
        reminders_form=RemindersForm(data={"days": str(days)}),
        done=request.args.get("done"),
        queued=request.args.get("queued", 0, type=int),
        skipped=request.args.get("skipped", 0, type=int),
    )


@bp.post("/outbox/print-batch")
@access("coordinator")
def outbox_print_batch():
    made = print_batch.make_batch(actor=current_user.actor)
    if made is None:
        db.session.rollback()
        return redirect(url_for("staff.outbox"), 303)
    pdf, _ids = made
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="letters.pdf"'
    db.session.commit()
    return response


@bp.get("/outbox/development")
@access("coordinator")
def outbox_development():
    """What the development provider 'sent'. Not there with a real provider."""
    if current_app.config["DELIVERY_PROVIDER"] != "development":
        abort(404)
    messages = db.session.scalars(
        select(DevelopmentMessage).order_by(DevelopmentMessage.id.desc()).limit(100)
    ).all()
    return render_template("staff/outbox_development.html", messages=messages)


@bp.get("/cases/<int:case_id>/messages")
@access("coordinator", "facilitator", case=True)
def case_messages(case_id: int):
    return render_template(
        "staff/case_messages.html",
        case=g.case,
        messages=messages_for_case(case_id),
        tags=STATUS_TAGS,
    )


@bp.post("/outbox/reminders")
@access("coordinator")
def outbox_reminders():
    """Queue a reminder for every live link expiring within N days that has had none."""
    form = RemindersForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return redirect(url_for("staff.outbox", done="reminders-invalid"), 303)
    one_at_a_time()
    queued = skipped = 0
    for invitation in reminders_due(int(form.days.data)):
        try:
            with db.session.begin_nested():
                queue_reminder(invitation, actor=current_user.actor)
        except (MissingContact, ValueError):
            skipped += 1
        else:
            queued += 1
    audit("reminders_queued", detail=f"{queued} queued, {skipped} without contact details")
    db.session.commit()
    return redirect(url_for("staff.outbox", done="reminders", queued=queued, skipped=skipped), 303)
