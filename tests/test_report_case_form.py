"""The case form's Making Safeguarding Personal question (SG4a's "asked about desired outcomes"),
which the quarterly report counts."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditCase

from .staff_helpers import fresh_session, make_user, sign_in

CASE = {"reference": "SG4A-1", "quarter": "2026-Q4", "status": "preparing"}


def test_the_coordinator_records_whether_the_adult_was_asked(app, client):
    sign_in(client, make_user("coordinator"))
    form = client.get("/staff/cases/new")
    assert "Yes, they were asked but no outcomes were expressed" in form.get_data(as_text=True)
    response = client.submit("/staff/cases/new", {**CASE, "outcomes_asked": "asked_not_expressed"})
    assert response.status_code == 303
    fresh_session()
    case = db.session.scalar(select(AuditCase).filter_by(reference="SG4A-1"))
    assert case.outcomes_asked == "asked_not_expressed"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Was the adult asked about the outcomes they wanted?" in page
    assert "Yes, they were asked but no outcomes were expressed" in page


def test_an_unknown_answer_is_an_error_not_stored(app, client):
    sign_in(client, make_user("coordinator"))
    response = client.submit("/staff/cases/new", {**CASE, "outcomes_asked": "maybe"})
    assert response.status_code == 200
    assert response.soup.select_one(".govuk-error-summary")
    fresh_session()
    assert db.session.scalar(select(AuditCase).filter_by(reference="SG4A-1")) is None
