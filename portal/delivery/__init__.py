"""Delivery: the outbox of emails, texts and letters, its worker, providers and receipts.

Staff code calls the queue_* functions inside the transaction that makes the change; the worker
(`flask --app wsgi outbox run`) sends. See the README's "Delivery" section.
"""

from __future__ import annotations

from flask import Flask

from ..models.outbox import (
    CONSENT_WITHDRAWN,
    LINK_REVOKED,
    cancel_for_invitation,
    cancel_for_return,
    cancel_message,
)
from .outbox import (
    MissingContact,
    feedback_channel,
    feedback_letter_html,
    feedback_letter_pdf,
    messages_for_case,
    queue_feedback,
    queue_invitation,
    queue_reminder,
    queue_return_email,
    reminders_due,
)

__all__ = [
    "CONSENT_WITHDRAWN",
    "LINK_REVOKED",
    "MissingContact",
    "cancel_for_invitation",
    "cancel_for_return",
    "cancel_message",
    "feedback_channel",
    "feedback_letter_html",
    "feedback_letter_pdf",
    "init_app",
    "messages_for_case",
    "queue_feedback",
    "queue_invitation",
    "queue_reminder",
    "queue_return_email",
    "reminders_due",
]


def init_app(app: Flask) -> None:
    from . import cli, receipts

    app.register_blueprint(receipts.bp)
    cli.init_app(app)
