"""Audit cases: finding and creating them."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import AuditCase
from ..models.events import record


class CaseExists(ValueError):
    """Another case already has this reference."""


def find_case(reference: str) -> AuditCase | None:
    return db.session.scalar(select(AuditCase).where(AuditCase.reference == reference))


def reference_taken(reference: str, other_than: int | None = None) -> bool:
    """Whether a case (other than the one with id ``other_than``) has this reference."""
    query = select(AuditCase.id).where(AuditCase.reference == reference)
    if other_than is not None:
        query = query.where(AuditCase.id != other_than)
    return db.session.scalar(query) is not None


def create_case(
    reference: str,
    quarter: str | None = None,
    theme: str | None = None,
    *,
    actor: str = "cli",
    **details,
) -> AuditCase:
    """A new case, with any more of its fields in ``details`` (Appendix 1's), recorded as made
    by ``actor``. Raises CaseExists if the reference is taken."""
    if reference_taken(reference):
        raise CaseExists(f"A case with reference {reference} already exists")
    case = AuditCase(reference=reference, quarter=quarter, theme=theme, **details)
    db.session.add(case)
    db.session.flush()
    record("case_created", actor=actor, case_id=case.id)
    return case
