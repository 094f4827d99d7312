"""Staff sign-in: argon2id passwords, TOTP codes that cannot be replayed, growing waits after
failures, and server-side sessions with an idle and an absolute time limit.

Failures slow an email address down rather than lock it (NCSC's advice): a lock would let
anyone who knows a colleague's address keep them out. After FREE_FAILURES, each try must wait
1, 2, 4, 8, then 15 minutes after the last failure; a try during the wait is refused unchecked,
even with the right details, so guessing goes no faster, and the real person gets in once it
ends. Unknown addresses are counted the same way, so a wait says nothing about which exist.
The wait is a time in the database, never a sleeping worker.

argon2-cffi's PasswordHasher uses argon2id with OWASP-recommended parameters by default and
tells us when a stored hash needs upgrading; pyotp implements RFC 6238 TOTP as authenticator
apps do; segno draws the set-up QR code as SVG with no image library.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, g, session
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import SignInThrottle, StaffSession, StaffUser, utcnow
from ..models.events import record

FREE_FAILURES = 5
LONGEST_WAIT = timedelta(minutes=15)
FORGET_FAILURES_AFTER = timedelta(days=1)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
WARN_BEFORE = timedelta(minutes=2)
SETUP_LINK_LIFETIME = timedelta(days=3)
PASSWORD_MIN = 12
PASSWORD_MAX = 128
SESSION_KEY = "staff_sid"
NOTICE_KEY = "staff_notice"
# Set when the session began through the identity provider, so signing out ends its session too.
SSO_KEY = "staff_sso"

hasher = PasswordHasher()
# Verified against when the email address is unknown, so a wrong address takes as long to
# refuse as a wrong password.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def single_sign_on() -> bool:
    """With an identity provider, only break-glass accounts may sign in with a password."""
    return bool(current_app.config.get("OIDC_ISSUER"))


def totp_required() -> bool:
    return bool(current_app.config.get("STAFF_REQUIRE_TOTP", True))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


# --- Passwords --------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return hasher.hash(password)


def _password_ok(user: StaffUser | None, password: str) -> bool:
    stored = user.password_hash if user is not None else None
    try:
        hasher.verify(stored or _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if stored is None:
        return False
    if hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    return True


# --- TOTP -------------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: StaffUser) -> str:
    issuer = current_app.config["BOARD"].name
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_data_uri(user: StaffUser) -> str:
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(scale=5, border=4)


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step a code belongs to (this one or either neighbour, for clock drift)."""
    code = "".join((code or "").split())
    # ASCII only: "²²²²²²" passes isdigit() and compare_digest() refuses non-ASCII strings.
    if not secret or len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    when = (now or utcnow()).timestamp()
    step = int(when // totp.interval)
    for candidate in (step - 1, step, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def use_code(user: StaffUser, code: str) -> bool:
    """Accept a code once: its time step must be later than the last one used. The conditional
    update makes two simultaneous uses of one code succeed at most once."""
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    done = db.session.execute(
        update(StaffUser)
        .where(
            StaffUser.id == user.id,
            or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["totp_last_step"])
    return done.rowcount == 1


# --- Signing in -------------------------------------------------------------------------------


def find_user(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def wait_after(failures: int) -> timedelta:
    """How long the next try must wait after this many failures in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(minutes=2 ** min(failures - FREE_FAILURES, 4)), LONGEST_WAIT)


def _throttle(email: str, now: datetime) -> SignInThrottle:
    """The address's failure count, locked until the caller commits, so tries at the same
    moment take turns and each sees the failures before it. Named by an HMAC, so the table
    holds no email address (new keys start every count again)."""
    key = current_app.config["SECRET_KEYS"][0]
    name = hmac.new(key.encode(), f"sign-in:{normalise_email(email)}".encode(), hashlib.sha256)
    db.session.execute(
        delete(SignInThrottle).where(SignInThrottle.last_failed_at < now - FORGET_FAILURES_AFTER)
    )
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(SignInThrottle)
        .values(key_hash=name.hexdigest(), failures=0)
        .on_conflict_do_nothing(index_elements=["key_hash"])
    )
    return db.session.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.key_hash == name.hexdigest())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _waiting(throttle: SignInThrottle, now: datetime) -> timedelta | None:
    if throttle.last_failed_at is None:
        return None
    left = throttle.last_failed_at + wait_after(throttle.failures) - now
    return left if left > timedelta(0) else None


@dataclass(frozen=True)
class SignIn:
    """What a try came to: the user if every part was right, or how long to wait, if at all."""

    user: StaffUser | None = None
    wait: timedelta | None = None


def authenticate(email: str, password: str, code: str) -> SignIn:
    """Check a try. On failure the caller shows one message whatever was wrong (or the wait),
    and commits, so the failure counts."""
    now = utcnow()
    throttle = _throttle(email, now)
    wait = _waiting(throttle, now)
    if wait is not None:
        return SignIn(wait=wait)
    user = find_user(email)
    ok = _password_ok(user, password) and user is not None and user.active
    ok = ok and (user.break_glass or not single_sign_on())
    if ok and (user.totp_confirmed or totp_required()):
        ok = user.totp_confirmed and use_code(user, code)
    if not ok:
        throttle.failures += 1
        throttle.last_failed_at = now
        if user is not None:
            record("staff_sign_in_failed", actor=user.actor)
        return SignIn(wait=_waiting(throttle, now))
    db.session.delete(throttle)
    user.last_sign_in_at = now
    record("staff_signed_in", actor=user.actor)
    return SignIn(user=user)


# --- Sessions ---------------------------------------------------------------------------------


def start_session(user: StaffUser, single_sign_on: bool = False) -> None:
    """A fresh Flask session (so a fresh CSRF token) holding only a random session id, and
    whether it began at the identity provider."""
    now = utcnow()
    db.session.execute(
        delete(StaffSession).where(
            or_(
                StaffSession.last_seen_at < now - IDLE_TIMEOUT,
                StaffSession.created_at < now - ABSOLUTE_TIMEOUT,
            )
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(token_hash=sha256(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    session.clear()
    session[SESSION_KEY] = token
    if single_sign_on:
        session[SSO_KEY] = True


def end_session() -> None:
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        db.session.execute(delete(StaffSession).where(StaffSession.token_hash == sha256(token)))
    session.clear()


def end_all_sessions(user: StaffUser) -> None:
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))


def load_signed_in_user() -> StaffUser | None:
    """Flask-Login's request loader: the user of this browser's live session, if any. A session
    past either time limit is deleted, and the sign-in page says why."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == sha256(token)))
    if row is None:
        session.pop(SESSION_KEY, None)
        return None
    now = utcnow()
    reason = None
    if now - row.created_at > ABSOLUTE_TIMEOUT:
        reason = "absolute"
    elif now - row.last_seen_at > IDLE_TIMEOUT:
        reason = "idle"
    user = row.user
    if reason is None and not user.is_active:
        reason = "ended"
    if reason:
        db.session.delete(row)
        db.session.commit()
        session.clear()
        session[NOTICE_KEY] = reason
        return None
    row.last_seen_at = now
    db.session.commit()
    g.staff_session_started = row.created_at
    return user


# --- Set-up links -----------------------------------------------------------------------------


def issue_setup_link(user: StaffUser) -> str:
    """A new one-time set-up link: a fresh TOTP secret, no password, every session ended."""
    token = secrets.token_urlsafe(32)
    user.setup_token_hash = sha256(token)
    user.setup_expires_at = utcnow() + SETUP_LINK_LIFETIME
    user.password_hash = None
    user.totp_secret = new_totp_secret()
    user.totp_confirmed = False
    user.totp_last_step = None
    if user.id is not None:
        end_all_sessions(user)
    return f"{current_app.config['PUBLIC_BASE_URL']}/staff/set-up/{token}"


def find_setup_user(token: str) -> StaffUser | None:
    if not token or len(token) > 100:
        return None
    user = db.session.scalar(select(StaffUser).where(StaffUser.setup_token_hash == sha256(token)))
    if user is None or user.setup_expires_at is None or user.setup_expires_at <= utcnow():
        return None
    return user


def create_user(email: str, role: str, name: str | None = None, actor: str = "cli"):
    """A new account and its set-up link (shown once)."""
    user = StaffUser(email=normalise_email(email), role=role, name=name)
    link = issue_setup_link(user)
    db.session.add(user)
    db.session.flush()
    record("staff_created", actor=actor, detail=user.actor)
    return user, link
