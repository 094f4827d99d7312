"""/healthz for the proxy and monitors; the request reference in logs and on the error page."""

from __future__ import annotations

import logging
import re

from portal import create_app
from portal.logs import HEADER, RequestReference

REFERENCE = re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")


def test_healthz_answers_ok_with_no_session_and_no_store(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "ok\n"
    assert answer.mimetype == "text/plain"
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


def test_healthz_says_503_when_the_database_does_not_answer(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/portal.db"})
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.get_data(as_text=True) == "database unavailable\n"


def test_every_response_carries_its_own_reference(client):
    first, second = client.get("/"), client.get("/nowhere")
    assert REFERENCE.match(first.headers[HEADER]) and REFERENCE.match(second.headers[HEADER])
    assert first.headers[HEADER] != second.headers[HEADER]


def test_the_problem_page_and_the_log_line_show_the_same_reference(app, caplog):
    def broken():
        raise RuntimeError("an unexpected fault")

    app.add_url_rule("/_test/broken", view_func=broken)
    with caplog.at_level(logging.ERROR, logger="portal"):
        page = app.test_client().get("/_test/broken")
    reference = page.headers[HEADER]
    assert page.status_code == 500
    assert reference in page.soup.select_one("main").get_text()
    handler = next(
        h
        for h in logging.getLogger("portal").handlers
        if any(isinstance(f, RequestReference) for f in h.filters)
    )
    lines = [handler.format(r) for r in caplog.records if r.name == "portal"]
    assert lines and all(f"[{reference}]" in line for line in lines)


def test_the_easy_read_problem_page_shows_the_reference_too(app):
    def broken():
        raise RuntimeError("an unexpected fault")

    app.add_url_rule("/_test/broken", view_func=broken)
    client = app.test_client()
    client.submit("/preferences", {"format": "easy_read", "next": "/"})
    page = client.get("/_test/broken")
    assert page.headers[HEADER] in page.soup.select_one("main").get_text()
    assert "Tell us this code if you contact us" in page.get_data(as_text=True)
