from portal.answers.runner import CHECK, allowed, next_page, previous_page, resume_page, route
from portal.questionnaire import QUESTION_IDS, Progress


def test_adult_who_agrees_sees_consent_questions_contact_and_check():
    state = Progress(respondent="adult", decision="agree")
    assert route(state) == ["who", "consent", *QUESTION_IDS, "contact", CHECK]


def test_representative_page_only_for_representatives():
    assert "representative" in route(Progress(respondent="representative"))
    assert "representative" not in route(Progress(respondent="adult"))


def test_declining_with_no_feedback_ends_at_the_anonymous_question():
    state = Progress(respondent="adult", decision="decline", anonymous_feedback="no")
    assert route(state) == ["who", "consent", "anonymous"]


def test_declining_with_anonymous_feedback_skips_contact_details():
    state = Progress(respondent="adult", decision="decline", anonymous_feedback="yes")
    pages = route(state)
    assert pages[-1] == CHECK and "contact" not in pages and "q12" in pages


def test_next_and_previous():
    state = Progress(respondent="adult", decision="agree")
    assert next_page("consent", state) == "q1"
    assert next_page("q12", state) == "contact"
    assert previous_page("q1", state) == "consent"
    assert previous_page("who", state) is None


def test_resume_goes_to_first_unsaved_page():
    state = Progress(respondent="adult", decision="agree", answered={"who", "consent", "q1"})
    assert resume_page(state) == "q2"
    assert resume_page(Progress()) == "who"


def test_pages_cannot_be_reached_past_unsaved_ones():
    state = Progress(respondent="adult", answered={"who"})
    assert allowed("consent", state)
    assert not allowed("q1", state)  # not on the route until consent is decided
    agreed = Progress(respondent="adult", decision="agree", answered={"who", "consent"})
    assert allowed("q1", agreed) and not allowed("q3", agreed) and not allowed(CHECK, agreed)
