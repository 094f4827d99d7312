"""The case list: filtered and paged in the database, so it stays fast with thousands of cases.

Each page shows PAGE_SIZE cases, newest quarter first; the filter choices (quarters and themes in
use) come from DISTINCT queries over the cases this person may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AuditCase

PAGE_SIZE = 50


@dataclass
class CasePage:
    cases: list[AuditCase]
    total: int
    page: int
    pages: int


def visible(user) -> Select:
    query = select(AuditCase)
    if user.role == "facilitator":
        query = query.where(AuditCase.facilitator_id == user.id)
    return query


def choices(user) -> tuple[list[str], list[str]]:
    """The quarters (newest first) and themes used by the cases this person may see."""
    seen = visible(user).subquery()
    quarters = db.session.scalars(
        select(seen.c.quarter).where(seen.c.quarter.is_not(None)).distinct()
    ).all()
    themes = db.session.scalars(
        select(seen.c.theme).where(seen.c.theme.is_not(None)).distinct()
    ).all()
    return sorted(quarters, reverse=True), sorted(themes)


def page_of_cases(user, quarter=None, theme=None, status=None, page: int = 1) -> CasePage:
    query = visible(user)
    if quarter:
        query = query.where(AuditCase.quarter == quarter)
    if theme:
        query = query.where(AuditCase.theme == theme)
    if status:
        query = query.where(AuditCase.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    cases = db.session.scalars(
        query.options(joinedload(AuditCase.facilitator))
        .order_by(AuditCase.quarter.desc().nulls_last(), AuditCase.reference.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return CasePage(cases=list(cases), total=total, page=page, pages=pages)
