"""Saving: one function saves every journey page, in one transaction that first checks this
session may save it. The routes below are written out by hand from the questionnaire (not asked
of runner.py), and each page is tried before its turn, in its turn and off the route."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from flask import session
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from portal.answers.saving import write_page
from portal.database import engines
from portal.extensions import db
from portal.journey.state import current_draft
from portal.models import Answer, Invitation, Response, SavedPage, utcnow
from portal.questionnaire import QUESTION_IDS, STEPS

from .helpers import CONSENT_AGREE, begin, full_journey, new_link, response_for

REPRESENTATIVE = {
    "representative_name": "Alex Carer",
    "representative_relationship": "Son",
    "representative_basis": "lpa",
}
QUESTIONS = {q: {f"{q}_comment": f"About {q}"} for q in QUESTION_IDS}

# Each person's route: the pages they are asked, in order, with what they answer; and where
# the last save leads. Written from the source document, not from runner.route().
ROUTES = {
    "the adult agrees": (
        [
            ("who", {"respondent": "adult"}),
            ("consent", CONSENT_AGREE),
            *QUESTIONS.items(),
            ("contact", {"contact_email": "sam@example.org"}),
        ],
        "/feedback/check",
    ),
    "someone for the adult agrees": (
        [
            ("who", {"respondent": "representative"}),
            ("representative", REPRESENTATIVE),
            ("consent", CONSENT_AGREE),
            *QUESTIONS.items(),
            ("contact", {}),
        ],
        "/feedback/check",
    ),
    "the adult declines, with anonymous feedback": (
        [
            ("who", {"respondent": "adult"}),
            ("consent", {"decision": "decline"}),
            ("anonymous", {"anonymous_feedback": "yes"}),
            *QUESTIONS.items(),
        ],
        "/feedback/check",
    ),
    "the adult declines, with no feedback": (
        [
            ("who", {"respondent": "adult"}),
            ("consent", {"decision": "decline"}),
            ("anonymous", {"anonymous_feedback": "no"}),
        ],
        "/feedback/confirmation",
    ),
}
EVERY_PAGE = ("who", "representative", "consent", "anonymous", *QUESTION_IDS, "contact")


def _saved_pages(response_id: int) -> set[str]:
    db.session.commit()  # a fresh snapshot, as a new request would have
    return set(db.session.scalars(select(SavedPage.page).filter_by(response_id=response_id)))


def _answered(response_id: int) -> set[str]:
    db.session.commit()
    return set(db.session.scalars(select(Answer.question_id).filter_by(response_id=response_id)))


def _token(client) -> str:
    return client.csrf_token("/feedback/who")


@pytest.mark.parametrize("name", ROUTES)
def test_each_page_is_saved_in_its_turn_and_never_before(client, name):
    pages, end = ROUTES[name]
    path = new_link()
    begin(client, path)
    token = _token(client)
    response_id = response_for(path).id
    route = [page for page, _data in pages]
    for turn, (page, data) in enumerate(pages):
        # Every later page of the route, and every page off it, is refused with the page
        # whose turn it is, and stores nothing.
        for early in [*route[turn + 1 :], *(p for p in EVERY_PAGE if p not in route)]:
            early_data = dict(pages)[early] if early in route else QUESTIONS.get(early, {})
            refused = client.post(f"/feedback/{early}", data={"csrf_token": token, **early_data})
            assert refused.status_code == 302, (name, page, early)
            assert refused.headers["Location"] == f"/feedback/{page}", (name, page, early)
        assert _saved_pages(response_id) == set(route[:turn]), (name, page)
        assert _answered(response_id) == {q for q in route[:turn] if q in QUESTIONS}

        saved = client.post(f"/feedback/{page}", data={"csrf_token": token, **data})
        following = f"/feedback/{route[turn + 1]}" if turn + 1 < len(route) else end
        assert saved.status_code == 302 and saved.headers["Location"] == following, (name, page)
    assert _saved_pages(response_id) == set(route)
    stored = {a.question_id: a.comment for a in response_for(path).answers}
    assert stored == {q: data[f"{q}_comment"] for q, data in pages if q in QUESTIONS}


def _at_q1(client) -> tuple[str, str, int]:
    path = new_link()
    begin(client, path)
    assert client.submit("/feedback/who", {"respondent": "adult"}).status_code == 302
    assert client.submit("/feedback/consent", CONSENT_AGREE).status_code == 302
    return path, _token(client), response_for(path).id


def _save_q1(client, token: str):
    return client.post("/feedback/q1", data={"csrf_token": token, "q1": "always"})


def test_an_older_session_saves_nothing(app, client):
    path, token, response_id = _at_q1(client)
    begin(app.test_client(), path)  # someone begins again in another browser
    ended = _save_q1(client, token)
    assert ended.status_code == 403 and "Your session has ended" in ended.soup.get_text()
    assert _saved_pages(response_id) == {"who", "consent"} and _answered(response_id) == set()


@pytest.mark.parametrize("stopped", ["revoked", "expired"])
def test_a_link_that_stopped_working_saves_nothing(client, stopped):
    path, token, response_id = _at_q1(client)
    invitation = db.session.get(Invitation, response_for(path).invitation_id)
    if stopped == "revoked":
        invitation.revoked_at = utcnow()
    else:
        invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    ended = _save_q1(client, token)
    assert ended.status_code == 403 and "Your session has ended" in ended.soup.get_text()
    assert _saved_pages(response_id) == {"who", "consent"} and _answered(response_id) == set()


def test_after_sending_a_save_stores_nothing(app, client):
    path = new_link()
    full_journey(client, path, {"q1": {"q1": "always"}})
    token = client.csrf_token("/feedback/confirmation")
    late = _save_q1(client, token)  # a second tab left open at question 1
    assert "You have already sent your answers" in late.soup.get_text()
    assert response_for(path).answer("q1").codes == "always"


def test_a_save_that_fails_half_way_leaves_nothing_half_saved(client, monkeypatch):
    """The answer and the page's mark are written in one transaction: if the second write
    fails (a crash, the database gone), the first is not kept either, and the person is asked
    the page again."""
    path, token, response_id = _at_q1(client)
    real_execute = db.session.execute

    def execute(statement, *args, **kwargs):
        if getattr(statement, "table", None) is SavedPage.__table__:
            raise RuntimeError("the process died here")
        return real_execute(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "execute", execute)
    assert _save_q1(client, token).status_code == 500
    monkeypatch.undo()
    assert _saved_pages(response_id) == {"who", "consent"} and _answered(response_id) == set()
    assert client.get("/feedback/q2").headers["Location"] == "/feedback/q1"
    assert _save_q1(client, token).headers["Location"] == "/feedback/q2"
    assert response_for(path).answer("q1").codes == "always"


def test_pages_saved_from_the_same_reading_both_count(app, client):
    """Two tabs that read the draft before either saved: each save adds its own page, so
    neither is lost; a save without a format or language keeps the ones stored."""
    path, _, response_id = _at_q1(client)
    invitation = response_for(path).invitation
    with app.test_request_context():
        session["inv"], session["gen"] = invitation.id, invitation.session_generation
        draft = current_draft()
    write_page(draft, STEPS["q1"], {"q1": "always"}, format="easy_read", language="cy")
    write_page(draft, STEPS["q2"], {"q2_comment": "Second tab"})
    write_page(draft, STEPS["q1"], {"q1": "not_at_all"})  # a page saved again: one row
    db.session.commit()
    assert _saved_pages(response_id) == {"who", "consent", "q1", "q2"}
    response = db.session.get(Response, response_id)
    assert (response.format, response.language) == ("easy_read", "cy")
    assert response.answer("q1").codes == "not_at_all" and len(response.answers) == 2


def test_showing_a_page_never_writes(app, client):
    """Mail scanners and browsers open pages unasked: only a POST (or Exit this page) writes,
    and on SQLite no GET takes the write lock. Each journey page's GET is one statement, run on
    the engine that only reads, in no transaction (database.read)."""
    path = new_link()
    writer, reader = engines(app)
    # Each statement: the engine, its first two words, and whether it ran in a transaction.
    statements: list[tuple[Engine, list[str], bool]] = []

    def watch(engine):
        def note(conn, _cursor, statement, *_args):
            dbapi = conn.connection.dbapi_connection
            in_transaction = (
                dbapi.in_transaction
                if isinstance(dbapi, sqlite3.Connection)
                else not dbapi.autocommit
            )
            statements.append((engine, statement.lstrip().split(None, 2)[:2], in_transaction))

        return note

    listeners = {engine: watch(engine) for engine in (writer, reader)}

    def shown(page: str) -> None:
        statements.clear()
        assert client.get(page).status_code == 200
        assert _writes([words for _, words, _ in statements]) == [], page
        assert [(engine, in_transaction) for engine, _, in_transaction in statements] == [
            (reader, False)
        ], (page, statements)

    client.get(path)
    begin(client, path)
    for engine, note in listeners.items():
        event.listen(engine, "before_cursor_execute", note)
    try:
        for page, data in ROUTES["the adult agrees"][0]:
            shown(f"/feedback/{page}")
            shown(f"/feedback/{page}?change=1")
            client.submit(f"/feedback/{page}", data)
        for page in ("/feedback/check", "/feedback/q1", path):
            shown(page)
        client.submit("/feedback/check")
        shown("/feedback/confirmation")
    finally:
        for engine, note in listeners.items():
            event.remove(engine, "before_cursor_execute", note)


def _writes(statements: list[list[str]]) -> list[list[str]]:
    return [
        words
        for words in statements
        if words[0].upper() in ("INSERT", "UPDATE", "DELETE") or words == ["BEGIN", "IMMEDIATE"]
    ]
