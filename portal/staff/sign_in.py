"""Signing in and out, setting up an account from its one-time link, and keeping a session
alive. The mechanics (passwords, codes, waits, sessions) are in auth.py."""

from __future__ import annotations

import math

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..extensions import db, limiter
from ..locale import safe_next
from ..models.events import record
from . import access, auth, bp, oidc
from .auth import PASSWORD_MAX, PASSWORD_MIN
from .forms import ActionForm, StrippedForm

ALL_STAFF = ("admin", "coordinator", "facilitator", "learning_group")
# Per address, counting failed sign-ins only: everyone in an office may share one address, and
# their sign-ins must not use up its limit; an address trying many accounts is stopped (429
# page). Each email address also waits longer after each failure (auth.py).
SIGN_IN_LIMIT = "20 per minute;100 per hour"


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


def home_for(user) -> str:
    """Where signing in lands. The Learning & Improvement Group sees no case: it lands on the
    actions page (staff.actions) once that exists, and is refused the case list until then."""
    if user.role == "admin":
        return url_for("staff.accounts")
    if user.role == "learning_group" and "staff.actions" in current_app.view_functions:
        return url_for("staff.actions")
    return url_for("staff.cases")


def sign_in_problem() -> str:
    return _("The email address, password or security code is not right. Check them and try again.")


def wait_message(minutes: int) -> str:
    # The same whether or not the address has an account.
    return ngettext(
        "There have been too many tries to sign in with this email address. Wait %(num)d "
        "minute before trying again.",
        "There have been too many tries to sign in with this email address. Wait %(num)d "
        "minutes before trying again.",
        minutes,
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], deduct_when=lambda r: r.status_code != 303)
@access(public=True)
def sign_in():
    form = SignInForm()
    notice = session.pop(auth.NOTICE_KEY, None) if request.method == "GET" else None
    status, headers = 200, {}
    if form.validate_on_submit():
        outcome = auth.authenticate(form.email.data, form.password.data, form.code.data)
        user = outcome.user
        if user is None:
            db.session.commit()  # the failed attempt counts
            if outcome.wait is None:
                form.email.errors.append(sign_in_problem())
            else:
                seconds = math.ceil(outcome.wait.total_seconds())
                form.email.errors.append(wait_message(math.ceil(seconds / 60)))
                status, headers = 429, {"Retry-After": str(seconds)}
        else:
            auth.start_session(user)
            db.session.commit()
            target = safe_next(request.args.get("next"))
            if not target.startswith("/staff/") or target.startswith("/staff/sign-in"):
                target = home_for(user)
            return redirect(target, 303)
    page = render_template(
        "staff/sign_in.html",
        form=form,
        notice=notice,
        totp_optional=not current_app.config["STAFF_REQUIRE_TOTP"],
        single_sign_on=oidc.enabled(),
    )
    return page, status, headers


def provider_unavailable():
    return render_template("staff/sign_in_unavailable.html"), 503, {"Retry-After": "60"}


@bp.post("/sign-in/provider")
@limiter.limit(SIGN_IN_LIMIT)
@access(public=True)
def sign_in_provider():
    """The "Sign in with ..." button: off to the identity provider, with the flow's secrets
    kept server side (oidc.py)."""
    if not oidc.enabled():
        abort(404)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("staff.sign_in"), 303)
    try:
        return oidc.start()
    except oidc.ProviderDown:
        return provider_unavailable()


@bp.get("/sign-in/callback")
@limiter.limit(SIGN_IN_LIMIT, deduct_when=lambda r: r.status_code != 303)
@access(public=True)
def sign_in_callback():
    """Where the provider sends the browser back. A refusal or a failed check is a page of
    its own, with no session; each is in the audit log (oidc.py)."""
    if not oidc.enabled():
        abort(404)
    try:
        outcome = oidc.finish()
    except oidc.ProviderDown:
        db.session.commit()
        return provider_unavailable()
    if outcome.user is None:
        db.session.commit()
        if outcome.refused:
            page = render_template("staff/sign_in_refused.html", reason=outcome.refused)
            return page, 403
        return render_template("staff/sign_in_failed.html"), 400
    auth.start_session(outcome.user, single_sign_on=True)
    db.session.commit()
    return redirect(home_for(outcome.user), 303)


@bp.post("/sign-out")
@access(*ALL_STAFF)
def sign_out():
    record("staff_signed_out", actor=current_user.actor)
    through_provider = session.get(auth.SSO_KEY) and oidc.enabled()
    auth.end_session()
    db.session.commit()
    # The provider's own session ends too, else its next sign-in would need no password.
    target = oidc.sign_out_url() if through_provider else None
    return redirect(target or url_for("staff.signed_out"), 303)


@bp.get("/signed-out")
@access(public=True)
def signed_out():
    reason = request.args.get("reason")
    return render_template("staff/signed_out.html", idle=reason == "idle")


@bp.post("/keep-alive")
@access(*ALL_STAFF)
def keep_alive():
    """The idle-time warning's "Stay signed in" button. Loading the user has already moved the
    session's last-seen time on; there is nothing else to do."""
    return "", 204, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/")
@access(*ALL_STAFF)
def home():
    return redirect(home_for(current_user))


@bp.route("/set-up/<token>", methods=["GET", "POST"])
@access(public=True)
def set_up(token: str):
    user = auth.find_setup_user(token)
    if user is None:
        return render_template("staff/set_up_not_working.html"), 404
    form = SetUpForm()
    code_required = current_app.config["STAFF_REQUIRE_TOTP"]
    if form.validate_on_submit():
        code = form.code.data
        if (code or code_required) and not auth.use_code(user, code):
            form.code.errors.append(
                _("Enter the 6-digit security code your authenticator app shows now")
            )
        if not form.errors:
            user.password_hash = auth.hash_password(form.password.data)
            user.totp_confirmed = bool(code)
            user.setup_token_hash = None
            user.setup_expires_at = None
            record("staff_set_up", actor=user.actor)
            db.session.commit()
            session.clear()
            session[auth.NOTICE_KEY] = "set_up"
            return redirect(url_for("staff.sign_in"), 303)
        db.session.commit()  # keep the used time step
    return render_template(
        "staff/set_up.html",
        form=form,
        user=user,
        qr_code=auth.qr_code_data_uri(user),
        secret=user.totp_secret,
        code_required=code_required,
    )
