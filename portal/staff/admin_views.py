"""Administration: staff accounts and the audit log."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import AuditCase, AuditEvent, StaffUser
from . import access, auth, bp
from .audit import audit
from .forms import ROLE_LABELS, ActionForm, AuditLogFilterForm, StaffAccountForm

ADMIN = ("admin",)
PAGE_SIZE = 100


@bp.get("/accounts")
@access(*ADMIN)
def accounts():
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.role, StaffUser.email)).all()
    return render_template(
        "staff/accounts.html", users=users, role_labels=ROLE_LABELS, action_form=ActionForm()
    )


@bp.route("/accounts/new", methods=["GET", "POST"])
@access(*ADMIN)
def account_new():
    form = StaffAccountForm()
    if form.validate_on_submit():
        if auth.find_user(form.email.data) is not None:
            form.email.errors.append(_("There is already an account with this email address"))
        else:
            user, link = auth.create_user(
                form.email.data, form.role.data, form.name.data, actor=current_user.actor
            )
            db.session.commit()
            return render_template("staff/account_link.html", user=user, link=link)
    return render_template("staff/account_form.html", form=form, back_url=url_for("staff.accounts"))


def _user(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/accounts/<int:user_id>/set-up-link")
@access(*ADMIN)
def account_reset(user_id: int):
    """A new set-up link: for a forgotten password or a lost phone. The old password and
    authenticator stop working, and the person's sessions end."""
    user = _user(user_id)
    link = auth.issue_setup_link(user)
    audit("staff_reset", detail=user.actor)
    db.session.commit()
    return render_template("staff/account_link.html", user=user, link=link, reset=True)


@bp.post("/accounts/<int:user_id>/deactivate")
@access(*ADMIN)
def account_deactivate(user_id: int):
    user = _user(user_id)
    if user.id != current_user.id:
        user.active = False
        auth.end_all_sessions(user)
        audit("staff_deactivated", detail=user.actor)
        db.session.commit()
    return redirect(url_for("staff.accounts"), 303)


@bp.get("/audit-log")
@access(*ADMIN)
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
