"""The audit log: who did what to which record, and when. Never the personal data itself."""

from __future__ import annotations

from flask_login import current_user

from ..extensions import db
from ..models.events import record


def audit(action: str, case_id=None, invitation_id=None, detail: str | None = None) -> None:
    """Record a change; it commits with the change it describes."""
    record(
        action,
        actor=current_user.actor,
        case_id=case_id,
        invitation_id=invitation_id,
        detail=detail,
    )


def viewed(case_id: int, what: str, invitation_id=None) -> None:
    """Record that someone read a case's personal data, and commit at once: a read has no
    change to ride along with."""
    audit("viewed", case_id=case_id, invitation_id=invitation_id, detail=what)
    db.session.commit()
