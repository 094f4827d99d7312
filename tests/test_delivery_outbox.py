"""The outbox with the development provider: queueing in the caller's transaction, sending,
clearing content, cancelling, backoff, print batches and configuration."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import delivery, links
from portal.config import ConfigError, delivery_settings
from portal.delivery import print_batch, worker
from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.outbox import DevelopmentMessage

from .delivery_support import invite, participant


def messages():
    db.session.rollback()  # a fresh snapshot (SQLite WAL), and fresh objects
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_queued_with_the_change_and_sent_once(app):
    invitation, token = invite(participant("email"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    [message] = messages()
    assert message.status == "queued" and message.channel == "email"
    assert links.link_for(token) in message.body  # held only until sent

    assert worker.run_once() == {"sent": 1}
    [message] = messages()
    assert message.status == "sent" and message.sent_at and message.attempts == 1
    assert message.provider == "development"
    # The link no longer sits in the outbox.
    assert message.body is None and message.to_address is None and message.letter_html is None
    [stored] = db.session.scalars(select(DevelopmentMessage)).all()
    assert stored.reference == message.reference
    assert stored.to_address == "sam@example.org"
    assert links.link_for(token) in stored.body
    assert stored.subject == "Devon Safeguarding Adults Board would like your views"
    # No case details and no name in an email someone else may read.
    assert "Sam" not in stored.body and "CASE" not in stored.body
    assert worker.run_once() == {}  # nothing sent twice


def test_rolled_back_change_leaves_no_message(app):
    invitation, token = invite(participant("email"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.rollback()
    assert messages() == []


def test_a_text_says_only_that_the_board_would_like_their_views(app):
    invitation, token = invite(participant("text"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    worker.run_once()
    [stored] = db.session.scalars(select(DevelopmentMessage)).all()
    assert stored.body.strip() == (
        f"Devon Safeguarding Adults Board would like your views: {links.link_for(token)}"
    )
    assert stored.to_address == "07700900123"


def test_missing_contact_is_refused_at_queue_time(app):
    invitation, token = invite(participant("email", email=None))
    with pytest.raises(delivery.MissingContact):
        delivery.queue_invitation(invitation, token, actor="staff:1")


def test_revoking_cancels_messages_not_yet_sent(app):
    invitation, token = invite(participant("email"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    links.revoke(invitation, actor="staff:1")
    db.session.commit()
    [message] = messages()
    assert message.status == "cancelled" and "revoked" in message.reason
    assert message.body is None
    assert worker.run_once() == {}


def test_a_sent_message_is_not_cancelled(app):
    invitation, token = invite(participant("email"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    worker.run_once()
    links.revoke(invitation, actor="staff:1")
    db.session.commit()
    assert messages()[0].status == "sent"


def test_backoff_grows_exponentially_with_jitter(app):
    app.config["OUTBOX_BACKOFF_SECONDS"] = 10
    for attempt, expected in ((1, 10), (2, 20), (3, 40), (6, 320)):
        delays = [worker.backoff(attempt) for _ in range(50)]
        assert all(expected * 0.5 <= d <= expected * 1.5 for d in delays)
        assert len(set(delays)) > 1  # jitter
    assert worker.backoff(40) <= 24 * 3600 * 1.5


def test_reminder_carries_a_fresh_code_not_the_link(app):
    invitation, token = invite(participant("email"))
    delivery.queue_reminder(invitation, actor="staff:1")
    db.session.commit()
    [message] = messages()
    assert message.kind == "reminder"
    assert token not in message.body
    assert "https://feedback.example.org/code" in message.body


def test_reminders_due_lists_links_about_to_expire(app):
    from datetime import timedelta

    from portal.models import utcnow

    soon, _ = links.issue(participant("email"), "test", expires_at=utcnow() + timedelta(days=3))
    later, _ = links.issue(participant("email"), "test", expires_at=utcnow() + timedelta(days=20))
    db.session.commit()
    assert delivery.reminders_due() == [soon]
    delivery.queue_reminder(soon, actor="staff:1")
    db.session.commit()
    assert delivery.reminders_due() == []
    assert delivery.reminders_due(days=30) == [later]


def test_feedback_goes_by_preferred_channel(app):
    by_email = participant("email")
    by_text_with_address = participant("text")
    by_letter = participant("letter")
    assert delivery.feedback_channel(by_email) == "email"
    assert delivery.feedback_channel(by_text_with_address) == "letter"
    assert delivery.feedback_channel(by_letter) == "letter"
    with pytest.raises(delivery.MissingContact):
        delivery.feedback_channel(participant("text", address=None, email=None))


def test_feedback_by_email_attaches_the_letter(app):
    person = participant("email")
    delivery.queue_feedback(
        person, "Agencies shared information well.", "We will train staff.", "staff:1"
    )
    db.session.commit()
    assert worker.run_once() == {"sent": 1}
    [stored] = db.session.scalars(select(DevelopmentMessage)).all()
    assert stored.pdf.startswith(b"%PDF") and stored.attachment_name == "letter.pdf"
    assert "Agencies" not in stored.body  # the case is in the attachment only


def test_print_batch_is_one_pdf_of_all_letters_due(app):
    app.config["LETTER_ROUTE"] = "print"
    for _ in range(2):
        invitation, token = invite(participant("letter"))
        delivery.queue_invitation(invitation, token, actor="staff:1")
    delivery.queue_feedback(participant("letter"), "Found.", "Next.", "staff:1")
    db.session.commit()
    assert {m.channel for m in messages()} == {"print"}
    assert worker.run_once() == {}  # the worker leaves print letters to the post room
    pdf, ids = print_batch.make_batch(actor="staff:1")
    db.session.commit()
    assert pdf.startswith(b"%PDF") and len(ids) == 3
    assert {(m.status, m.provider) for m in messages()} == {("sent", "print")}
    assert all(m.letter_html is None for m in messages())
    assert print_batch.make_batch(actor="staff:1") is None


def test_a_print_batch_rolled_back_leaves_letters_queued(app):
    app.config["LETTER_ROUTE"] = "print"
    invitation, token = invite(participant("letter"))
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    assert print_batch.make_batch(actor="staff:1") is not None
    db.session.rollback()  # e.g. the download failed
    assert [m.status for m in messages()] == ["queued"]


def test_development_provider_is_refused_in_production(monkeypatch):
    monkeypatch.setenv("DELIVERY_PROVIDER", "development")
    with pytest.raises(ConfigError):
        delivery_settings(production=True)
    monkeypatch.delenv("DELIVERY_PROVIDER")
    with pytest.raises(ConfigError):
        delivery_settings(production=True)
    monkeypatch.setenv("DELIVERY_PROVIDER", "notify")
    with pytest.raises(ConfigError, match="NOTIFY_API_KEY"):
        delivery_settings(production=True)
    monkeypatch.setenv("DELIVERY_PROVIDER", "smtp")
    monkeypatch.setenv("SMTP_HOST", "relay.example.org")
    monkeypatch.setenv("SMTP_FROM", "noreply@example.org")
    assert delivery_settings(production=True)["DELIVERY_PROVIDER"] == "smtp"
