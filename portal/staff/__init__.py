"""The staff back-office: one blueprint for coordinators, facilitators and administrators, one
module per resource (cases, people, invitations, voice, recording, letters, outbox, accounts,
audit_log, organisations, returns, sign_in; auth.py holds the sign-in mechanics, oidc.py single
sign-on through the organisation's identity provider, forms.py what the forms share).

Every route declares who may use it with ``@access``; a route without a declaration is refused
(deny by default), and tests/test_staff_authorisation.py fails when one is added.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from ..extensions import db, login_manager
from ..models.journey import WITHDRAWN_VIA

bp = Blueprint("staff", __name__, url_prefix="/staff")

STAFF_ROLES = ("coordinator", "facilitator")


@dataclass(frozen=True)
class Access:
    roles: frozenset[str] = frozenset()
    # The route has <int:case_id>: a facilitator not assigned to that case gets a 404.
    case: bool = False
    public: bool = False


def access(*roles: str, case: bool = False, public: bool = False):
    def mark(view):
        view.staff_access = Access(roles=frozenset(roles), case=case, public=public)
        return view

    return mark


def rule_for(endpoint: str | None) -> Access | None:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "staff_access", None)


@bp.before_request
def _guard():
    rule = rule_for(request.endpoint)
    if rule is None:
        abort(404)  # deny by default
    if rule.public:
        return None
    if not current_user.is_authenticated:
        target = request.path if request.method == "GET" else None
        return redirect(url_for("staff.sign_in", next=target), 303)
    if current_user.role not in rule.roles:
        abort(403)
    if rule.case:
        from ..models import AuditCase

        case = db.session.get(AuditCase, (request.view_args or {}).get("case_id"))
        if case is None or not can_see(case):
            abort(404)
        g.case = case
    return None


def can_see(case) -> bool:
    if current_user.role == "coordinator":
        return True
    return current_user.role == "facilitator" and case.facilitator_id == current_user.id


def init_app(app: Flask) -> None:
    from . import (  # noqa: F401 - importing a module registers its routes
        accounts,
        actions,
        audit_log,
        auth,
        cases,
        cli,
        invitations,
        letters,
        meetings,
        oidc,
        organisations,
        outbox,
        people,
        recording,
        report_checks,
        reports,
        returns,
        sign_in,
        voice,
    )

    app.config.setdefault("STAFF_REQUIRE_TOTP", app.config["PORTAL_ENV"] != "development")
    oidc.init_app(app)
    # current_user is given to staff templates below: Flask-Login's own context processor would
    # look for a signed-in member of staff on every public page too.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.session_protection = None  # the StaffSession row is the session
    login_manager.request_loader(lambda _request: auth.load_signed_in_user())

    @app.context_processor
    def _staff_context():
        if request.blueprint != "staff":
            return {}
        return {
            "current_user": current_user,
            "consent_label": voice.consent_label,
            "withdrawn_via_label": lambda code: WITHDRAWN_VIA.get(code, code or ""),
            "idle_seconds": int(auth.IDLE_TIMEOUT.total_seconds()),
            "warn_seconds": int(auth.WARN_BEFORE.total_seconds()),
            "warn_minutes": int(auth.WARN_BEFORE.total_seconds() // 60),
        }

    app.register_blueprint(bp)
    cli.init_app(app)
