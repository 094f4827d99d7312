"""Shared set-up for the delivery tests: a case with a participant, an app configured for a
provider, and local servers standing in for GOV.UK Notify."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt

from portal import links
from portal.extensions import db
from portal.models import AuditCase, Participant

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"portal_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "11111111-1111-1111-1111-111111111111"
FILE_TEMPLATE = "22222222-2222-2222-2222-222222222222"
SMS_TEMPLATE = "33333333-3333-3333-3333-333333333333"
CALLBACK_TOKEN = "a-callback-token-of-at-least-32-characters"


def participant(channel="email", reference=None, **details) -> Participant:
    case = AuditCase(reference=reference or f"CASE-{uuid.uuid4().hex[:6]}")
    db.session.add(case)
    db.session.flush()
    values = {
        "role": "adult",
        "name": "Sam Example",
        "channel": channel,
        "email": "sam@example.org",
        "phone": "07700900123",
        "address": "1 High Street\nExeter\nEX1 1AA",
    }
    values.update(details)
    person = Participant(case_id=case.id, **values)
    db.session.add(person)
    db.session.flush()
    return person


def invite(person: Participant):
    invitation, token = links.issue(person, actor="test")
    return invitation, token


def configure(app, **settings):
    app.config.update(settings)


def notify_settings(base_url: str) -> dict:
    return {
        "DELIVERY_PROVIDER": "notify",
        "LETTER_ROUTE": "notify",
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": base_url,
        "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "NOTIFY_EMAIL_FILE_TEMPLATE_ID": FILE_TEMPLATE,
        "NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
        "NOTIFY_CALLBACK_TOKEN": CALLBACK_TOKEN,
    }


class NotifyStub:
    """A local stand-in for the GOV.UK Notify API (v2), enough for the client we use. It checks
    each request's JWT as Notify does (HS256, signed with the key's secret, iss = service id, iat
    within 30 s) and each payload's shape, and keeps the notifications it accepted.

    ``responses`` is a list of (status, body) to answer the next POSTs with, before accepting."""

    def __init__(self):
        self.requests: list[dict] = []
        self.notifications: list[dict] = []
        self.responses: list[tuple[int, dict]] = []
        self.problems: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Bearer "):
                    stub.problems.append("no bearer token")
                    return False
                try:
                    claims = jwt.decode(
                        header[7:],
                        SECRET,
                        algorithms=["HS256"],
                        options={"require": ["iss", "iat"]},
                    )
                except jwt.InvalidTokenError as error:
                    stub.problems.append(f"bad token: {error}")
                    return False
                if claims["iss"] != SERVICE_ID:
                    stub.problems.append("wrong iss")
                    return False
                import time

                if abs(time.time() - claims["iat"]) > 30:
                    stub.problems.append("iat out of bounds")
                    return False
                return True

            def do_GET(self):
                if not self._authorised():
                    return self._reply(403, {"errors": [{"error": "AuthError"}]})
                parts = urlsplit(self.path)
                if parts.path != "/v2/notifications":
                    return self._reply(404, {})
                reference = parse_qs(parts.query).get("reference", [None])[0]
                found = [n for n in stub.notifications if n["reference"] == reference]
                stub.requests.append({"method": "GET", "path": parts.path, "reference": reference})
                self._reply(200, {"notifications": found, "links": {"current": self.path}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self._authorised():
                    return self._reply(403, {"errors": [{"error": "AuthError"}]})
                stub.requests.append({"method": "POST", "path": self.path, "body": body})
                if stub.responses:
                    status, answer = stub.responses.pop(0)
                    return self._reply(status, answer)
                problem = stub.check_shape(self.path, body)
                if problem:
                    stub.problems.append(problem)
                    return self._reply(
                        400, {"errors": [{"error": "ValidationError", "message": problem}]}
                    )
                notification = {
                    "id": str(uuid.uuid4()),
                    "reference": body.get("reference"),
                    "type": self.path.rsplit("/", 1)[-1],
                    "body": body,
                }
                stub.notifications.append(notification)
                self._reply(201, {"id": notification["id"], "reference": body.get("reference")})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def check_shape(path: str, body: dict) -> str | None:
        """The payloads of Notify's API v2, as documented."""
        if path == "/v2/notifications/email":
            if set(body) - {
                "email_address",
                "template_id",
                "personalisation",
                "reference",
                "email_reply_to_id",
                "one_click_unsubscribe_url",
            }:
                return "unexpected email field"
            if "@" not in body.get("email_address", "") or not body.get("template_id"):
                return "email_address and template_id are required"
        elif path == "/v2/notifications/sms":
            if not body.get("phone_number") or not body.get("template_id"):
                return "phone_number and template_id are required"
        elif path == "/v2/notifications/letter":
            if "content" in body:  # precompiled
                if not body.get("reference"):
                    return "reference is required for a precompiled letter"
                pdf = base64.b64decode(body["content"])
                if not pdf.startswith(b"%PDF"):
                    return "content is not a PDF"
                if body.get("postage", "second") not in ("first", "second", "economy"):
                    return "bad postage"
            elif not body.get("template_id"):
                return "template_id is required"
        else:
            return "unknown endpoint"
        personalisation = body.get("personalisation")
        if personalisation is not None and not isinstance(personalisation, dict):
            return "personalisation must be an object"
        return None

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
