"""The audit log: who did what to which record, and when, never the personal data itself.
Staff views record what they change and what they read here; administrators search it."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import Optional

from ..extensions import db
from ..models import AuditCase, AuditEvent, StaffUser
from ..models.events import record
from . import access, bp
from .forms import text_field

PAGE_SIZE = 100


def audit(
    action: str,
    case_id=None,
    invitation_id=None,
    detail: str | None = None,
    return_request_id=None,
) -> None:
    """Record a change; it commits with the change it describes."""
    record(
        action,
        actor=current_user.actor,
        case_id=case_id,
        invitation_id=invitation_id,
        return_request_id=return_request_id,
        detail=detail,
    )


def viewed(case_id: int, what: str, invitation_id=None, return_request_id=None) -> None:
    """Record that someone read a case's personal data, and commit at once: a read has no
    change to ride along with."""
    audit(
        "viewed",
        case_id=case_id,
        invitation_id=invitation_id,
        return_request_id=return_request_id,
        detail=what,
    )
    db.session.commit()


class AuditLogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(
        _l("What happened"), choices=[], widget=GovSelect(), validators=[Optional()]
    )
    actor = SelectField(_l("Who"), choices=[], widget=GovSelect(), validators=[Optional()])
    case = text_field(_l("Case reference"), 40)


@bp.get("/audit-log")
@access("admin")
def audit_log():
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.email)).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    form = AuditLogFilterForm(request.args)
    form.action.choices = [("", _("Anything")), *((a, a) for a in actions)]
    form.actor.choices = [
        ("", _("Anyone")),
        *((u.actor, u.label) for u in users),
        ("adult", _("People invited")),
        ("system", _("The portal")),
        ("cli", _("Command line")),
    ]
    form.validate()
    query = (
        select(AuditEvent, AuditCase.reference)
        .outerjoin(AuditCase, AuditEvent.case_id == AuditCase.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
    )
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.actor.data:
        query = query.where(AuditEvent.actor == form.actor.data)
    if form.case.data:
        query = query.where(AuditCase.reference == form.case.data.strip())
    rows = db.session.execute(query).all()
    names = {u.actor: u.label for u in users}
    return render_template(
        "staff/audit_log.html", filters=form, rows=rows, names=names, page_size=PAGE_SIZE
    )
