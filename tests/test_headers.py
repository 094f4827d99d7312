"""The security headers, pinned on every kind of response: public pages, staff pages, errors,
redirects and static files."""

from __future__ import annotations

import re

import pytest

from portal import create_app

from .helpers import CONSENT_AGREE, PRODUCTION_ENV, answer_questions, begin, new_link
from .staff_helpers import make_case, make_user, sign_in

PERMISSIONS = ("camera=()", "microphone=()", "geolocation=()")


def assert_page_headers(response, path: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'", csp), path
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
    assert "base-uri 'none'" in csp and "form-action 'self'" in csp, path
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("Referrer-Policy") == "same-origin", path
    assert all(p in headers.get("Permissions-Policy", "") for p in PERMISSIONS), path
    # Every page may hold personal data: never stored by a browser or a proxy.
    assert headers.get("Cache-Control") == "no-store", path
    assert "Strict-Transport-Security" not in headers, path  # development and tests


def _public_paths(client) -> list[str]:
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    answer_questions(client)
    client.submit("/feedback/contact", {})
    pages = ["/", "/accessibility", "/privacy", "/cookies", "/credits", "/code", "/nowhere"]
    pages += [path, "/r/" + "x" * 22, "/feedback/who", "/feedback/consent", "/feedback/q1"]
    pages += ["/feedback/contact", "/feedback/check", "/feedback/q1?change=1", "/exit"]
    return pages


def test_public_pages_redirects_and_errors(client):
    for path in _public_paths(client):
        response = client.get(path)
        assert_page_headers(response, path)
    # A POST that fails validation, and one refused for its CSRF token.
    begin(client, new_link("CASE-2"))
    assert_page_headers(client.submit("/feedback/who", {"respondent": "nobody"}), "who error")
    assert_page_headers(client.post("/feedback/who", data={}), "csrf refused")


def test_staff_pages(app, client):
    coordinator = make_user("coordinator")
    case = make_case()
    assert_page_headers(client.get("/staff/sign-in"), "sign-in")
    sign_in(client, coordinator)
    for path in (
        "/staff/",
        "/staff/cases",
        f"/staff/cases/{case.id}",
        "/staff/cases/new",
        f"/staff/cases/{case.id}/meeting",
        "/staff/outbox",
        "/staff/cases/999999",
    ):
        assert_page_headers(client.get(path), path)


def test_static_files_are_cached_but_not_sniffed(client):
    css = client.get("/").soup.find("link", rel="stylesheet")["href"]
    served = client.get(css)
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in served.headers["Cache-Control"]


@pytest.fixture
def production_app(monkeypatch, _database):
    for name, value in {**PRODUCTION_ENV, "DATABASE_URL": _database}.items():
        monkeypatch.setenv(name, value)
    return create_app()


def test_hsts_only_in_production(production_app):
    response = production_app.test_client().get("/", base_url="https://feedback.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["Cache-Control"] == "no-store"
