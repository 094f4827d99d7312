"""Delivery: the outbox of emails, texts and letters, its worker, providers and receipts.

Staff code calls the queue_* functions inside the transaction that makes the change; the worker
(`flask --app wsgi outbox run`) sends. See the README's "Delivery" section.
"""

from __future__ import annotations

from flask import Flask

from .outbox import (
    MissingContact,
    cancel_for_invitation,
    cancel_message,
    feedback_channel,
    feedback_letter_html,
    feedback_letter_pdf,
    messages_for_case,
    queue_feedback,
    queue_invitation,
    queue_reminder,
    reminders_due,
)

__all__ = [
    "MissingContact",
    "cancel_for_invitation",
    "cancel_message",
    "feedback_channel",
    "feedback_letter_html",
    "feedback_letter_pdf",
    "init_app",
    "messages_for_case",
    "queue_feedback",
    "queue_invitation",
    "queue_reminder",
    "reminders_due",
]


def init_app(app: Flask) -> None:
    from . import cli, receipts
    from .outbox import install_listeners

    install_listeners()
    app.register_blueprint(receipts.bp)
    cli.init_app(app)
