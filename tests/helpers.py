"""Shared steps for journey tests."""

from __future__ import annotations

from urllib.parse import urlsplit

from portal.extensions import db
from portal.models import Invitation, Response
from portal.services.cases import create_case
from portal.services.invitations import invite

# What production needs set, and nothing more: tests of the production configuration start here.
PRODUCTION_ENV = {
    "PORTAL_ENV": "production",
    "SECRET_KEYS": "kH3vQ9-xT2mLz8RfWc5YbN1oPd7GsJ4uEa6iVq0hKyB",
    "PUBLIC_BASE_URL": "https://feedback.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "PROXY_HOPS": "1",
    "DELIVERY_PROVIDER": "smtp",
    "SMTP_HOST": "smtp.example.org",
    "SMTP_FROM": "noreply@example.org",
}

CONSENT_AGREE = {
    "decision": "agree",
    "subject_name": "Sam Example",
    "completed_by": "Sam Example",
    "signature": "Sam Example",
    "declaration": "y",
}


def new_link(reference: str = "CASE-1", recipient: str = "adult") -> str:
    """A fresh invitation's path, /r/<secret>."""
    from sqlalchemy import select

    from portal.models import AuditCase

    case = db.session.scalar(select(AuditCase).where(AuditCase.reference == reference))
    case = case or create_case(reference)
    link = invite(case, recipient, name="Sam Example")
    db.session.commit()
    return urlsplit(link).path


def begin(client, path: str):
    response = client.submit(path)
    assert response.status_code == 302, response.status_code
    return response


def answer_questions(client, answers: dict[str, dict] | None = None) -> None:
    """Answer the twelve questions: the given answers, or skip the rest."""
    answers = answers or {}
    for number in range(1, 13):
        qid = f"q{number}"
        response = client.submit(f"/feedback/{qid}", answers.get(qid, {}))
        assert response.status_code == 302, (qid, response.status_code)


def full_journey(client, path: str, answers: dict | None = None, contact: dict | None = None):
    begin(client, path)
    assert client.submit("/feedback/who", {"respondent": "adult"}).status_code == 302
    assert client.submit("/feedback/consent", CONSENT_AGREE).status_code == 302
    answer_questions(client, answers)
    assert client.submit("/feedback/contact", contact or {}).status_code == 302
    return client.submit("/feedback/check")


def response_for(path: str) -> Response | None:
    from sqlalchemy import select

    from portal.links import hash_token

    token = path.rsplit("/", 1)[1]
    db.session.commit()  # end the test's read snapshot, as a new request would
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    return invitation.response


def queue_invitation_email(path: str) -> int:
    """Queue the link's invitation by email, as staff do when inviting, and leave it unsent:
    the message's id."""
    from sqlalchemy import select

    from portal.delivery import queue_invitation
    from portal.links import hash_token

    token = path.rsplit("/", 1)[1]
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    invitation.participant.channel, invitation.participant.email = "email", "sam@example.org"
    message = queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    return message.id


def message_status(message_id: int) -> tuple[str, str | None]:
    """A message's status and reason, as the database has them now."""
    from portal.models import OutboxMessage

    db.session.commit()  # a fresh snapshot
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    return message.status, message.reason
