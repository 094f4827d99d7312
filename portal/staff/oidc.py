"""Single sign-on through the organisation's OpenID Connect provider (such as Microsoft Entra ID).

Authlib's Flask client does the protocol: discovery from OIDC_ISSUER, the authorization code flow
with PKCE (S256), and on the way back the state, then the ID token's signature against the
provider's JWKS, its issuer, expiry and nonce. Two checks it leaves to the caller are made here:
the audience must be our client id (Authlib compares it only through `azp`), and there must be
an ID token at all (without one Authlib checks nothing).

The flow's secrets (PKCE verifier, nonce) are kept server side: Authlib's `cache` holds them
under the state, and the session cookie holds only that state and its expiry. The cache is Redis
when REDIS_URL is set (production requires it, and every worker must see the same flow), else
this process's memory (one development server, or the tests).

The provider never creates an account: a person signs in only to one an administrator made,
found by the provider's subject once linked, else by an email address the provider says it has
verified. Nothing from the tokens is kept beyond the subject, the role and the sign-in itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import ClaimError, JoseError
from sqlalchemy import select

from ..extensions import db
from ..models import StaffUser, utcnow
from ..models.events import record
from . import auth

NAME = "provider"
EXTENSION = "portal_oidc"
# How long the provider may take to answer one request before it counts as down.
TIMEOUT_SECONDS = 10


class MemoryCache:
    """Authlib's cache interface (get, set with a lifetime, delete) in this process's memory."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[float, str]] = {}

    def get(self, key: str) -> str | None:
        expires, value = self.values.get(key, (0.0, None))
        return value if expires > time.monotonic() else None

    def set(self, key: str, value: str, expires_in: float) -> None:
        now = time.monotonic()
        self.values = {k: v for k, v in self.values.items() if v[0] > now}
        self.values[key] = (now + expires_in, value)

    def delete(self, key: str) -> None:
        self.values.pop(key, None)


def init_app(app: Flask) -> None:
    if not app.config.get("OIDC_ISSUER"):
        return
    redis_url = app.config.get("REDIS_URL")
    cache = redis.Redis.from_url(redis_url) if redis_url else MemoryCache()
    oauth = OAuth(app, cache=cache)
    oauth.register(
        NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{app.config['OIDC_ISSUER']}/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "timeout": TIMEOUT_SECONDS,
        },
    )
    app.extensions[EXTENSION] = oauth.create_client(NAME)


def enabled() -> bool:
    return EXTENSION in current_app.extensions


def client():
    return current_app.extensions[EXTENSION]


def callback_url() -> str:
    # From configuration, never the request's Host header: it must match the registration.
    return f"{current_app.config['PUBLIC_BASE_URL']}/staff/sign-in/callback"


def signed_out_url() -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/staff/signed-out"


class ProviderDown(Exception):
    """The provider did not answer, or not with JSON."""


@dataclass(frozen=True)
class Outcome:
    """A user to sign in, or why not: `refused` names a rule (no account, deactivated, ...),
    `failed` a check of the protocol (state, signature, audience, ...)."""

    user: StaffUser | None = None
    refused: str | None = None
    failed: str | None = None


def start():
    """The redirect to the provider's sign-in page."""
    try:
        # Authlib makes the nonce, as it does the state and the PKCE verifier.
        return client().authorize_redirect(callback_url())
    except requests.RequestException as error:
        raise ProviderDown from error


def finish() -> Outcome:
    """Check the provider's answer to the callback, and find whose account it is. Every outcome
    is in the audit log with its reason; never a token."""
    settings = current_app.config
    try:
        token = client().authorize_access_token(
            claims_options={
                "iss": {"essential": True, "value": settings["OIDC_ISSUER"]},
                "aud": {"essential": True, "value": settings["OIDC_CLIENT_ID"]},
            }
        )
    except requests.RequestException as error:
        record("staff_sso_failed", actor="system", detail="provider_unreachable")
        raise ProviderDown from error
    except (AuthlibBaseError, JoseError) as error:
        return failed(reason_for(error))
    claims = token.get("userinfo")
    if not claims:
        return failed("no_id_token")
    return identify(claims)


def reason_for(error: Exception) -> str:
    """What went wrong, in a few words for the audit log: the error's code and, for a claim,
    its name (joserfc's ClaimError). Never a value."""
    reason = getattr(error, "error", None) or type(error).__name__
    if isinstance(error, ClaimError):
        return f"{reason}:{error.claim}"
    return str(reason)


def failed(reason: str) -> Outcome:
    record("staff_sso_failed", actor="system", detail=reason[:200])
    return Outcome(failed=reason)


def refuse(reason: str, user: StaffUser | None = None) -> Outcome:
    record("staff_sso_refused", actor=user.actor if user else "system", detail=reason)
    return Outcome(refused=reason)


def identify(claims: dict) -> Outcome:
    subject = claims["sub"]
    user = db.session.scalar(select(StaffUser).where(StaffUser.oidc_subject == subject))
    if user is None:
        # Entra ID says a verified email with xms_edov (the domain's owner verified it); other
        # providers with email_verified.
        if claims.get("email_verified") is not True and claims.get("xms_edov") is not True:
            return refuse("email_not_verified")
        user = auth.find_user(claims.get("email") or "")
        if user is None:
            return refuse("no_account")
        if user.oidc_subject is not None:
            return refuse("linked_to_another_subject", user)
        if user.active:
            user.oidc_subject = subject
            record("staff_sso_linked", actor=user.actor)
    if not user.active:
        return refuse("deactivated", user)
    role_map = current_app.config["OIDC_ROLE_MAP"]
    if role_map:
        values = claims.get(current_app.config["OIDC_ROLE_CLAIM"]) or []
        if isinstance(values, str):
            values = [values]
        roles = {role_map[value] for value in values if value in role_map}
        if len(roles) != 1:
            return refuse("no_role" if not roles else "several_roles", user)
        role = roles.pop()
        if role != user.role:
            record("staff_role_changed", actor=user.actor, detail=f"{user.role} to {role}")
            user.role = role
    user.last_sign_in_at = utcnow()
    record("staff_signed_in", actor=user.actor, detail="single sign-on")
    return Outcome(user=user)


def sign_out_url() -> str | None:
    """The provider's end-session address, so its own session ends too, or None if it has none
    or cannot be reached. No id_token_hint: no ID token is kept anywhere; client_id with the
    registered post-logout address is what OpenID Connect RP-Initiated Logout asks instead."""
    try:
        return client().create_logout_url(
            post_logout_redirect_uri=signed_out_url(),
            client_id=current_app.config["OIDC_CLIENT_ID"],
        )["url"]
    except (requests.RequestException, RuntimeError):
        return None
