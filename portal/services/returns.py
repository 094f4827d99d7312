"""Asking an organisation for its return on a case: a one-time link to a named contact, which
works like the adult's (portal/links.py): a 128-bit secret of which only the SHA-256 hash is
kept, an expiry, revoking, a new link, a reminder, the email queued through the outbox, and a
timeline of events.

The agency's pages (a blueprint at /a/<token>) find the return with find_by_token().
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from .. import links
from ..audit_tool import IDENTIFIERS, IDENTIFIERS_BY_CODE
from ..delivery import queue_return_email
from ..extensions import db
from ..models import AuditCase, Organisation, OutboxMessage, ReturnRequest, utcnow
from ..models.events import record
from ..models.outbox import cancel_for_return
from . import organisations

RETURN_PATH = "/a/"
LINK_REVOKED = "Cancelled: the return's link was revoked"
LINK_REPLACED = "Cancelled: the return's link was replaced"


class AddressNotInOrganisation(ValueError):
    """The contact's email address is not in any of the organisation's domains."""


class UnknownIdentifier(ValueError):
    """A shared identifier code that is not one of audit_tool.CASE_IDENTIFIERS."""


class ReturnClosed(ValueError):
    """The return's link is revoked or expired, or the return is already submitted."""


def link_for(token: str) -> str:
    """The agency's link for a return's secret."""
    return f"{current_app.config['PUBLIC_BASE_URL']}{RETURN_PATH}{token}"


def lifetime() -> timedelta:
    """How long a return's link works: the adult's links' lifetime (LINK_LIFETIME_DAYS)."""
    return timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])


def new_secret() -> tuple[str, str]:
    """A fresh one-time secret and the hash that is all we keep of it."""
    token = secrets.token_urlsafe(links.TOKEN_BYTES)
    return token, links.hash_token(token)


def check_identifiers(codes) -> list[str]:
    """The shared identifier codes, each once, in audit_tool.CASE_IDENTIFIERS' order. Raises
    UnknownIdentifier for a code that is not one."""
    codes = list(codes or ())
    unknown = [c for c in codes if c not in IDENTIFIERS]
    if unknown:
        raise UnknownIdentifier(
            f"Unknown identifiers: {', '.join(unknown)} (choose from {', '.join(IDENTIFIERS)})"
        )
    return [c for c in IDENTIFIERS if c in codes]


def request_return(
    case: AuditCase,
    organisation: Organisation,
    contact_name: str | None,
    contact_email: str,
    shared_identifiers,
    actor: str,
) -> tuple[ReturnRequest, str]:
    """Ask an organisation's contact for its return on a case, in the caller's transaction:
    the organisation joins the case, a link is issued and its email queued. Returns the request
    and the secret (shown or sent once, never stored). Raises AddressNotInOrganisation for an
    address outside the organisation's domains, UnknownIdentifier for a bad identifier code."""
    contact_email = (contact_email or "").strip()
    if not organisations.email_allowed(organisation, contact_email):
        domains = ", ".join(d.domain for d in organisation.domains) or "none recorded"
        raise AddressNotInOrganisation(
            f"{contact_email} is not an address at {organisation.name} (its domains: {domains})"
        )
    shared = check_identifiers(shared_identifiers)
    organisations.add_to_case(case, organisation)
    token, token_hash = new_secret()
    return_request = ReturnRequest(
        case_id=case.id,
        organisation_id=organisation.id,
        contact_name=(contact_name or "").strip() or None,
        contact_email=contact_email,
        token_hash=token_hash,
        shared_identifiers=shared,
        created_at=utcnow(),
        expires_at=utcnow() + lifetime(),
    )
    db.session.add(return_request)
    db.session.flush()
    record(
        "return_requested",
        actor=actor,
        case_id=case.id,
        return_request_id=return_request.id,
        detail=f"organisation {organisation.id}",
    )
    queue_return_email(return_request, actor, link=link_for(token))
    return return_request, token


def requests_for(case: AuditCase) -> list[ReturnRequest]:
    """Every return asked for on the case, newest first."""
    return list(
        db.session.scalars(
            select(ReturnRequest)
            .where(ReturnRequest.case_id == case.id)
            .order_by(ReturnRequest.id.desc())
        )
    )


def find_by_token(token: str, now: datetime | None = None) -> ReturnRequest | None:
    """The return for a link's secret, or None when it is unknown, tampered with, expired or
    revoked alike (callers show the same page whichever it was). A submitted return is still
    found: its link shows it read-only."""
    if not token or len(token) != links.TOKEN_LENGTH:
        return None
    return_request = db.session.scalar(
        select(ReturnRequest).where(ReturnRequest.token_hash == links.hash_token(token))
    )
    if return_request is None or not return_request.usable(now or utcnow()):
        return None
    return return_request


def revoke(return_request: ReturnRequest, actor: str) -> None:
    """Stop the link working and cancel its messages not yet sent, in the caller's
    transaction."""
    if return_request.revoked_at is None:
        return_request.revoked_at = utcnow()
    cancel_for_return(return_request, LINK_REVOKED)
    record(
        "return_revoked",
        actor=actor,
        case_id=return_request.case_id,
        return_request_id=return_request.id,
    )


def new_link(return_request: ReturnRequest, actor: str) -> tuple[ReturnRequest, str]:
    """A fresh secret for the same return (answers saved so far are kept): the old link stops
    working at once, its messages not yet sent are cancelled, and the email is queued again
    with the new link. It works for a new link's lifetime, or as long as the old one had left
    if that is longer; a revoked return is reopened. Returns the request and the new secret."""
    cancel_for_return(return_request, LINK_REPLACED)
    token, token_hash = new_secret()
    return_request.token_hash = token_hash
    return_request.revoked_at = None
    return_request.expires_at = max(return_request.expires_at, utcnow() + lifetime())
    db.session.flush()
    record(
        "return_link_replaced",
        actor=actor,
        case_id=return_request.case_id,
        return_request_id=return_request.id,
    )
    queue_return_email(return_request, actor, link=link_for(token))
    return return_request, token


def remind(return_request: ReturnRequest, actor: str) -> OutboxMessage:
    """Queue a reminder to use the link already sent (it carries no link: none is stored).
    Raises ReturnClosed when the link no longer works or the return is in."""
    if not return_request.usable(utcnow()):
        raise ReturnClosed("This link has expired or been revoked: send a new link instead")
    if return_request.submitted_at is not None:
        raise ReturnClosed("This return has already been submitted")
    return_request.reminded_at = utcnow()
    return queue_return_email(return_request, actor)


def agency_actor(return_request: ReturnRequest) -> str:
    """How the audit log names the contact acting through a return's link."""
    return f"agency:{return_request.id}"


def mark_opened(return_request: ReturnRequest, actor: str | None = None) -> None:
    """Note the first time the link is opened (for the coordinator's view of its state)."""
    if return_request.opened_at is None:
        return_request.opened_at = utcnow()
        record(
            "return_opened",
            actor=actor or agency_actor(return_request),
            case_id=return_request.case_id,
            return_request_id=return_request.id,
        )


def submit(return_request: ReturnRequest, actor: str | None = None) -> None:
    """Submit the return, once. Raises ReturnClosed if it is already in."""
    if return_request.submitted_at is not None:
        raise ReturnClosed("This return has already been submitted")
    return_request.submitted_at = utcnow()
    record(
        "return_submitted",
        actor=actor or agency_actor(return_request),
        case_id=return_request.case_id,
        return_request_id=return_request.id,
    )


def shared_values(return_request: ReturnRequest, actor: str | None = None) -> list[tuple[str, str]]:
    """The case identifiers shared with this organisation, as (label, value) rows, with the
    view recorded in the audit log (the organisation and contact named by the return). Values
    not recorded on the case show as "Not recorded"."""
    case = return_request.case
    adult = case.participant("adult")
    rows = []
    for code in return_request.shared_identifiers or ():
        identifier = IDENTIFIERS_BY_CODE.get(code)
        if identifier is None:
            continue
        holder, _dot, column = identifier.attribute.rpartition(".")
        source = adult if holder == "adult" else case
        value = getattr(source, column, None) if source is not None else None
        if hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        rows.append((identifier.label, str(value) if value else "Not recorded"))
    record(
        "identifiers_viewed",
        actor=actor or agency_actor(return_request),
        case_id=return_request.case_id,
        return_request_id=return_request.id,
        detail=f"organisation {return_request.organisation_id}, return {return_request.id}",
    )
    return rows
