"""Demo data: a quarter's audit cases, so the portal can be tried at once."""

from __future__ import annotations

from sqlalchemy import select

from .cli import create_case, invite
from .extensions import db
from .models import AuditCase

DEMO_CASES = (
    ("DEMO-001", "2026-Q4", "Self-neglect"),
    ("DEMO-002", "2026-Q4", "Financial abuse"),
    ("DEMO-003", "2026-Q4", "Domestic abuse"),
)


def load() -> list[str]:
    lines = []
    for reference, quarter, theme in DEMO_CASES:
        if db.session.scalar(select(AuditCase.id).where(AuditCase.reference == reference)):
            continue
        create_case(reference, quarter, theme)
        lines.append(f"Created demo case {reference}")
    case = db.session.scalar(select(AuditCase).where(AuditCase.reference == DEMO_CASES[0][0]))
    link = invite(case, "adult", name="Sam Example", known_as="Sam", email="sam@example.com")
    db.session.commit()
    lines.append("Sample adult link (a new one each run):")
    lines.append(link)
    return lines
