"""Providers: GOV.UK Notify, an SMTP relay, and a development store. Chosen by DELIVERY_PROVIDER.

Each provider sends one message (``send``, returning the provider's id for it) and can say
whether it already holds a message with a given reference (``lookup``), which the worker asks
before sending again after a crash or a timeout. Failures are TemporaryFailure (timeouts, 5xx,
429: tried again later) or PermanentFailure (any other refusal: shown to staff with the reason).
Reasons never include the address, number or content.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from io import BytesIO

from flask import current_app
from notifications_python_client import NotificationsAPIClient, prepare_upload
from notifications_python_client.errors import APIError
from sqlalchemy import insert, select

from ..extensions import db
from ..models import utcnow
from ..models.outbox import DevelopmentMessage, OutboxMessage, SentLog


class DeliveryFailure(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:300]


class TemporaryFailure(DeliveryFailure):
    pass


class PermanentFailure(DeliveryFailure):
    pass


def _log_sent(reference: str, provider: str, provider_id: str | None) -> None:
    """Record at once, in a transaction of its own, that a provider accepted a message."""
    with db.engine.begin() as conn:
        conn.execute(
            insert(SentLog).values(
                reference=reference, provider=provider, provider_id=provider_id, at=utcnow()
            )
        )


def _logged(reference: str) -> str | None:
    with db.engine.connect() as conn:
        row = conn.execute(
            select(SentLog.provider_id).where(SentLog.reference == reference)
        ).first()
    return (row[0] or reference) if row else None


class DevelopmentProvider:
    """Keeps each rendered message in the database for the staff outbox page. Refused in
    production by the configuration."""

    name = "development"

    def send(self, message: OutboxMessage, pdf: bytes | None) -> str:
        if current_app.config["PORTAL_ENV"] == "production":
            raise PermanentFailure("The development provider cannot send in production")
        with db.engine.begin() as conn:
            conn.execute(
                insert(DevelopmentMessage).values(
                    reference=message.reference,
                    channel=message.channel,
                    to_address=message.to_address,
                    subject=message.subject,
                    body=message.body,
                    pdf=pdf,
                    attachment_name=message.attachment_name,
                    at=utcnow(),
                )
            )
        return f"development-{message.reference}"

    def lookup(self, message: OutboxMessage) -> str | None:
        with db.engine.connect() as conn:
            found = conn.execute(
                select(DevelopmentMessage.id).where(
                    DevelopmentMessage.reference == message.reference
                )
            ).first()
        return f"development-{message.reference}" if found else None


class SmtpProvider:
    """Email through a council's own relay. An SMTP server cannot be asked afterwards whether it
    took a message, so the moment it accepts one we write the sent log (its own transaction),
    which ``lookup`` reads. Each message carries a Message-ID made from its reference: if the
    worker dies in the instant between the relay's acceptance and the sent log, the message is
    sent again with the same Message-ID, which mail systems use to drop the duplicate."""

    name = "smtp"

    def __init__(self, config):
        self.config = config

    def message_id(self, message: OutboxMessage) -> str:
        sender = self.config["SMTP_FROM"] or "portal@localhost"
        domain = sender.rsplit("@", 1)[-1].strip(">").strip() or "localhost"
        return f"<{message.reference}@{domain}>"

    def build(self, message: OutboxMessage, pdf: bytes | None) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.config["SMTP_FROM"]
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = self.message_id(message)
        email["Auto-Submitted"] = "auto-generated"
        email.set_content(message.body)
        if pdf is not None:
            email.add_attachment(
                pdf, maintype="application", subtype="pdf", filename=message.attachment_name
            )
        return email

    def send(self, message: OutboxMessage, pdf: bytes | None) -> str:
        if message.channel != "email":
            raise PermanentFailure(f"The mail relay cannot send a {message.channel}")
        config = self.config
        email = self.build(message, pdf)
        try:
            with smtplib.SMTP(
                config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]
            ) as smtp:
                if config["SMTP_STARTTLS"]:
                    smtp.starttls(context=ssl.create_default_context())
                if config["SMTP_USERNAME"]:
                    smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(
                    f"The mail server refused the address ({codes[0]})"
                ) from None
            raise TemporaryFailure(f"The mail server deferred the address ({codes})") from None
        except smtplib.SMTPDataError as error:
            if error.smtp_code >= 500:
                raise PermanentFailure(
                    f"The mail server refused the message ({error.smtp_code})"
                ) from None
            raise TemporaryFailure(
                f"The mail server deferred the message ({error.smtp_code})"
            ) from None
        except smtplib.SMTPResponseException as error:
            # Authentication, sender or TLS problems: the relay's settings, not this message.
            raise TemporaryFailure(f"The mail server answered {error.smtp_code}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(
                f"Could not reach the mail server ({type(error).__name__})"
            ) from None
        message_id = self.message_id(message)
        _log_sent(message.reference, self.name, message_id)
        return message_id

    def lookup(self, message: OutboxMessage) -> str | None:
        return _logged(message.reference)


class NotifyProvider:
    """GOV.UK Notify: emails and texts through templates that hold only placeholders, letters as
    precompiled PDFs. Our reference goes with every message, so after a crash we can ask Notify
    whether it already has it."""

    name = "notify"

    def __init__(self, config):
        self.config = config
        self.client = NotificationsAPIClient(
            config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"], timeout=30
        )

    @staticmethod
    def _failure(error: APIError) -> DeliveryFailure:
        status = error.status_code
        if status == 429 or status >= 500:
            return TemporaryFailure(f"GOV.UK Notify answered {status}; trying again")
        detail = ""
        try:
            errors = error.response.json().get("errors") or []
            # Notify's error names and messages describe the field, not its value.
            detail = "; ".join(f"{e.get('error')}: {e.get('message')}" for e in errors)[:200]
        except (AttributeError, ValueError):
            pass
        return PermanentFailure(f"GOV.UK Notify refused the message ({status}) {detail}".strip())

    def send(self, message: OutboxMessage, pdf: bytes | None) -> str:
        config, reference = self.config, message.reference
        try:
            if message.channel == "email":
                personalisation = {"subject": message.subject, "body": message.body}
                template = config["NOTIFY_EMAIL_TEMPLATE_ID"]
                if pdf is not None:
                    # Notify emails carry a file as a link to download it; the person must type
                    # their email address first, so a forwarded email does not open the letter.
                    personalisation["link_to_file"] = prepare_upload(
                        BytesIO(pdf),
                        filename=message.attachment_name,
                        confirm_email_before_download=True,
                    )
                    template = config["NOTIFY_EMAIL_FILE_TEMPLATE_ID"]
                result = self.client.send_email_notification(
                    message.to_address, template, personalisation, reference=reference
                )
            elif message.channel == "text":
                result = self.client.send_sms_notification(
                    message.to_address,
                    config["NOTIFY_SMS_TEMPLATE_ID"],
                    {"body": message.body},
                    reference=reference,
                )
            elif message.channel == "letter":
                result = self.client.send_precompiled_letter_notification(
                    reference, BytesIO(pdf), postage=config["NOTIFY_LETTER_POSTAGE"]
                )
            else:
                raise PermanentFailure(f"GOV.UK Notify cannot send a {message.channel}")
        except APIError as error:
            raise self._failure(error) from None
        return result["id"]

    def lookup(self, message: OutboxMessage) -> str | None:
        try:
            found = self.client.get_all_notifications(reference=message.reference)
        except APIError as error:
            # Not knowing is not "no": never send blind.
            raise TemporaryFailure(
                f"Could not check GOV.UK Notify for the message ({error.status_code})"
            ) from None
        notifications = found.get("notifications") or []
        return notifications[0]["id"] if notifications else None


def provider_for(channel: str):
    config = current_app.config
    name = config["DELIVERY_PROVIDER"]
    if name == "smtp" and channel != "email" and config["NOTIFY_API_KEY"]:
        name = "notify"  # texts and letters need Notify even when email goes by the relay
    if channel == "letter" and config["NOTIFY_API_KEY"] and name != "development":
        name = "notify"
    if name == "development":
        return DevelopmentProvider()
    if name == "smtp":
        return SmtpProvider(config)
    return NotifyProvider(config)
