"""Security headers, set in one place for every response, and the per-request CSP nonce."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request

STATIC_PREFIXES = ("/static/", "/assets/")


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
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
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def set_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
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
