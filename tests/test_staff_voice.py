"""The adult's voice on the case page and the meeting view: exactly what was submitted, and
nothing a person declined or withdrew."""

from __future__ import annotations

from sqlalchemy import select

from portal.delivery import CONSENT_WITHDRAWN
from portal.extensions import db
from portal.models import Response
from portal.questionnaire import QUESTIONS_BY_ID
from portal.wording import say

from .helpers import CONSENT_AGREE, message_status, new_link, queue_invitation_email
from .staff_helpers import fresh_session, make_case, make_user, sign_in

ANSWERS = {
    "q1": {"q1_comment": "Nobody explained what would happen."},
    "q5": {"q5_comment": "My daughter helped me a lot."},
}
RESTRICTION = "Do not share anything with my neighbour Mrs Jones"


def _adult_sends(app, consent=None, answers=None):
    adult = app.test_client()
    path = new_link("CASE-1")
    consent = consent or dict(CONSENT_AGREE, restrictions=RESTRICTION)
    from .helpers import answer_questions, begin

    begin(adult, path)
    adult.submit("/feedback/who", {"respondent": "adult"})
    adult.submit("/feedback/consent", consent)
    if consent["decision"] == "decline":
        adult.submit("/feedback/anonymous", {"anonymous_feedback": "yes"})
    answer_questions(adult, answers or ANSWERS)
    if consent["decision"] == "agree":
        adult.submit("/feedback/contact", {})
    response = adult.submit("/feedback/check")
    assert response.status_code == 302
    fresh_session()
    return path


def test_case_page_and_meeting_view_show_what_was_submitted(client, app):
    coordinator = make_user("coordinator")
    make_case("CASE-1")
    _adult_sends(app)
    sign_in(client, coordinator)
    for path in ("/staff/cases/1", "/staff/cases/1/meeting"):
        page = client.get(path)
        text = page.get_data(as_text=True)
        banner = page.soup.select_one(".staff-restrictions")
        assert banner is not None and RESTRICTION in banner.get_text()
        # The restrictions come before the answers.
        assert text.index(RESTRICTION) < text.index("Nobody explained")
        assert "Consent given" in text
        for qid, answer in ANSWERS.items():
            assert answer[f"{qid}_comment"] in text
        # Every question is listed, worded from the definition.
        answers = page.soup.select(".staff-answers .govuk-summary-list__row")
        assert len(answers) == 12
        with app.test_request_context():
            assert say(QUESTIONS_BY_ID["q1"].title) in answers[0].get_text()
        assert "Online, standard, in English" in text


def test_declined_views_are_left_out(client, app):
    coordinator = make_user("coordinator")
    make_case("CASE-1")
    _adult_sends(
        app, consent={"decision": "decline"}, answers={"q1": {"q1_comment": "Private words"}}
    )
    sign_in(client, coordinator)
    case_page = client.get("/staff/cases/1").get_data(as_text=True)
    assert "Consent declined" in case_page and "Private words" not in case_page
    meeting = client.get("/staff/cases/1/meeting").get_data(as_text=True)
    assert "Private words" not in meeting and "left out" in meeting


def test_a_withdrawal_by_phone_hides_the_views(client, app):
    facilitator = make_user("facilitator")
    make_case("CASE-1", facilitator=facilitator)
    _adult_sends(app)
    sign_in(client, facilitator)
    response_id = db.session.scalar(select(Response.id))
    result = client.submit(
        f"/staff/cases/1/responses/{response_id}/withdraw",
        {"withdrawn_on": ["2", "1", "2026"], "via": "phone"},
    )
    assert result.status_code == 303
    case_page = client.get("/staff/cases/1").get_data(as_text=True)
    assert "Consent withdrawn" in case_page and "Nobody explained" not in case_page
    assert "2 January 2026, By phone" in case_page
    meeting = client.get("/staff/cases/1/meeting").get_data(as_text=True)
    assert "Nobody explained" not in meeting and RESTRICTION not in meeting


def test_a_withdrawal_recorded_by_staff_cancels_messages_not_yet_sent(client, app):
    coordinator = make_user("coordinator")
    make_case("CASE-1")
    path = _adult_sends(app)
    unsent = queue_invitation_email(path)
    sign_in(client, coordinator)
    response_id = db.session.scalar(select(Response.id))
    result = client.submit(
        f"/staff/cases/1/responses/{response_id}/withdraw",
        {"withdrawn_on": ["2", "1", "2026"], "via": "letter"},
    )
    assert result.status_code == 303
    assert message_status(unsent) == ("cancelled", CONSENT_WITHDRAWN)


def test_a_facilitator_records_answers_by_phone_and_flags_a_concern(client, app):
    facilitator = make_user("facilitator")
    make_case("CASE-1", facilitator=facilitator, adult_name="Margaret Example")
    sign_in(client, facilitator)
    start = client.submit("/staff/cases/1/record", {"respondent": "adult", "method": "phone"})
    assert start.status_code == 303
    page = start.headers["Location"]
    base = page.rsplit("/", 1)[0]
    assert client.submit(f"{base}/who", {"respondent": "adult"}).status_code == 303
    assert client.submit(f"{base}/consent", CONSENT_AGREE).status_code == 303
    for number in range(1, 13):
        data = {"q2_comment": "Told by phone: felt listened to."} if number == 2 else {}
        assert client.submit(f"{base}/q{number}", data).status_code == 303
    assert client.submit(f"{base}/contact", {}).status_code == 303
    assert client.submit(f"{base}/check").status_code == 303
    fresh_session()
    response = db.session.scalar(select(Response))
    assert response.status == "submitted" and response.method == "phone"
    text = client.get("/staff/cases/1").get_data(as_text=True)
    assert "Told by phone: felt listened to." in text
    assert "By phone, recorded by the facilitator" in text
    flagged = client.submit(
        f"/staff/cases/1/responses/{response.id}/concern",
        {
            "escalated_to": "Safeguarding lead, Example NHS Trust",
            "escalated_on": ["3", "1", "2026"],
            "how": "Phoned the lead and emailed the details securely.",
        },
    )
    assert flagged.status_code == 303
    text = client.get("/staff/cases/1").get_data(as_text=True)
    assert "raised a new safeguarding concern" in text
    assert "Safeguarding lead, Example NHS Trust" in text
