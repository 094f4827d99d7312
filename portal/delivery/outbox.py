"""Queueing messages, in the caller's transaction (cancelling them: models/outbox.py).

Staff code calls these inside the transaction that makes the change (issuing an invitation,
queueing feedback) and commits once: the message exists if and only if the change does.
Messages carry no case details: someone else may read the adult's phone or inbox.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_date
from sqlalchemy import select

from .. import letters, links
from ..extensions import db
from ..locale import babel_locale
from ..models import Invitation, Participant, ReturnRequest, utcnow
from ..models.events import record
from ..models.outbox import FINAL, OutboxMessage
from ..questionnaire import CONSENT, CONSENT_STATEMENTS, EASY_READ, STANDARD
from ..wording import board_names, translated
from . import codes


class MissingContact(ValueError):
    """The participant has no address for the channel the message needs."""


@dataclass
class Rendered:
    subject: str | None = None
    body: str | None = None
    letter_html: str | None = None


def words(text, fmt: str = STANDARD) -> str:
    """The questionnaire's wording for ``text`` in a format, outside any request."""
    text = text.get(fmt) if hasattr(text, "get") else text
    value = translated(text)
    return value % board_names() if "%(" in value else value


def code_page_url() -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/code"


def render(template: str, **context) -> str:
    """A letter template, rendered without the request's context processors: letters and
    messages are made in staff requests, on the command line and in tests alike."""
    context.setdefault("board", current_app.config["BOARD"])
    return current_app.jinja_env.get_template(template).render(context)


def _message_parts(template: str, **context) -> Rendered:
    """A messages/ template sets ``subject``; the rest of its output is the body."""
    tpl = current_app.jinja_env.get_template(template)
    context.setdefault("board", current_app.config["BOARD"])
    module = tpl.make_module(context)
    body = "\n".join(line.rstrip() for line in str(module).strip().splitlines())
    return Rendered(subject=getattr(module, "subject", None), body=body + "\n")


def _route(channel: str) -> str:
    if channel == "letter" and current_app.config["LETTER_ROUTE"] == "print":
        return "print"
    return channel


def _address_for(participant: Participant, channel: str) -> str:
    value = {"email": participant.email, "text": participant.phone}.get(
        channel, participant.address
    )
    if not value or not value.strip():
        raise MissingContact(f"No {'postal address' if channel == 'letter' else channel} recorded")
    return value.strip()


def _greeting_name(participant: Participant) -> str | None:
    return participant.known_as or participant.name


def _letter_context(participant: Participant, language: str, fmt: str, **extra) -> dict:
    return {
        "board": current_app.config["BOARD"],
        "participant": participant,
        "name": _greeting_name(participant),
        "address_lines": [
            line.strip() for line in (participant.address or "").splitlines() if line.strip()
        ],
        "date": format_date(utcnow().date(), "long"),
        "language": language,
        "fmt": fmt,
        "easy_read": fmt == EASY_READ,
        **extra,
    }


def _consent_form(fmt: str) -> dict:
    """Appendix 4 as printed: the consent statements and the form's fields, from the one
    definition the online form uses."""
    return {
        "agree": words(CONSENT.field("decision").option("agree").text, fmt),
        "decline": words(CONSENT.field("decision").option("decline").text, fmt),
        "statements": [words(s, fmt) for s in CONSENT_STATEMENTS],
        "fields": [
            words(CONSENT.field(f).label, fmt)
            for f in ("subject_name", "completed_by", "signature")
        ],
        "relationship": words(CONSENT.field("relationship").label, fmt),
        "restrictions": words(CONSENT.field("restrictions").label, fmt),
        "comments": words(CONSENT.field("comments").label, fmt),
    }


def _add(
    kind: str,
    channel: str,
    participant: Participant,
    rendered: Rendered,
    actor: str,
    invitation: Invitation | None = None,
    language: str = "en",
    fmt: str = STANDARD,
    attachment_name: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        reference=str(uuid.uuid4()),
        kind=kind,
        channel=_route(channel),
        case_id=participant.case_id,
        participant_id=participant.id,
        invitation_id=invitation.id if invitation else None,
        language=language,
        format=fmt,
        status="queued",
        next_attempt_at=not_before or utcnow(),
        created_by=actor,
        to_address=_address_for(participant, channel),
        subject=rendered.subject,
        body=rendered.body,
        letter_html=rendered.letter_html,
        attachment_name=attachment_name,
    )
    db.session.add(message)
    db.session.flush()
    record(
        f"{kind}_queued",
        actor=actor,
        case_id=participant.case_id,
        invitation_id=invitation.id if invitation else None,
        detail=f"message {message.id} by {message.channel}",
    )
    return message


def _invitation_message(kind: str, invitation: Invitation, actor: str, link: str | None):
    """The invitation (with its link) or a reminder (with a fresh code: the link itself was
    never stored), by the participant's channel."""
    participant = invitation.participant
    channel, fmt, language = participant.channel, invitation.format, invitation.language
    with force_locale(babel_locale(language)):
        context = {
            "link": link,
            "code_page": code_page_url(),
            "expires": format_date(invitation.expires_at.date(), "long"),
            "easy_read": fmt == EASY_READ,
        }
        if channel == "letter":
            code = codes.issue(invitation)
            target = link or code_page_url()
            html = render(
                f"letters/{kind}.html",
                **_letter_context(
                    participant,
                    language,
                    fmt,
                    code=code,
                    qr=letters.qr_data_uri(target),
                    form=_consent_form(fmt),
                    **context,
                ),
            )
            rendered = Rendered(letter_html=html)
        else:
            if kind == "reminder":
                context["code"] = codes.issue(invitation)
            rendered = _message_parts(f"messages/{kind}_{channel}.txt", **context)
    return _add(
        kind,
        channel,
        participant,
        rendered,
        actor,
        invitation=invitation,
        language=language,
        fmt=fmt,
    )


def queue_invitation(invitation: Invitation, token: str, actor: str) -> OutboxMessage:
    """Queue the invitation with its one-time link, in the caller's transaction. Call it right
    after links.issue(), while the secret is still in hand."""
    return _invitation_message("invitation", invitation, actor, links.link_for(token))


def queue_reminder(invitation: Invitation, actor: str) -> OutboxMessage:
    """A reminder before the link expires, with a fresh short code for the 'Enter your code'
    page. Refused for links that no longer work or whose answers are already in."""
    if not invitation.usable(utcnow()):
        raise ValueError("This link has expired or been revoked: issue a new one instead")
    if invitation.response is not None and invitation.response.status == "submitted":
        raise ValueError("Their answers are already in")
    return _invitation_message("reminder", invitation, actor, None)


def reminders_due(days: int | None = None) -> list[Invitation]:
    """Live invitations expiring within ``days`` (REMINDER_DAYS_BEFORE_EXPIRY) whose answers are
    not in, and that have no reminder yet: the list staff choose reminders from."""
    days = current_app.config["REMINDER_DAYS_BEFORE_EXPIRY"] if days is None else days

    now = utcnow()
    reminded = select(OutboxMessage.invitation_id).where(
        OutboxMessage.kind == "reminder", OutboxMessage.invitation_id.is_not(None)
    )
    candidates = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
            Invitation.expires_at <= now + timedelta(days=days),
            Invitation.id.not_in(reminded),
        )
        .order_by(Invitation.expires_at)
    ).all()
    return [i for i in candidates if i.response is None or i.response.status != "submitted"]


# --- Organisations' returns ----------------------------------------------------------------


def queue_return_email(
    return_request: ReturnRequest, actor: str, link: str | None = None
) -> OutboxMessage:
    """Queue the email asking an organisation's contact for a return, with its one-time link
    (kind "return_request"), or, without a link, the reminder to use the one already sent
    (kind "return_reminder"), in the caller's transaction. English only; it names only the
    board, never the case."""
    kind = "return_request" if link else "return_reminder"
    with force_locale(babel_locale("en")):
        rendered = _message_parts(
            f"messages/{kind}_email.txt",
            link=link,
            expires=format_date(return_request.expires_at.date(), "long"),
        )
    message = OutboxMessage(
        reference=str(uuid.uuid4()),
        kind=kind,
        channel="email",
        case_id=return_request.case_id,
        participant_id=None,
        return_request_id=return_request.id,
        language="en",
        format=STANDARD,
        status="queued",
        next_attempt_at=utcnow(),
        created_by=actor,
        to_address=return_request.contact_email,
        subject=rendered.subject,
        body=rendered.body,
    )
    db.session.add(message)
    db.session.flush()
    record(
        f"{kind}_queued",
        actor=actor,
        case_id=return_request.case_id,
        return_request_id=return_request.id,
        detail=f"message {message.id} by email",
    )
    return message


# --- The feedback letter, after the audit ------------------------------------------------------


def feedback_channel(participant: Participant) -> str:
    """Email (the letter attached) or post; someone who asked for texts gets it by post, or by
    email when there is no postal address, since a letter does not fit in a text."""
    if participant.channel == "email" and participant.email:
        return "email"
    if participant.address:
        return "letter"
    if participant.email:
        return "email"
    raise MissingContact("No email or postal address recorded for the feedback letter")


def feedback_letter_html(
    participant: Participant,
    findings: str,
    next_steps: str,
    fmt: str | None = None,
    language: str | None = None,
) -> str:
    """The feedback letter as HTML, in the participant's format and language unless given."""
    fmt = fmt or participant.format or STANDARD
    language = language or participant.language or "en"
    with force_locale(babel_locale(language)):
        return render(
            "letters/feedback.html",
            **_letter_context(
                participant,
                language,
                fmt,
                findings=[p.strip() for p in findings.split("\n\n") if p.strip()],
                next_steps=[p.strip() for p in next_steps.split("\n\n") if p.strip()],
            ),
        )


def feedback_letter_pdf(
    participant: Participant, findings: str, next_steps: str, **kwargs
) -> bytes:
    """The preview staff see before queueing: exactly what will be sent."""
    return letters.render_pdf(feedback_letter_html(participant, findings, next_steps, **kwargs))


def queue_feedback(
    participant: Participant, findings: str, next_steps: str, actor: str
) -> OutboxMessage:
    """Queue the post-audit feedback letter by the participant's preferred channel."""
    if not findings.strip() or not next_steps.strip():
        raise ValueError("Write what was found and what will happen next")
    channel = feedback_channel(participant)
    fmt, language = participant.format or STANDARD, participant.language or "en"
    html = feedback_letter_html(participant, findings, next_steps, fmt, language)
    rendered = Rendered(letter_html=html)
    if channel == "email":
        with force_locale(babel_locale(language)):
            parts = _message_parts("messages/feedback_email.txt", easy_read=fmt == EASY_READ)
        rendered.subject, rendered.body = parts.subject, parts.body
    return _add(
        "feedback",
        channel,
        participant,
        rendered,
        actor,
        language=language,
        fmt=fmt,
        attachment_name="letter.pdf" if channel == "email" else None,
    )


def messages_for_case(case_id: int) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == case_id).order_by(OutboxMessage.id)
    ).all()


__all__ = [
    "FINAL",
    "MissingContact",
    "feedback_letter_html",
    "feedback_letter_pdf",
    "queue_feedback",
    "queue_invitation",
    "queue_reminder",
    "queue_return_email",
    "reminders_due",
]
