"""Checks-then-writes one at a time, so two clicks cannot both pass a check before either
writes (a reminder queued twice, a letter queued twice)."""

from __future__ import annotations

from sqlalchemy import select, text

from ..database import begin_write
from ..extensions import db
from ..models import AuditCase

ALL_CASES_LOCK = 4_402_001  # any number no other advisory lock uses


def one_at_a_time(case_id: int | None = None) -> None:
    """End the current read transaction, then begin one that takes SQLite's write lock first,
    or on PostgreSQL locks the case's row (or, with no case, one lock for every case)."""
    db.session.commit()
    begin_write()
    if db.engine.dialect.name != "postgresql":
        return
    if case_id is not None:
        db.session.execute(select(AuditCase.id).where(AuditCase.id == case_id).with_for_update())
    else:
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ALL_CASES_LOCK})
