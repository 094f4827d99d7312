"""Email through a real SMTP server (aiosmtpd on 127.0.0.1): recipients, headers, body and
attachment; refusals; and a worker that dies between sending and recording."""

from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message  # noqa: F401 - documents the handler interface
from sqlalchemy import select

from portal import delivery, links
from portal.delivery import worker
from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.outbox import SentLog

from .delivery_support import invite, participant


class Recorder:
    def __init__(self):
        self.received = []
        self.refuse = {}  # address -> SMTP reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.content, policy=policy.default),
            )
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(
        DELIVERY_PROVIDER="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_STARTTLS=False,
        SMTP_FROM="Safeguarding Adults Board <noreply@board.example.org>",
        SMTP_TIMEOUT=5,
        OUTBOX_BACKOFF_SECONDS=0,
    )
    yield recorder
    controller.stop()


def _message():
    db.session.rollback()  # a fresh snapshot (SQLite WAL), and fresh objects
    return db.session.scalars(select(OutboxMessage)).one()


def test_invitation_email_reaches_the_relay(smtp):
    invitation, token = invite(participant("email", email="sam@example.org"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    assert worker.run_once() == {"sent": 1}
    [(sender, recipients, mail)] = smtp.received
    assert sender == "noreply@board.example.org"
    assert recipients == ["sam@example.org"]
    assert mail["To"] == "sam@example.org"
    assert mail["From"] == "Safeguarding Adults Board <noreply@board.example.org>"
    assert mail["Subject"] == "Devon Safeguarding Adults Board would like your views"
    message = _message()
    assert mail["Message-ID"] == f"<{message.reference}@board.example.org>"
    assert mail["Auto-Submitted"] == "auto-generated"
    body = mail.get_body(("plain",)).get_content()
    assert links.link_for(token) in body
    assert message.status == "sent" and message.provider_id == mail["Message-ID"]


def test_feedback_letter_is_attached_as_a_pdf(smtp):
    person = participant("email")
    delivery.queue_feedback(
        person, "People listened to you.", "We will check again in a year.", "staff:1"
    )
    db.session.commit()
    worker.run_once()
    [(_sender, _recipients, mail)] = smtp.received
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "letter.pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF")
    import io

    import pypdf

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "People listened to you." in text and "We will check again in a year." in text
    assert "People listened" not in mail.get_body(("plain",)).get_content()


def test_a_refused_address_is_a_permanent_failure(smtp):
    smtp.refuse["nobody@example.org"] = "550 5.1.1 No such user"
    invitation, token = invite(participant("email", email="nobody@example.org"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    assert worker.run_once() == {"failed": 1}
    message = _message()
    assert (message.status, message.failure) == ("failed", "permanent")
    assert "550" in message.reason and "nobody" not in message.reason
    assert message.body is None


def test_a_deferred_address_is_tried_again(smtp):
    smtp.refuse["busy@example.org"] = "451 4.3.0 Try later"
    invitation, token = invite(participant("email", email="busy@example.org"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    worker.claim()
    assert worker.process(_message().id) == "retry"
    message = _message()
    assert (message.status, message.failure) == ("queued", "temporary")
    del smtp.refuse["busy@example.org"]
    assert worker.run_once() == {"sent": 1}
    assert len(smtp.received) == 1


def test_an_unreachable_relay_is_retried_then_given_up(smtp, app):
    app.config.update(SMTP_PORT=1, OUTBOX_MAX_ATTEMPTS=3)
    invitation, token = invite(participant("email"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    assert worker.run_once() == {"retry": 3}
    message = _message()
    assert (message.status, message.failure, message.attempts) == ("failed", "temporary", 3)
    assert message.reason.startswith("Gave up after 3 tries")


class Crash(BaseException):
    """The worker dying between the provider accepting a message and our recording it."""


def test_crash_between_sending_and_recording_neither_loses_nor_repeats(smtp, app, monkeypatch):
    invitation, token = invite(participant("email"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()

    def die(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(worker, "record_sent", die)
    with pytest.raises(Crash):
        worker.run_once()
    db.session.rollback()
    monkeypatch.undo()
    assert len(smtp.received) == 1
    assert _message().status == "sending"  # the worker died holding it

    # Another worker before the lease runs out leaves it alone...
    assert worker.run_once() == {}
    # ...and after it, finds it in the sent log and records it without sending again.
    app.config["OUTBOX_LEASE_SECONDS"] = 0
    assert worker.run_once() == {"sent": 1}
    assert len(smtp.received) == 1
    message = _message()
    assert message.status == "sent" and "not sent again" in message.reason
    assert db.session.scalars(select(SentLog)).one().reference == message.reference


def test_crash_before_sending_sends_after_the_lease(smtp, app, monkeypatch):
    invitation, token = invite(participant("email"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    worker.claim()  # then the worker dies before sending
    app.config["OUTBOX_LEASE_SECONDS"] = 0
    assert worker.run_once() == {"sent": 1}
    assert len(smtp.received) == 1
