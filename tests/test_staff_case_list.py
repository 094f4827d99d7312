"""The case list is filtered and paged in the database."""

from sqlalchemy import insert

from portal.extensions import db
from portal.models import AuditCase
from portal.staff.cases import PAGE_SIZE, choices, page_of_cases

from .staff_helpers import fresh_session, make_case, make_user, sign_in


def _many(count: int, facilitator=None) -> None:
    db.session.execute(
        insert(AuditCase),
        [
            {
                "reference": f"BULK-{n:05d}",
                "quarter": f"2026-Q{n % 4 + 1}",
                "theme": ("Self-neglect", "Financial abuse")[n % 2],
                "status": ("preparing", "closed")[n % 2],
                "facilitator_id": facilitator.id if facilitator and n % 10 == 0 else None,
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def test_pages_of_fifty_newest_quarter_first(app):
    coordinator = make_user("coordinator")
    _many(130)
    first = page_of_cases(coordinator)
    assert (first.total, first.pages, len(first.cases)) == (130, 3, PAGE_SIZE)
    assert first.cases[0].quarter == "2026-Q4"
    last = page_of_cases(coordinator, page=99)  # past the end: the last page
    assert last.page == 3 and len(last.cases) == 130 - 2 * PAGE_SIZE
    seen = {c.reference for p in (1, 2, 3) for c in page_of_cases(coordinator, page=p).cases}
    assert len(seen) == 130


def test_filters_combine(app):
    coordinator = make_user("coordinator")
    _many(40)
    closed = page_of_cases(coordinator, status="closed", theme="Financial abuse")
    assert closed.total == 20
    assert all(c.status == "closed" and c.theme == "Financial abuse" for c in closed.cases)
    quarters, themes = choices(coordinator)
    assert quarters == ["2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1"]
    assert themes == ["Financial abuse", "Self-neglect"]


def test_facilitators_list_only_their_cases(app):
    facilitator = make_user("facilitator")
    _many(100, facilitator=facilitator)
    mine = page_of_cases(facilitator)
    assert mine.total == 10
    assert all(c.facilitator_id == facilitator.id for c in mine.cases)


def test_the_list_page_shows_one_page_and_pagination(app, client):
    coordinator = make_user("coordinator")
    _many(60)
    make_case("ZZZ-1", quarter="2027-Q1")
    sign_in(client, coordinator)
    page = client.get("/staff/cases")
    rows = page.soup.select("tbody tr")
    assert len(rows) == PAGE_SIZE
    assert rows[0].get_text(" ", strip=True).startswith("ZZZ-1")
    assert "61 cases" in page.soup.find("caption").get_text()
    next_link = page.soup.select_one(".govuk-pagination__next a")
    assert next_link is not None
    second = client.get(next_link["href"])
    assert len(second.soup.select("tbody tr")) == 11
    fresh_session()
