"""Staff accounts, their server-side sessions, and what staff record about an adult's response."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, String, Text, false, orm
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

ROLES = {
    "admin": _l("Administrator: staff accounts and the audit log"),
    "coordinator": _l("Coordinator: every audit case"),
    "facilitator": _l("Facilitator: only the cases assigned to them"),
    "learning_group": _l(
        "Learning & Improvement Group: actions across every case, no personal data"
    ),
}


class StaffUser(db.Model):
    """A member of staff. Passwords are argon2id hashes; the TOTP secret is set up at first
    sign-in from a one-time set-up link, of which only a SHA-256 hash is kept."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed: Mapped[bool] = mapped_column(default=False)
    # The last TOTP time step accepted: a code for that step or an earlier one is refused.
    totp_last_step: Mapped[int | None] = mapped_column()
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The identity provider's subject, linked at the first single sign-on whose verified email
    # matched this account; from then on the subject alone identifies the person.
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    # Keeps password and authenticator sign-in when single sign-on is on (for when it is down).
    break_glass: Mapped[bool] = mapped_column(default=False, server_default=false())

    # Flask-Login's user interface.
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    @property
    def actor(self) -> str:
        return f"staff:{self.id}"

    @property
    def label(self) -> str:
        return self.name or self.email


class SignInThrottle(db.Model):
    """Failed sign-ins with one email address, whether or not it has an account (so a wait says
    nothing about which do), named by an HMAC of the address: portal/staff/auth.py makes each
    try after a few failures wait longer. A row is forgotten a day after its last failure."""

    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class StaffSession(db.Model):
    """A signed-in browser. The cookie holds a random id whose hash is stored here: signing
    out deletes the row, so a copied cookie stops working at once."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[StaffUser] = orm.relationship()


class SafeguardingConcern(db.Model):
    """A response that raises a new safeguarding concern, and how it was escalated to the
    safeguarding lead of the organisation involved."""

    __tablename__ = "safeguarding_concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_case.id"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    flagged_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    escalated_to: Mapped[str] = mapped_column(String(200))
    escalated_on: Mapped[date] = mapped_column(Date)
    how: Mapped[str] = mapped_column(Text)

    flagged_by: Mapped[StaffUser] = orm.relationship()
