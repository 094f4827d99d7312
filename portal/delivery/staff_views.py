"""Staff pages for the outbox: every message with its status and reason, the development
provider's rendered messages, and the post room's print batch. Registered on the staff
blueprint (portal/staff/views.py imports this module), behind its @access role checks."""

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
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import AuditCase
from ..models.outbox import DevelopmentMessage, OutboxMessage
from ..staff import access, bp
from ..staff.forms import RemindersForm
from . import print_batch
from .outbox import messages_for_case, reminders_due

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
