"""Short codes, for people who would rather type a code from their letter than follow a link.

A code is 12 characters from an alphabet with no 0/O or 1/I, printed in groups of four
(ABCD-EFGH-JKLM). Entry is case-insensitive and ignores hyphens and spaces. The first four
characters pick the code (they are stored as they are); the last eight, 40 random bits, are the
secret, of which only an HMAC under the portal's secret keys is stored. Wrong secrets count
against the code, which locks after MAX_FAILURES; failed entries also count against the
address they came from (kept only as an HMAC), so nobody can try code after code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import Invitation, utcnow
from ..models.outbox import CodeAttempt, InvitationCode

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 characters: no 0/O or 1/I
LENGTH = 12
SELECTOR = 4
MAX_FAILURES = 5  # per code, then it locks
ADDRESS_FAILURES = 10  # per address per ADDRESS_WINDOW
ADDRESS_WINDOW = timedelta(hours=1)


def _mac(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def _keys() -> list[str]:
    return current_app.config["SECRET_KEYS"]


def normalise(entered: str | None) -> str | None:
    """The code as stored, or None if it cannot be one of ours."""
    code = "".join((entered or "").split()).replace("-", "").replace("\u2010", "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))


def issue(invitation: Invitation) -> str:
    """A new code for an invitation, in the caller's transaction; returns it grouped in fours.
    Only its HMAC is stored: like the link, it is shown or sent once."""
    while True:
        selector = "".join(secrets.choice(ALPHABET) for _ in range(SELECTOR))
        if not db.session.scalar(
            select(InvitationCode.id).where(InvitationCode.selector == selector)
        ):
            break
    verifier = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - SELECTOR))
    db.session.add(
        InvitationCode(
            invitation_id=invitation.id,
            selector=selector,
            verifier_hash=_mac(_keys()[0], selector + verifier),
        )
    )
    db.session.flush()
    return grouped(selector + verifier)


def address_key(remote_addr: str | None) -> str:
    return _mac(_keys()[0], f"address:{remote_addr or '-'}")


def address_blocked(address_hash: str) -> bool:
    since = utcnow() - ADDRESS_WINDOW
    db.session.execute(delete(CodeAttempt).where(CodeAttempt.at < since))
    count = db.session.scalar(
        select(func.count())
        .select_from(CodeAttempt)
        .where(CodeAttempt.address_hash == address_hash)
    )
    return count >= ADDRESS_FAILURES


def check(entered: str | None, address_hash: str) -> Invitation | None:
    """The invitation a code opens, or None. The caller commits: failures are recorded in the
    session, and a locked code stays locked."""
    code = normalise(entered)
    found = None
    if code is not None:
        row = db.session.scalar(
            select(InvitationCode).where(InvitationCode.selector == code[:SELECTOR])
        )
        if row is not None and row.locked_at is None:
            if any(hmac.compare_digest(row.verifier_hash, _mac(k, code)) for k in _keys()):
                found = row.invitation
            else:
                row.failures += 1
                if row.failures >= MAX_FAILURES:
                    row.locked_at = utcnow()
    if found is None:
        db.session.add(CodeAttempt(address_hash=address_hash))
    return found
