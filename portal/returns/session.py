"""Which return this browser's session is bound to.

Pressing Start on a return's link binds the session: the cookie holds the return's id and a part
of its link's hash (never the secret). A new link for the return changes the hash, so sessions
begun from the old link stop at once, as do all of them when the link is revoked or expires.
The later pages' addresses then carry neither the secret nor any id.
"""

from __future__ import annotations

from flask import session
from sqlalchemy import select

from ..extensions import db
from ..models import ReturnRequest, utcnow

KEY_LENGTH = 16


def bind(return_request: ReturnRequest) -> None:
    """A fresh session (and CSRF token) for the contact who has just pressed Start."""
    session.clear()
    session["ret"] = return_request.id
    session["ret_key"] = return_request.token_hash[:KEY_LENGTH]


def unbind() -> None:
    session.pop("ret", None)
    session.pop("ret_key", None)


def current_return(for_saving: bool = False) -> ReturnRequest | None:
    """The return this session is bound to, while its link still works. ``for_saving`` locks
    its row for the rest of the transaction (PostgreSQL; SQLite's writers already wait at
    BEGIN IMMEDIATE), so two tabs' saves happen one after the other, each seeing the other's."""
    return_id, key = session.get("ret"), session.get("ret_key")
    if not isinstance(return_id, int) or not isinstance(key, str):
        return None
    query = select(ReturnRequest).where(ReturnRequest.id == return_id)
    if for_saving:
        query = query.with_for_update()
    return_request = db.session.scalar(query)
    if (
        return_request is None
        or return_request.token_hash[:KEY_LENGTH] != key
        or not return_request.usable(utcnow())
    ):
        return None
    return return_request
