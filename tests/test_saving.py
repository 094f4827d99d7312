"""Saving a page writes in the database itself, so two tabs at once lose nothing; a question
page is saved in one statement where the database allows it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flask import session
from sqlalchemy import select

from portal.extensions import db
from portal.journey.runner import CHECK, allowed, route
from portal.journey.saving import (
    _may_save,
    mark_saved,
    route_choices,
    save_answer,
    save_question,
)
from portal.models import Answer, ConsentRecord, Invitation, Response, utcnow
from portal.questionnaire import QUESTION_IDS, STEPS, Progress

from .helpers import CONSENT_AGREE, begin, new_link, response_for


def _draft(client) -> Response:
    path = new_link()
    begin(client, path)
    return response_for(path)


def _reread(response: Response) -> Response:
    db.session.commit()
    db.session.refresh(response)
    return response


def test_pages_saved_by_two_tabs_from_the_same_reading_both_count(client):
    response = _draft(client)
    # Both tabs read "nothing saved yet", then each saves its own page.
    mark_saved(response.id, "q1")
    mark_saved(response.id, "q12")
    mark_saved(response.id, "q1")  # saving a page again does not list it twice
    mark_saved(response.id, "q2", format="easy_read", language="cy")
    response = _reread(response)
    assert response.pages_saved.split() == ["q1", "q12", "q2"]
    assert (response.format, response.language) == ("easy_read", "cy")
    mark_saved(response.id, "q3")  # without a format or language, both are kept
    response = _reread(response)
    assert response.pages_saved.split() == ["q1", "q12", "q2", "q3"]
    assert (response.format, response.language) == ("easy_read", "cy")


def test_saving_one_question_twice_keeps_one_row_with_the_last_answer(client):
    response = _draft(client)
    save_answer(response.id, STEPS["q1"], {"q1": "always", "q1_comment": "First"})
    save_answer(response.id, STEPS["q1"], {"q1": "not_at_all", "q1_comment": ""})
    db.session.commit()
    rows = db.session.scalars(select(Answer).where(Answer.response_id == response.id)).all()
    assert [(a.question_id, a.codes, a.comment) for a in rows] == [("q1", "not_at_all", None)]


def test_the_database_lets_a_question_be_saved_exactly_when_the_runner_allows_it(client):
    """save_question's SQL condition is derived from the runner; here every combination of the
    answers that choose the route, with every saved-so-far list along it (and each with one
    earlier page missing), gets the same verdict from both for all twelve questions."""
    response = _draft(client)
    consent = ConsentRecord(response=response)
    db.session.add(consent)
    db.session.flush()
    verdicts = select(*(_may_save(q).label(q) for q in QUESTION_IDS)).select_from(
        Response.__table__.outerjoin(
            ConsentRecord.__table__, ConsentRecord.response_id == Response.id
        )
    )
    verdicts = verdicts.where(Response.id == response.id)
    checked = 0
    for respondent, decision, anonymous in route_choices():
        shape = Progress(respondent, decision, anonymous)
        pages = [p for p in route(shape) if p != CHECK]
        lists = [pages[:n] for n in range(len(pages) + 1)]
        lists += [pages[:n] + pages[n + 1 :] for n in range(len(pages))]
        for saved in lists:
            response.respondent = respondent
            consent.decision, consent.anonymous_feedback = decision, anonymous
            response.pages_saved = " ".join(saved)
            db.session.flush()
            got = [bool(v) for v in db.session.execute(verdicts).one()]
            want = [allowed(q, replace(shape, answered=set(saved))) for q in QUESTION_IDS]
            assert got == want, (shape, saved)
            checked += want.count(True)
    assert checked > 100  # the allowed side was reached often, not only the refusals

    # With no consent record at all, as before the consent page is saved: no question.
    db.session.delete(consent)
    response.respondent, response.pages_saved = "adult", "who"
    db.session.flush()
    assert not any(db.session.execute(verdicts).one())


def _save_q(app, invitation: Invitation, qid: str, generation: int | None = None):
    with app.test_request_context():
        session["inv"] = invitation.id
        session["gen"] = invitation.session_generation if generation is None else generation
        return save_question(STEPS[qid], {qid: "always", f"{qid}_comment": "Hi"}, "easy_read", "cy")


def _answered(response: Response) -> list[str]:
    db.session.commit()
    return sorted(db.session.scalars(select(Answer.question_id).filter_by(response=response)))


def test_a_question_is_saved_in_one_statement_only_when_the_session_may_save_it(app, client):
    path = new_link()
    begin(client, path)
    assert client.submit("/feedback/who", {"respondent": "adult"}).status_code == 302
    assert client.submit("/feedback/consent", CONSENT_AGREE).status_code == 302
    response = response_for(path)
    invitation = response.invitation
    if db.engine.dialect.name != "postgresql":
        # SQLite runs in the process, with no round trips to save: the ordinary path saves.
        assert _save_q(app, invitation, "q1") is None
        assert _answered(response) == []
        return

    progress = _save_q(app, invitation, "q1")
    assert progress.answered == {"who", "consent", "q1"} and progress.decision == "agree"
    assert _answered(response) == ["q1"]
    db.session.refresh(response)
    assert (response.format, response.language) == ("easy_read", "cy")
    assert response.answer("q1").codes == "always" and response.answer("q1").comment == "Hi"

    # Nothing is saved past an unsaved page, from an older session, after expiry or sending.
    assert _save_q(app, invitation, "q3") is None
    assert _save_q(app, invitation, "q2", generation=invitation.session_generation - 1) is None
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert _save_q(app, invitation, "q2") is None
    invitation.expires_at = utcnow() + timedelta(days=1)
    response.status = "submitted"
    db.session.commit()
    assert _save_q(app, invitation, "q2") is None
    assert _answered(response) == ["q1"]
    response.status = "draft"
    invitation.revoked_at = utcnow()
    db.session.commit()
    assert _save_q(app, invitation, "q2") is None
    invitation.revoked_at = None
    db.session.commit()
    assert _save_q(app, invitation, "q2").answered == {"who", "consent", "q1", "q2"}
    assert _answered(response) == ["q1", "q2"]


def test_a_page_the_one_statement_did_not_save_is_saved_by_the_ordinary_path(client, monkeypatch):
    """If the draft changed between save_question's look and the page's own read (another tab
    saved the page before, say), the ordinary path finds the page open and saves it there."""
    path = new_link()
    begin(client, path)
    assert client.submit("/feedback/who", {"respondent": "adult"}).status_code == 302
    assert client.submit("/feedback/consent", CONSENT_AGREE).status_code == 302
    monkeypatch.setattr("portal.journey.views.save_question", lambda *args, **kwargs: None)
    saved = client.submit("/feedback/q1", {"q1": "always", "q1_comment": "Kept"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/feedback/q2")
    response = response_for(path)
    assert response.answer("q1").codes == "always" and response.answer("q1").comment == "Kept"
    assert "q1" in response.pages_saved.split()
