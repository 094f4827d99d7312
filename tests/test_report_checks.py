"""The report's free-text checks page, /staff/reports/checks: coordinators and administrators
tick "checked: identifies no one"; an edit needs a new check; a tab opened before an edit
cannot check the new words; CSRF; audit-logged; nobody else may use it."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import Action, AuditEvent, Meeting, TextCheck
from portal.reports.figures import board_report

from .report_support import CHECKED_LEARNING, UNCHECKED_ACTION, UNCHECKED_LEARNING, seed
from .staff_helpers import fresh_session, make_user, sign_in

PATH = "/staff/reports/checks"


def boxes(page) -> dict[str, str]:
    """Each checkbox's value, by the text shown as its hint."""
    found = {}
    for box in page.soup.select("input[name=checked]"):
        hint = page.soup.find(id=box["aria-describedby"])
        found[hint.get_text(strip=True)] = box["value"]
    return found


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_ticking_a_piece_of_text_lets_the_report_show_it(app, client, role):
    seed("2026-Q4", cases=2)
    user = make_user(role)
    sign_in(client, user)
    page = client.get(PATH)
    assert page.status_code == 200
    shown = boxes(page)
    assert UNCHECKED_LEARNING in shown and UNCHECKED_ACTION in shown
    assert CHECKED_LEARNING not in shown  # already checked
    assert "ZQREF-" not in page.get_data(as_text=True)  # the page names no case
    waiting = board_report("2026-Q4").learning.waiting
    assert waiting == 1

    response = client.submit(PATH, {"checked": [shown[UNCHECKED_LEARNING]]})
    assert response.status_code == 303
    fresh_session()
    report = board_report("2026-Q4")
    assert report.learning.waiting == 0
    assert UNCHECKED_LEARNING in [i.text for i in report.learning.items]
    event = db.session.scalars(
        db.select(AuditEvent).filter_by(action="text_checked", actor=f"staff:{user.id}")
    ).one()
    assert event.detail.startswith("meeting-")
    assert "1 piece of text checked" in client.get(response.location).get_data(as_text=True)


def test_text_changed_after_the_page_was_opened_is_not_checked(app, client):
    seed("2026-Q4", cases=2)
    sign_in(client, make_user("coordinator"))
    checks = db.select(db.func.count()).select_from(TextCheck)
    before = db.session.scalar(checks)
    fresh_session()
    page = client.get(PATH)
    value = boxes(page)[UNCHECKED_ACTION]
    token = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    # Another tab changes the action's words (every unchecked action has the same ones).
    for action in db.session.scalars(db.select(Action).filter_by(what=UNCHECKED_ACTION)):
        action.what = UNCHECKED_ACTION + " and call the landlord"
    db.session.commit()
    response = client.post(PATH, data={"csrf_token": token, "checked": [value]})
    assert response.status_code == 200
    assert response.soup.select_one(".govuk-error-summary")
    assert "changed since this page was opened" in response.get_data(as_text=True)
    fresh_session()
    assert db.session.scalar(checks) == before


def test_checking_twice_from_two_tabs_stores_one_check(app, client):
    seed("2026-Q4", cases=1)
    sign_in(client, make_user("coordinator"))
    page = client.get(PATH)
    token = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    value = boxes(page)[UNCHECKED_ACTION]
    for _tab in range(2):
        response = client.post(PATH, data={"csrf_token": token, "checked": [value]})
        assert response.status_code in (200, 303)
    fresh_session()
    checks = db.session.scalars(db.select(TextCheck).where(TextCheck.action_id.is_not(None)))
    assert len(checks.all()) == 2  # the seeded one, and this one once


def test_nothing_ticked_is_an_error_and_a_bad_value_changes_nothing(app, client):
    seed("2026-Q4", cases=1)
    sign_in(client, make_user("coordinator"))
    for data in ({}, {"checked": ["meeting-1-learning_points:" + "0" * 64]}, {"checked": ["x"]}):
        response = client.submit(PATH, data)
        assert response.status_code == 200
        assert response.soup.select_one(".govuk-error-summary")
    fresh_session()
    assert board_report("2026-Q4").learning.waiting == 0  # one case: its learning was checked


def test_without_a_csrf_token_nothing_is_checked(app, client):
    seed("2026-Q4", cases=1)
    sign_in(client, make_user("coordinator"))
    value = boxes(client.get(PATH))[UNCHECKED_ACTION]
    response = client.post(PATH, data={"checked": [value]})
    assert response.status_code == 400
    fresh_session()
    assert board_report("2026-Q4").action_plan.waiting == 1


@pytest.mark.parametrize("role", ["facilitator", "learning_group"])
def test_other_roles_may_not_check(app, client, role):
    sign_in(client, make_user(role))
    assert client.get(PATH).status_code == 403


def test_signed_out_goes_to_sign_in(app, client):
    response = client.get(PATH)
    assert response.status_code == 303
    assert "/staff/sign-in" in response.location


def test_an_edited_meeting_record_comes_back_for_a_check(app, client):
    seeded = seed("2026-Q4", cases=1)
    meeting = db.session.scalar(db.select(Meeting).filter_by(case_id=seeded.cases[0].id))
    meeting.recommendations = "Changed after the check."
    db.session.commit()
    sign_in(client, make_user("coordinator"))
    assert "Changed after the check." in boxes(client.get(PATH))
