"""The session cookie, signed as Flask signs it, with its signer built once.

Flask builds a new signing serializer for every request, and itsdangerous tests each new one by
serialising an empty dict; on a question page that was a tenth of the page's own work. The keys
cannot change while the app runs (rotation is a restart with SECRET_KEYS), so one serves all.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[int, object] = {}

    def get_signing_serializer(self, app: Flask):
        serializer = self._serializers.get(id(app))
        if serializer is None:
            serializer = self._serializers[id(app)] = super().get_signing_serializer(app)
        return serializer


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
