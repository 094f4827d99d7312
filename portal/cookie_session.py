"""The session cookie, signed as Flask signs it, with its signer built once.

Flask builds a new signing serializer for every request, and itsdangerous tests each new one by
serialising an empty dict; on a question page that was a tenth of the page's own work. The keys
cannot change while the app runs (rotation is a restart with SECRET_KEYS), so one serves all.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """One per app (init_app), so one serializer per app."""

    def __init__(self) -> None:
        self._serializer = None

    def get_signing_serializer(self, app: Flask):
        if self._serializer is None:
            self._serializer = super().get_signing_serializer(app)
        return self._serializer


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
