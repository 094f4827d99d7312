"""Staff accounts, for administrators: create one, give a new set-up link, deactivate, and with
single sign-on, keep password sign-in for a break-glass account."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from sqlalchemy import select
from wtforms import RadioField
from wtforms.validators import InputRequired, ValidationError

from ..extensions import db
from ..models import StaffUser
from ..models.staff import ROLES
from . import access, auth, bp, oidc
from .audit_log import audit
from .forms import ActionForm, StrippedForm, text_field

ADMIN = ("admin",)


class StaffAccountForm(StrippedForm):
    email = text_field(_l("Email address"), 254, required=_l("Enter their email address"))
    name = text_field(_l("Full name"), required=_l("Enter their full name"))
    role = RadioField(
        _l("Role"),
        choices=list(ROLES.items()),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select a role"))],
    )
    # Only with single sign-on (account_new removes it otherwise).
    break_glass = RadioField(
        _l("Can this account sign in with a password when single sign-on is not working?"),
        description=_l(
            "Keep one or two administrators' accounts for this, so someone can still sign in "
            "if the identity provider is down."
        ),
        choices=[
            ("no", _l("No, only through single sign-on")),
            ("yes", _l("Yes, it is a break-glass account")),
        ],
        default="no",
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select whether it can sign in with a password"))],
    )

    def validate_email(self, field):
        try:
            field.data = validate_email(field.data, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise ValidationError(
                _l("Enter an email address in the correct format, like name@example.com")
            ) from None


@bp.get("/accounts")
@access(*ADMIN)
def accounts():
    users = db.session.scalars(select(StaffUser).order_by(StaffUser.role, StaffUser.email)).all()
    return render_template(
        "staff/accounts.html",
        users=users,
        action_form=ActionForm(),
        single_sign_on=oidc.enabled(),
    )


@bp.route("/accounts/new", methods=["GET", "POST"])
@access(*ADMIN)
def account_new():
    form = StaffAccountForm()
    if not oidc.enabled():
        del form.break_glass
    if form.validate_on_submit():
        if auth.find_user(form.email.data) is not None:
            form.email.errors.append(_("There is already an account with this email address"))
        else:
            user, link = auth.create_user(
                form.email.data, form.role.data, form.name.data, actor=current_user.actor
            )
            if "break_glass" in form and form.break_glass.data == "yes":
                user.break_glass = True
                audit("staff_break_glass_on", detail=user.actor)
            elif oidc.enabled():
                # They sign in through the provider: a password would never be let in.
                user.setup_token_hash = user.setup_expires_at = None
                link = None
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


@bp.post("/accounts/<int:user_id>/break-glass")
@access(*ADMIN)
def account_break_glass(user_id: int):
    """Keep (or stop) password sign-in for this account while single sign-on is on."""
    user = _user(user_id)
    user.break_glass = not user.break_glass
    audit(
        "staff_break_glass_on" if user.break_glass else "staff_break_glass_off", detail=user.actor
    )
    db.session.commit()
    return redirect(url_for("staff.accounts"), 303)
