"""Shared steps for the staff back-office tests."""

from __future__ import annotations

import importlib
import pkgutil

import pyotp

from portal.extensions import db
from portal.models import AuditCase, StaffUser
from portal.staff import auth

PASSWORD = "correct horse battery staple"


def fresh_session() -> None:
    """End the test's view of the database, as a request's end would: with SQLite in WAL mode
    a transaction left open since an earlier request would hold an old snapshot."""
    db.session.commit()


def make_user(
    role: str = "coordinator", email: str | None = None, totp: bool = True, name: str | None = None
) -> StaffUser:
    fresh_session()
    user = StaffUser(
        email=email or f"{role}@example.org",
        name=name or role.title(),
        role=role,
        password_hash=auth.hash_password(PASSWORD),
        totp_secret=pyotp.random_base32(),
        totp_confirmed=totp,
    )
    db.session.add(user)
    db.session.commit()
    return user


def code_for(user: StaffUser) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def sign_in(client, user: StaffUser, password: str = PASSWORD):
    """Sign in with a fresh code (forgetting the last used step, so a test may sign in twice
    within one 30-second step)."""
    fresh_session()
    db.session.execute(
        db.update(StaffUser).where(StaffUser.id == user.id).values(totp_last_step=None)
    )
    db.session.commit()
    response = client.submit(
        "/staff/sign-in", {"email": user.email, "password": password, "code": code_for(user)}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    fresh_session()
    return response


def make_case(reference: str = "CASE-1", facilitator: StaffUser | None = None, **fields):
    fresh_session()
    fields = {"quarter": "2026-Q4", "theme": "Self-neglect", **fields}
    case = AuditCase(
        reference=reference, facilitator_id=facilitator.id if facilitator else None, **fields
    )
    db.session.add(case)
    db.session.commit()
    return case


def staff_forms() -> list[type]:
    """Every form class the staff pages use: each lives next to its views, so every module of
    portal/staff is looked through, and a new one is found without being named here."""
    from flask_wtf import FlaskForm

    import portal.staff
    from portal.staff.forms import StrippedForm

    modules = [
        importlib.import_module(f"portal.staff.{info.name}")
        for info in pkgutil.iter_modules(portal.staff.__path__)
    ]
    return [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, FlaskForm)
        and value.__module__ == module.__name__
        and value is not StrippedForm
    ]
