"""Logging that never writes a link secret, and ties every line to the request it came from.

Request lines name the path, and some paths carry a secret, so it is cut out before any handler
sees the line. Each request gets a short reference: it is in every line the portal logs, in the
`X-Request-Id` response header (which gunicorn's access log and the proxy's log write), and on
the "Sorry, there is a problem" page, so what a person reads out can be found in the logs.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys

from flask import Flask, g, has_request_context

# Paths that carry a secret: adults' links, "stop sharing" links, staff set-up links, and
# agencies' return links (/a/<secret>; the return's own pages, /a/return/..., carry none).
SECRET_PATH = re.compile(r"/(r|w|a|staff/set-up)/(?!return/)[A-Za-z0-9_-]+")
# No 0/O or 1/I, so a person can read the reference out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
HEADER = "X-Request-Id"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"/\1/[redacted]", text)


def request_id() -> str:
    """This request's reference, such as 7KQD-M2XA (made on first use)."""
    if "request_id" not in g:
        # One read of the system's randomness, not one a character: 256 is a multiple of the
        # alphabet's 32 letters, so each byte picks a letter with no bias.
        letters = len(REFERENCE_ALPHABET)
        chars = "".join(REFERENCE_ALPHABET[byte % letters] for byte in secrets.token_bytes(8))
        g.request_id = f"{chars[:4]}-{chars[4:]}"
    return g.request_id


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RequestReference(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() if has_request_context() else "-"
        return True


def install() -> None:
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "portal", ""):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
    portal = logging.getLogger("portal")
    if not any(isinstance(f, RequestReference) for h in portal.handlers for f in h.filters):
        handler = logging.StreamHandler(sys.stderr)
        handler.addFilter(RequestReference())
        handler.setFormatter(logging.Formatter(FORMAT))
        portal.addHandler(handler)
        portal.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    install()

    @app.after_request
    def send_reference(response):
        response.headers[HEADER] = request_id()
        return response

    app.context_processor(lambda: {"request_id": request_id})
