"""The security baseline: CSRF, CSP with a nonce, headers, cookies, and nothing secret in logs."""

from __future__ import annotations

import logging
import re

import pytest

from portal import create_app

from .helpers import CONSENT_AGREE, PRODUCTION_ENV, begin, full_journey, new_link, response_for


@pytest.fixture
def csrf_client(app):
    assert app.config["WTF_CSRF_ENABLED"] is True
    return app.test_client()


def test_post_without_csrf_token_is_refused(csrf_client):
    path = new_link()
    refused = csrf_client.post(path)
    assert refused.status_code == 400
    assert refused.soup.h1.get_text(strip=True) == "This page has expired"
    begin(csrf_client, path)
    refused = csrf_client.post("/feedback/who", data={"respondent": "adult"})
    assert refused.status_code == 400
    assert csrf_client.post("/preferences", data={"lang": "cy"}).status_code == 400


def test_csp_has_a_fresh_nonce_and_no_unsafe_inline(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    nonce = re.compile(r"'nonce-([^']+)'")
    assert nonce.search(first).group(1) != nonce.search(second).group(1)
    assert "unsafe-inline" not in first and "unsafe-eval" not in first
    assert "frame-ancestors 'none'" in first and "object-src 'none'" in first


def test_headers_on_every_page(client):
    page = client.get("/")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in page.headers["Permissions-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in page.headers  # not outside production


def test_session_cookie_is_httponly_and_lax(client):
    path = new_link()
    started = begin(client, path)
    cookie = started.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_hsts_is_sent(monkeypatch):
    for name, value in {**PRODUCTION_ENV, "DATABASE_URL": "sqlite://"}.items():
        monkeypatch.setenv(name, value)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.test_request_context():
        response = app.make_response("x")
        response = app.process_response(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_exit_this_page_ends_the_session(client, app):
    path = new_link()
    begin(client, path)
    assert client.get("/feedback/who").status_code == 200
    left = client.get("/exit")
    assert left.status_code == 302 and left.headers["Location"] == app.config["EXIT_URL"]
    assert client.get("/feedback/who").status_code == 403


def test_exit_this_page_ends_the_session_on_the_server_and_keeps_the_answers(client, app):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    client.submit("/feedback/q1", {"q1": "always", "q1_comment": "Kept"})
    copied = client.get_cookie("session").value  # e.g. taken from the browser before leaving
    client.get("/exit")

    thief = app.test_client()
    thief.set_cookie("session", copied)
    for page in ("/feedback/who", "/feedback/q2", "/feedback/check"):
        ended = thief.get(page)
        assert ended.status_code == 403, page
        assert ended.soup.h1.get_text(strip=True) == "Your session has ended"

    response = response_for(path)
    assert response.respondent == "adult" and response.consent.decision == "agree"
    assert response.answer("q1").codes == "always" and response.answer("q1").comment == "Kept"
    resumed = begin(client, path)  # the person can carry on from their link
    assert resumed.headers["Location"].endswith("/feedback/q2")


def test_exit_from_an_ended_session_leaves_the_live_one_alone(client, app):
    path = new_link()
    begin(client, path)
    other = app.test_client()
    begin(other, path)  # began again elsewhere: the first browser's session has ended
    client.get("/exit")
    assert other.get("/feedback/who").status_code == 200


def test_every_public_page_offers_exit_this_page(client):
    path = new_link()
    assert client.get(path).soup.select(".govuk-exit-this-page a[href='/exit']")
    begin(client, path)
    for page in ("/feedback/who", "/"):
        assert client.get(page).soup.select(".govuk-exit-this-page")


def test_a_whole_journey_logs_no_secret_or_personal_data(client, caplog):
    caplog.set_level(logging.DEBUG)
    path = new_link()
    with caplog.at_level(logging.DEBUG):
        full_journey(
            client,
            path,
            {"q1": {"q1": "always", "q1_comment": "Private comment"}},
            {"contact_email": "private@example.com", "contact_phone": "07700 900982"},
        )
        client.get(path)
    token = path.rsplit("/", 1)[1]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (token, "Private comment", "private@example.com", "07700", "Sam Example"):
        assert secret not in logged
    assert CONSENT_AGREE["signature"] not in logged


def test_request_lines_have_the_link_secret_redacted():
    from portal.logs import RedactSecrets

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '"GET /r/%s HTTP/1.1" 200 -',
        ("abcDEF123_-xyzabcDEF12",),
        None,
    )
    RedactSecrets().filter(record)
    assert "abcDEF123" not in record.getMessage() and "/r/[redacted]" in record.getMessage()
    for path in ("/w/abcDEF123_-xyzabcDEF12", "/staff/set-up/abcDEF123_-xyzabcDEF12"):
        record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, path, None, None)
        RedactSecrets().filter(record)
        assert "abcDEF123" not in record.getMessage(), path


def test_bad_input_never_gives_a_500(client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    for data in (
        {"decision": "maybe"},
        {"decision": "agree", "signature": "x" * 5000, "declaration": "perhaps"},
        {"decision": ["agree", "decline"]},
        {"restrictions": "\x00 <script>alert(1)</script>" * 300},
    ):
        page = client.submit("/feedback/consent", data)
        assert page.status_code == 200, data
        assert page.soup.select(".govuk-error-summary")
    client.submit("/feedback/consent", CONSENT_AGREE)
    for number in range(1, 11):
        client.submit(f"/feedback/q{number}", {})
    q11 = client.submit("/feedback/q11", {"q11": ["forum", "not_interested"]})
    assert "not both" in q11.soup.select_one(".govuk-error-summary").get_text()
    long = client.submit("/feedback/q1", {"q1_comment": "y" * 2001})
    assert "Comments must be 2,000 characters or fewer" in long.soup.get_text()
    assert client.submit("/feedback/q1", {"q1": "bogus"}).soup.select(".govuk-error-message")
