"""GOV.UK Notify through the real notifications-python-client, against a local stand-in for
Notify's API that checks the JWT and the payloads; retries, permanent failures, crash recovery
and delivery receipts."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from portal import delivery, links
from portal.delivery import worker
from portal.extensions import db
from portal.models import OutboxMessage

from .delivery_support import (
    CALLBACK_TOKEN,
    EMAIL_TEMPLATE,
    FILE_TEMPLATE,
    SMS_TEMPLATE,
    NotifyStub,
    invite,
    notify_settings,
    participant,
)


@pytest.fixture
def notify(app):
    with NotifyStub() as stub:
        app.config.update(notify_settings(stub.url), OUTBOX_BACKOFF_SECONDS=0)
        yield stub
    assert stub.problems == []


def _message():
    db.session.rollback()  # a fresh snapshot (SQLite WAL), and fresh objects
    return db.session.scalars(select(OutboxMessage)).one()


def _queue(channel, **details):
    invitation, token = invite(participant(channel, **details))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    return invitation, token


def test_email_goes_through_the_email_template(notify):
    _invitation, token = _queue("email")
    assert worker.run_once() == {"sent": 1}
    [request] = [r for r in notify.requests if r["method"] == "POST"]
    assert request["path"] == "/v2/notifications/email"
    body = request["body"]
    message = _message()
    assert body["email_address"] == "sam@example.org"
    assert body["template_id"] == EMAIL_TEMPLATE
    assert body["reference"] == message.reference  # our id: no personal data
    assert set(body["personalisation"]) == {"subject", "body"}
    assert links.link_for(token) in body["personalisation"]["body"]
    assert message.status == "sent" and message.provider == "notify"
    assert message.provider_id == notify.notifications[0]["id"]


def test_text_carries_only_the_board_and_the_link(notify):
    _invitation, token = _queue("text")
    worker.run_once()
    [request] = notify.requests
    assert request["path"] == "/v2/notifications/sms"
    assert request["body"]["phone_number"] == "07700900123"
    assert request["body"]["template_id"] == SMS_TEMPLATE
    assert request["body"]["personalisation"] == {
        "body": f"Devon Safeguarding Adults Board would like your views: {links.link_for(token)}\n"
    }


def test_letter_is_a_precompiled_pdf(notify):
    _queue("letter")
    worker.run_once()
    [request] = notify.requests
    assert request["path"] == "/v2/notifications/letter"
    assert set(request["body"]) == {"reference", "content", "postage"}
    assert base64.b64decode(request["body"]["content"]).startswith(b"%PDF")
    assert request["body"]["reference"] == _message().reference


def test_feedback_by_email_sends_the_letter_as_a_file(notify):
    delivery.queue_feedback(participant("email"), "Found.", "Next.", "staff:1")
    db.session.commit()
    worker.run_once()
    [request] = notify.requests
    body = request["body"]
    assert body["template_id"] == FILE_TEMPLATE
    upload = body["personalisation"]["link_to_file"]
    assert base64.b64decode(upload["file"]).startswith(b"%PDF")
    assert upload["filename"] == "letter.pdf" and upload["confirm_email_before_download"] is True


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_rate_limits_are_retried(notify, status):
    notify.responses = [(status, {"errors": [{"error": "Busy"}]})] * 2
    _queue("email")
    assert worker.run_once() == {"retry": 2, "sent": 1}
    posts = [r for r in notify.requests if r["method"] == "POST"]
    gets = [r for r in notify.requests if r["method"] == "GET"]
    assert len(posts) == 3 and len(notify.notifications) == 1
    # Before each retry the worker asked Notify whether the message had in fact arrived.
    assert len(gets) == 2
    message = _message()
    assert message.status == "sent" and message.attempts == 3


def test_other_client_errors_are_permanent_with_the_reason(notify):
    notify.responses = [
        (
            400,
            {
                "errors": [
                    {
                        "error": "BadRequestError",
                        "message": "Can’t send to this recipient using a team-only API key",
                    }
                ],
                "status_code": 400,
            },
        )
    ]
    _queue("email")
    assert worker.run_once() == {"failed": 1}
    message = _message()
    assert (message.status, message.failure) == ("failed", "permanent")
    assert "400" in message.reason and "team-only API key" in message.reason
    assert message.body is None
    assert len(notify.requests) == 1  # never tried again


def test_a_timeout_that_reached_notify_is_not_sent_twice(notify, app, monkeypatch):
    """Notify took the message but the answer never came back: the retry finds it by reference."""
    from notifications_python_client.errors import HTTPError

    from portal.delivery.providers import NotifyProvider

    real_send = NotifyProvider.send

    def accepted_then_timed_out(self, message, pdf):
        real_send(self, message, pdf)
        raise NotifyProvider._failure(HTTPError(None))  # as requests' timeout surfaces

    monkeypatch.setattr(NotifyProvider, "send", accepted_then_timed_out)
    _queue("email")
    worker.claim()
    assert worker.process(_message().id) == "retry"
    monkeypatch.undo()
    assert worker.run_once() == {"sent": 1}
    assert len(notify.notifications) == 1
    assert "not sent again" in _message().reason


class Crash(BaseException):
    pass


def test_crash_between_sending_and_recording(notify, app, monkeypatch):
    _queue("text")

    def die(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(worker, "record_sent", die)
    with pytest.raises(Crash):
        worker.run_once()
    db.session.rollback()
    monkeypatch.undo()
    app.config["OUTBOX_LEASE_SECONDS"] = 0
    assert worker.run_once() == {"sent": 1}
    assert len(notify.notifications) == 1
    message = _message()
    assert message.status == "sent" and message.provider_id == notify.notifications[0]["id"]


def test_a_bad_api_key_is_refused_by_the_stub(app):
    with NotifyStub() as stub:
        settings = notify_settings(stub.url)
        settings["NOTIFY_API_KEY"] = settings["NOTIFY_API_KEY"][:-4] + "0000"
        app.config.update(settings, OUTBOX_BACKOFF_SECONDS=0)
        _queue("email")
        assert worker.run_once() == {"failed": 1}
        assert stub.problems and "bad token" in stub.problems[0]
        assert "403" in _message().reason


# --- Delivery receipts ---------------------------------------------------------------------

RECEIPTS = "/delivery/notify/receipts"


def _receipt(client, reference, status, token=CALLBACK_TOKEN):
    return client.post(
        RECEIPTS,
        json={
            "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
            "reference": reference,
            "to": "sam@example.org",
            "status": status,
            "created_at": "2026-11-26T12:00:00.000000Z",
            "completed_at": "2026-11-26T12:00:05.000000Z",
            "sent_at": "2026-11-26T12:00:01.000000Z",
            "notification_type": "email",
        },
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )


def test_delivered_receipt(notify, client):
    _queue("email")
    worker.run_once()
    reference = _message().reference
    answer = _receipt(client, reference, "delivered")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json == {"result": "ok"}
    message = _message()
    assert message.status == "delivered" and message.delivered_at is not None
    # A late or repeated receipt changes nothing.
    assert _receipt(client, reference, "temporary-failure").status_code == 200
    assert _message().status == "delivered"


@pytest.mark.parametrize(
    "status,failure",
    [
        ("permanent-failure", "permanent"),
        ("temporary-failure", "temporary"),
        ("technical-failure", "temporary"),
    ],
)
def test_failure_receipts(notify, client, status, failure):
    _queue("text")
    worker.run_once()
    assert _receipt(client, _message().reference, status).status_code == 200
    message = _message()
    assert (message.status, message.failure) == ("failed", failure)
    assert status in message.reason


def test_receipts_need_the_token(notify, client):
    _queue("email")
    worker.run_once()
    reference = _message().reference
    assert _receipt(client, reference, "delivered", token=None).status_code == 401
    assert _receipt(client, reference, "delivered", token="wrong" * 10).status_code == 401
    assert _message().status == "sent"


def test_receipts_are_exempt_from_csrf_but_not_from_auth(app, notify):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    assert _receipt(client, "unknown", "delivered").status_code == 200
    assert _receipt(client, "unknown", "delivered", token="x").status_code == 401
