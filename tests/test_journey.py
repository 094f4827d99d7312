"""The adult's journey end to end through the page-checking client."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Answer, AuditEvent, Response

from .helpers import CONSENT_AGREE, answer_questions, begin, full_journey, new_link, response_for


def test_whole_journey_as_the_adult_stores_option_codes(client):
    path = new_link()
    answers = {
        "q1": {"q1": "always", "q1_comment": "They listened"},
        "q4": {"q4": "yes", "q4_comment": "My sister"},
        "q11": {"q11": ["forum", "know_more"]},
        "q12": {"q12_comment": "Fine"},
    }
    sent = full_journey(client, path, answers, {"contact_email": " Sam@Example.com "})
    assert sent.headers["Location"].endswith("/feedback/confirmation")

    response = response_for(path)
    assert response.status == "submitted" and response.respondent == "adult"
    assert response.consent.decision == "agree" and response.consent.declaration is True
    assert response.consent.signed_on is not None
    stored = {a.question_id: (a.codes, a.comment) for a in response.answers}
    assert stored["q1"] == ("always", "They listened")
    assert stored["q4"] == ("yes", "My sister")
    assert stored["q11"] == ("forum know_more", None)
    assert stored["q12"] == ("", "Fine")
    assert stored["q2"] == ("", None)  # skipped, and saved as skipped
    assert response.contact_email == "Sam@example.com"

    page = client.get("/feedback/confirmation")
    text = page.soup.get_text(" ")
    assert response.reference in text
    assert "They listened" in text and "I was always listened to" in text
    assert "we will let you know what we have found out" in text


def test_representative_gives_name_relationship_and_basis(client):
    path = new_link(recipient="representative")
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "representative"})
    page = client.submit("/feedback/representative", {})
    assert page.status_code == 200
    errors = page.soup.select(".govuk-error-summary__list a")
    assert [a["href"] for a in errors] == [
        "#representative_name",
        "#representative_relationship",
        "#representative_basis",
    ]
    client.submit(
        "/feedback/representative",
        {
            "representative_name": "Alex Carer",
            "representative_relationship": "Son",
            "representative_basis": "lpa",
        },
    )
    consent_page = client.get("/feedback/consent")
    # What they told us already is offered again on the consent form.
    assert consent_page.soup.find(id="completed_by")["value"] == "Alex Carer"
    assert consent_page.soup.find(id="relationship")["value"] == "Son"
    client.submit("/feedback/consent", {**CONSENT_AGREE, "relationship": "Son"})
    answer_questions(client)
    client.submit("/feedback/contact", {})
    assert client.submit("/feedback/check").status_code == 302

    response = response_for(path)
    assert response.respondent == "representative"
    assert response.representative_basis == "lpa"
    assert response.consent.relationship == "Son"


def test_declining_then_no_feedback_records_the_decision_only(client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    token = client.csrf_token("/feedback/consent")
    skipped = client.post("/feedback/q1", data={"csrf_token": token, "q1": "always"})
    assert skipped.headers["Location"].endswith("/feedback/consent")  # not reachable yet
    assert (
        client.submit("/feedback/consent", {"decision": "decline"})
        .headers["Location"]
        .endswith("/feedback/anonymous")
    )
    done = client.submit("/feedback/anonymous", {"anonymous_feedback": "no"})
    assert done.headers["Location"].endswith("/feedback/confirmation")
    page = client.get("/feedback/confirmation")
    assert "We will not share your information" in page.soup.get_text()

    response = response_for(path)
    assert response.status == "submitted"
    assert response.consent.decision == "decline" and response.consent.signed_on is None
    assert response.answers == []


def test_declining_with_anonymous_feedback_keeps_answers_but_no_contact(client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", {"decision": "decline"})
    assert (
        client.submit("/feedback/anonymous", {"anonymous_feedback": "yes"})
        .headers["Location"]
        .endswith("/feedback/q1")
    )
    answer_questions(client, {"q8": {"q8": "a_lot_safer"}})
    assert client.get("/feedback/contact").headers["Location"].endswith("/feedback/check")
    assert client.submit("/feedback/check").status_code == 302
    response = response_for(path)
    assert response.answer("q8").codes == "a_lot_safer"
    assert response.contact_email is None


def test_changing_to_decline_discards_earlier_answers_on_submit(client):
    path = new_link()
    full_journey(client, path, {"q1": {"q1": "always"}})
    response = response_for(path)
    assert response.answer("q1").codes == "always"
    # A second invitation on another case: change of mind before sending.
    other = new_link("CASE-2")
    client2 = client.application.test_client()
    begin(client2, other)
    client2.submit("/feedback/who", {"respondent": "adult"})
    client2.submit("/feedback/consent", CONSENT_AGREE)
    answer_questions(client2, {"q1": {"q1": "always"}})
    client2.submit("/feedback/consent?change=1", {"decision": "decline"})
    client2.submit("/feedback/anonymous", {"anonymous_feedback": "no"})
    assert response_for(other).answers == []


def test_check_answers_change_link_returns_to_check(client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    answer_questions(client)
    client.submit("/feedback/contact", {})
    check = client.get("/feedback/check")
    change = check.soup.find("a", href="/feedback/q3?change=1")
    assert change is not None
    assert "Question 3" in change.get_text()  # the visually hidden text names the question
    back = client.submit("/feedback/q3?change=1", {"q3": "most"})
    assert back.headers["Location"].endswith("/feedback/check")
    assert (
        "I was able to understand most of the information"
        in client.get("/feedback/check").soup.get_text()
    )


def test_resuming_after_the_browser_is_closed(app, client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    client.submit("/feedback/q1", {"q1": "quite_a_bit", "q1_comment": "Mostly"})

    fresh = app.test_client()  # a new browser: no cookies
    start = fresh.get(path)
    assert "Continue where you left off" in start.soup.get_text()
    resumed = fresh.submit(path)
    assert resumed.headers["Location"].endswith("/feedback/q2")
    q1 = fresh.get("/feedback/q1")
    assert q1.soup.find("input", attrs={"value": "quite_a_bit"}).has_attr("checked")
    assert q1.soup.find("textarea").get_text() == "Mostly"


def test_beginning_again_ends_the_other_browser_session(app, client):
    path = new_link()
    begin(client, path)
    other = app.test_client()
    begin(other, path)
    assert client.get("/feedback/who").status_code == 403
    assert "Your session has ended" in client.get("/feedback/who").soup.get_text()
    assert other.get("/feedback/who").status_code == 200


def test_double_submission_stores_one_response(app, client):
    path = new_link()
    full_journey(client, path)
    again = client.submit  # the button pressed twice: the page is already gone
    second = client.post("/feedback/check", data={"csrf_token": _token(client)})
    assert second.status_code == 200
    assert "You have already sent your answers" in second.soup.get_text()
    assert again is not None
    count = db.session.scalar(select(func.count()).select_from(Response))
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "submitted"))
    assert count == 1 and len(list(events)) == 1


def _token(client) -> str:
    return client.get("/feedback/confirmation").soup.find("input", attrs={"name": "csrf_token"})[
        "value"
    ]


def test_two_tabs_submitting_store_one_response(app, client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    answer_questions(client)
    client.submit("/feedback/contact", {})
    token = client.get("/feedback/check").soup.find("input", attrs={"name": "csrf_token"})["value"]
    first = client.post("/feedback/check", data={"csrf_token": token})
    second = client.post("/feedback/check", data={"csrf_token": token})
    assert first.status_code == 302
    assert "You have already sent your answers" in second.soup.get_text()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_the_link_after_submission_shows_already_sent(client):
    path = new_link()
    full_journey(client, path)
    page = client.get(path)
    assert page.status_code == 200
    assert page.soup.h1.get_text(strip=True) == "You have already sent your answers"
    assert "01392 383000" in page.soup.get_text()
    assert client.submit(path).soup.h1.get_text(strip=True) == "You have already sent your answers"


def test_two_tabs_saving_the_same_question_keep_one_answer(app, client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    token = client.get("/feedback/q1").soup.find("input", attrs={"name": "csrf_token"})["value"]
    client.post("/feedback/q1", data={"csrf_token": token, "q1": "always"})
    client.post("/feedback/q1", data={"csrf_token": token, "q1": "not_at_all"})
    rows = db.session.scalars(select(Answer).where(Answer.question_id == "q1")).all()
    assert [r.codes for r in rows] == ["not_at_all"]


def test_pages_cannot_be_skipped_by_typing_an_address(client):
    path = new_link()
    begin(client, path)
    assert client.get("/feedback/q5").headers["Location"].endswith("/feedback/who")
    assert client.get("/feedback/check").headers["Location"].endswith("/feedback/who")
    assert client.get("/feedback/nonsense").status_code == 404


def test_journey_pages_need_a_session(client):
    page = client.get("/feedback/who")
    assert page.status_code == 403
    assert page.soup.h1.get_text(strip=True) == "Your session has ended"


def test_confirmation_shows_the_reference_in_the_panel(client):
    path = new_link()
    full_journey(client, path)
    panel = client.get("/feedback/confirmation").soup.select_one(".govuk-panel__body")
    assert panel.find("strong").get_text() == response_for(path).reference
    assert "<br>" not in panel.get_text()
