"""Security headers, set in one place for every response; per-request CSP nonce and CSRF token."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

STATIC_PREFIXES = ("/static/",)
REFERRER_POLICY = "same-origin"


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def csrf_token() -> str:
    """Flask-WTF's signed CSRF token (as generate_csrf makes it, and CSRFProtect checks it),
    from one serializer per app: generate_csrf builds and tests a new one on every call, which
    cost a cached question page more than filling it in."""
    if "csrf_token" not in session:
        return generate_csrf()  # it makes the session's token first
    if "csrf_token" not in g:
        signer = current_app.extensions.get("csrf_signer")
        if signer is None:
            signer = current_app.extensions["csrf_signer"] = URLSafeTimedSerializer(
                current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key,
                salt="wtf-csrf-token",
            )
        g.csrf_token = signer.dumps(session["csrf_token"])
    return g.csrf_token


def content_security_policy(nonce: str, sign_in_origin: str | None = None) -> str:
    """sign_in_origin: the identity provider's, when staff sign in through one: Chromium
    applies form-action to where a form's response redirects, and the sign-in and sign-out
    buttons redirect there."""
    form_action = f"'self' {sign_in_origin}" if sign_in_origin else "'self'"
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action {form_action}",
            "frame-ancestors 'none'",
        )
    )


def set_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(
        csp_nonce(), current_app.config.get("OIDC_ORIGIN")
    )
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    # Same origin only: Flask-WTF refuses an HTTPS form post without a same-origin Referer
    # (WTF_CSRF_SSL_STRICT), so "no-referrer" broke every form in production. "same-origin"
    # never sends a path (which may hold a link secret) to another site.
    headers["Referrer-Policy"] = REFERRER_POLICY
    headers["Permissions-Policy"] = (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
    )
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not request.path.startswith(STATIC_PREFIXES):
        # Pages may hold personal data: never keep them in any cache, nor in the back button.
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    if current_app.config["HSTS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_headers)
    app.context_processor(lambda: {"cspNonce": csp_nonce()})
