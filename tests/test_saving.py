"""Saving a page writes in the database itself, so two tabs at once lose nothing."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.journey.saving import mark_saved, save_answer
from portal.models import Answer, Response
from portal.questionnaire import STEPS

from .helpers import begin, new_link, response_for


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
