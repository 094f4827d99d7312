"""Logging that never writes a link secret. Request lines name the path, and some paths carry a
secret, so it is cut out before any handler sees the line."""

from __future__ import annotations

import logging
import re

# Paths that carry a secret: adults' links, "stop sharing" links, staff set-up links.
SECRET_PATH = re.compile(r"/(r|w|staff/set-up)/[A-Za-z0-9_-]+")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"/\1/[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", "portal", ""):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
