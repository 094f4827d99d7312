"""Staff sign-in: passwords, TOTP (and its replay), waits after failures, timeouts, sign-out
and CSRF."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, SignInThrottle, StaffSession, StaffUser, utcnow

from .staff_helpers import PASSWORD, code_for, fresh_session, make_user, sign_in

PROBLEM = "The email address, password or security code is not right"
WAIT = "Wait {} before trying again"


def _attempt(client, email, password, code):
    return client.submit("/staff/sign-in", {"email": email, "password": password, "code": code})


def test_sign_in_with_password_and_code_reaches_the_cases(client, app):
    user = make_user("coordinator")
    response = sign_in(client, user)
    assert response.headers["Location"].endswith("/staff/cases")
    page = client.get("/staff/cases")
    assert page.status_code == 200
    assert page.soup.h1.get_text(strip=True) == "Audit cases"
    fresh_session()
    assert db.session.scalar(select(StaffSession).where(StaffSession.user_id == user.id))


def test_every_failure_gives_the_same_message(client, app):
    user = make_user("coordinator")
    other = make_user("facilitator")
    fresh_session()
    other.active = False
    db.session.commit()
    attempts = [
        ("nobody@example.org", PASSWORD, code_for(user)),  # unknown email
        (user.email, "wrong password here", code_for(user)),  # wrong password
        (user.email, PASSWORD, "000000"),  # wrong code
        (user.email, PASSWORD, ""),  # no code
        (other.email, PASSWORD, code_for(other)),  # deactivated account, all correct
    ]
    messages = set()
    for email, password, code in attempts:
        response = _attempt(client, email, password, code)
        assert response.status_code == 200
        summary = response.soup.select_one(".govuk-error-summary__list").get_text(" ", strip=True)
        messages.add(summary)
    assert len(messages) == 1 and PROBLEM in messages.pop()


def _error(response) -> str:
    return response.soup.select_one(".govuk-error-summary__list").get_text(" ", strip=True)


def test_after_five_failures_each_try_waits_longer_up_to_15_minutes(client, app, monkeypatch):
    user = make_user("coordinator")
    monkeypatch.setattr(time, "sleep", lambda _seconds: pytest.fail("a worker slept"))
    with time_machine.travel(utcnow(), tick=False) as traveller:
        for _ in range(4):
            assert PROBLEM in _error(_attempt(client, user.email, "not the password", ""))
        fifth = _attempt(client, user.email, "not the password", "")
        assert fifth.status_code == 429 and WAIT.format("1 minute") in _error(fifth)
        wait = 1
        for longer in (2, 4, 8, 15, 15):
            traveller.shift(timedelta(minutes=wait) / 2)
            # Too soon: refused without being checked, even when everything is right.
            early = _attempt(client, user.email, PASSWORD, code_for(user))
            assert early.status_code == 429 and early.headers["Retry-After"] == str(wait * 30)
            traveller.shift(timedelta(minutes=wait) / 2)
            failed = _attempt(client, user.email, "not the password", "")
            assert failed.status_code == 429
            assert WAIT.format(f"{longer} minutes") in _error(failed)
            wait = longer
        assert client.get("/staff/cases").status_code == 303  # never signed in
        # Once the wait is over the right details work: nobody is locked out for long.
        traveller.shift(timedelta(minutes=wait))
        assert _attempt(client, user.email, PASSWORD, code_for(user)).status_code == 303
        # And the count starts again.
        client.submit("/staff/sign-out")
        assert _attempt(client, user.email, "not the password", "").status_code == 200


def test_the_wait_does_not_say_whether_the_account_exists(client, app):
    user = make_user("coordinator")
    pages = {}
    with time_machine.travel(utcnow(), tick=False):
        for email in (user.email, "nobody@example.org"):
            for _ in range(5):
                _attempt(client, email, "not the password", "")
            page = _attempt(client, email, PASSWORD, code_for(user))
            pages[email] = (page.status_code, page.headers["Retry-After"], _error(page))
    assert pages[user.email] == pages["nobody@example.org"]
    assert pages[user.email][0] == 429
    fresh_session()
    assert user.email not in str(db.session.scalars(select(SignInThrottle.key_hash)).all())


def test_an_address_is_limited_on_failures_only(client, app):
    """Many people in one office share an address: their sign-ins never use up its limit, but
    an address trying many accounts is stopped."""
    app.config["STAFF_REQUIRE_TOTP"] = False
    user = make_user("coordinator", totp=False)
    for _ in range(25):
        assert _attempt(client, user.email, PASSWORD, "").status_code == 303
    for n in range(20):
        assert _attempt(client, f"person{n}@example.org", PASSWORD, "").status_code == 200
    limited = _attempt(client, user.email, PASSWORD, "")
    assert limited.status_code == 429
    assert limited.soup.h1.get_text(strip=True) == "Sorry, there have been too many attempts"


def test_a_used_code_cannot_be_used_again(client, app):
    user = make_user("coordinator")
    code = code_for(user)
    assert _attempt(client, user.email, PASSWORD, code).status_code == 303
    client.submit("/staff/sign-out")
    again = _attempt(client, user.email, PASSWORD, code)
    assert again.status_code == 200 and PROBLEM in again.get_data(as_text=True)
    # An older code (the previous step) is refused too, but the next step's code works.
    with time_machine.travel(utcnow() + timedelta(seconds=30), tick=False):
        fresh = pyotp.TOTP(user.totp_secret).now()
        assert _attempt(client, user.email, PASSWORD, fresh).status_code == 303


def test_code_is_required_outside_development(client, app):
    user = make_user("coordinator", totp=False)
    response = _attempt(client, user.email, PASSWORD, "")
    assert response.status_code == 200 and PROBLEM in response.get_data(as_text=True)


def test_development_may_skip_the_code_until_one_is_set_up(client, app):
    app.config["STAFF_REQUIRE_TOTP"] = False
    user = make_user("coordinator", totp=False)
    assert _attempt(client, user.email, PASSWORD, "").status_code == 303
    # Once set up, a code is always needed.
    confirmed = make_user("facilitator", totp=True)
    assert _attempt(client, confirmed.email, PASSWORD, "").status_code == 200


def test_set_up_link_from_the_command_line(client, app):
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "--email", "New.Person@Example.org", "--role", "facilitator"]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://feedback.example.org/staff/set-up/")
    path = link.removeprefix("https://feedback.example.org")
    fresh_session()
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == "new.person@example.org"))
    assert user.setup_token_hash and path.rsplit("/", 1)[1] not in user.setup_token_hash
    page = client.get(path)
    assert page.status_code == 200
    assert page.soup.find("img", class_="staff-qr")["src"].startswith("data:image/svg+xml")
    code = pyotp.TOTP(user.totp_secret).now()
    # A wrong code, then mismatched passwords, are refused.
    bad = client.submit(
        path,
        {
            "password": "a long password 1",
            "confirm": "a long password 1",
            "code": "123456" if code != "123456" else "654321",
        },
    )
    assert bad.status_code == 200 and "security code" in bad.get_data(as_text=True)
    done = client.submit(
        path, {"password": "a long password 1", "confirm": "a long password 1", "code": code}
    )
    assert done.status_code == 303
    # The link is single use.
    assert client.get(path).status_code == 404
    # The code used to set up cannot be used to sign in.
    assert _attempt(client, user.email, "a long password 1", code).status_code == 200
    with time_machine.travel(utcnow() + timedelta(seconds=30), tick=False):
        fresh = pyotp.TOTP(user.totp_secret).now()
        assert _attempt(client, user.email, "a long password 1", fresh).status_code == 303


def test_idle_timeout_after_30_minutes(client, app):
    user = make_user("coordinator")
    start = utcnow()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in(client, user)
        traveller.shift(timedelta(minutes=29))
        assert client.get("/staff/cases").status_code == 200  # activity moves the limit on
        traveller.shift(timedelta(minutes=29))
        assert client.submit("/staff/keep-alive").status_code == 204
        traveller.shift(timedelta(minutes=29))
        assert client.get("/staff/cases").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/staff/cases")
        assert response.status_code == 303 and "/staff/sign-in" in response.headers["Location"]
        page = client.get(response.headers["Location"])
        assert "30 minutes" in page.get_data(as_text=True)
    fresh_session()
    assert db.session.scalar(select(StaffSession).where(StaffSession.user_id == user.id)) is None


def test_absolute_timeout_after_12_hours_even_when_active(client, app):
    user = make_user("coordinator")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        sign_in(client, user)
        for _ in range(24):
            traveller.shift(timedelta(minutes=29))
            assert client.get("/staff/cases").status_code == 200
        traveller.shift(timedelta(minutes=29))  # 12 h 25 min after signing in
        response = client.get("/staff/cases")
        assert response.status_code == 303
        page = client.get(response.headers["Location"])
        assert "12 hours" in page.get_data(as_text=True)


def test_a_copied_cookie_stops_working_after_sign_out(client, app):
    user = make_user("coordinator")
    sign_in(client, user)
    cookie = client.get_cookie("session").value
    assert client.submit("/staff/sign-out").status_code == 303
    fresh_session()
    assert db.session.scalar(select(StaffSession).where(StaffSession.user_id == user.id)) is None
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/staff/cases")
    assert response.status_code == 303 and "/staff/sign-in" in response.headers["Location"]


def test_state_changes_need_a_csrf_token(client, app):
    user = make_user("coordinator")
    sign_in(client, user)
    assert client.post("/staff/sign-out").status_code == 400
    assert client.post("/staff/keep-alive").status_code == 400
    assert (
        client.post("/staff/cases/new", data={"reference": "X", "quarter": "2026-Q4"}).status_code
        == 400
    )
    assert client.get("/staff/cases").status_code == 200  # still signed in


def test_timeout_warning_is_on_every_signed_in_page(client, app):
    user = make_user("coordinator")
    sign_in(client, user)
    page = client.get("/staff/cases")
    warning = page.soup.find(id="staff-timeout")
    assert warning is not None and warning.has_attr("hidden")
    assert int(warning["data-idle-seconds"]) == 30 * 60
    assert int(warning["data-warn-seconds"]) >= 2 * 60
    script = page.soup.find("script", src=re.compile(r"^/static/build/staff-timeout\.js\?v="))
    assert script is not None and client.get(script["src"]).status_code == 200


def test_sign_in_and_failures_are_in_the_audit_log(client, app):
    user = make_user("coordinator")
    _attempt(client, user.email, "wrong password here", code_for(user))
    sign_in(client, user)
    fresh_session()
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[:2] == ["staff_sign_in_failed", "staff_signed_in"]
