"""Bad input (issue 8 §3, issue 14 §4), beyond the public forms (tests/test_fuzz_forms.py):

- every staff form takes arbitrary unicode, very long values, missing fields, fields repeated
  thousands of times, digits from other scripts and impossible dates, and answers with a clear
  error, a conflict or a redirect: never a 500 (the checking client also parses every page it
  gets back as HTML5); the cases found by hand are tested one by one as well;
- a checkbox sent many times is stored once; delivery receipts that are not an object of short
  strings are refused;
- script and HTML payloads in every free-text field of the public journey and the staff case
  form show as text on the case page, in the meeting view and in the letters' PDFs;
- the language switch and staff sign-in's "next" never send anyone off-site;
- a forged Host header does not change the links in messages.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from portal import delivery, letters
from portal.delivery.outbox import feedback_letter_pdf
from portal.extensions import db, limiter
from portal.models import Action, AuditCase, Invitation, Organisation, OutboxMessage
from portal.models.cases import ABUSE_TYPES, CASE_STATUSES, CHANNELS
from portal.models.staff import ROLES
from portal.staff import auth, forms
from portal.staff.accounts import StaffAccountForm
from portal.staff.actions import (
    ActionFilterForm,
    ActionStatusForm,
    ActionUpdateForm,
    NewActionForm,
)
from portal.staff.audit_log import AuditLogFilterForm
from portal.staff.cases import CaseFilterForm, CaseForm
from portal.staff.invitations import ExpiryForm
from portal.staff.letters import FeedbackLetterForm
from portal.staff.meetings import MeetingForm
from portal.staff.organisations import OrganisationForm
from portal.staff.outbox import RemindersForm
from portal.staff.people import ParticipantForm
from portal.staff.recording import RecordStartForm
from portal.staff.report_checks import ChecksForm
from portal.staff.reports import ReportChoiceForm
from portal.staff.returns import ReturnRequestForm
from portal.staff.sign_in import SetUpForm, SignInForm
from portal.staff.voice import ConcernForm, WithdrawalForm

from .helpers import CONSENT_AGREE, begin, full_journey, new_link, response_for
from .staff_helpers import PASSWORD, code_for, fresh_session, make_user, sign_in, staff_forms
from .strategies import DATE, NUMBER, draw_form, refused_as_too_large, value

FUZZ = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


# --- Every staff form, fuzzed -----------------------------------------------------------------


@pytest.fixture
def staff(app, client):
    """A signed-in coordinator, a case with an adult, a live invitation, and a response sent
    with consent, so that every staff form accepts a POST."""
    limiter.enabled = False  # the fuzzing posts far more often than a person could
    path = new_link("FUZZ-1")
    adult = app.test_client()
    full_journey(adult, path)
    fresh_session()
    case = db.session.scalar(select(AuditCase).where(AuditCase.reference == "FUZZ-1"))
    invitation = db.session.scalar(select(Invitation).where(Invitation.case_id == case.id))
    _user, link = auth.create_user("new.person@example.org", "facilitator", name="New")
    db.session.commit()
    sign_in(client, make_user("coordinator"))
    action = Action(
        case_id=case.id,
        what="Review the pathway",
        owner=Organisation(name="Fuzz organisation"),
        lead="Lead",
        due_on=case.created_at.date(),
    )
    db.session.add(action)
    db.session.commit()
    ids = {
        "action": action.id,
        "case": case.id,
        "invitation": invitation.id,
        "response": invitation.response.id,
        "setup": urlsplit(link).path,
    }
    yield client, ids
    limiter.enabled = True


# Each staff form: its address and its class (whose fields are sent, with some it never expects).
STAFF_FORMS = {
    "sign_in": ("/staff/sign-in", SignInForm),
    "set_up": ("{setup}", SetUpForm),
    "case_new": ("/staff/cases/new", CaseForm),
    "case_edit": ("/staff/cases/{case}/edit", CaseForm),
    "person_adult": ("/staff/cases/{case}/people/adult", ParticipantForm),
    "person_representative": ("/staff/cases/{case}/people/representative", ParticipantForm),
    "expiry": ("/staff/cases/{case}/invitations/{invitation}/expiry", ExpiryForm),
    "record_start": ("/staff/cases/{case}/record", RecordStartForm),
    "concern": ("/staff/cases/{case}/responses/{response}/concern", ConcernForm),
    "withdraw": ("/staff/cases/{case}/responses/{response}/withdraw", WithdrawalForm),
    "reminders": ("/staff/outbox/reminders", RemindersForm),
    "feedback_preview": ("/staff/cases/{case}/feedback/preview", FeedbackLetterForm),
    "feedback_queue": ("/staff/cases/{case}/feedback/queue", FeedbackLetterForm),
    "meeting_record": ("/staff/cases/{case}/audit-meeting/record", MeetingForm),
    "action_new": ("/staff/cases/{case}/actions/new", NewActionForm),
    "action_status": ("/staff/actions/{action}/status", ActionStatusForm),
    "action_update": ("/staff/actions/{action}/updates", ActionUpdateForm),
    "report_checks": ("/staff/reports/checks", ChecksForm),
}
# Pages where a 200 after a POST may be a success (a page showing a new link, a preview).
SUCCESS_PAGES = {"set_up", "feedback_preview"}
# Each field's options, sent singly or many times over.
OPTIONS = {
    "abuse_types": tuple(ABUSE_TYPES),
    "channel": tuple(CHANNELS),
    "status": tuple(CASE_STATUSES),
}


def test_every_staff_form_that_takes_a_post_is_fuzzed():
    fuzzed = {form for _path, form in STAFF_FORMS.values()}
    elsewhere = {StaffAccountForm, CaseFilterForm, AuditLogFilterForm, ActionFilterForm}
    # The report chooser is a GET form, fuzzed in tests/test_staff_reports.py.
    elsewhere |= {ReportChoiceForm}
    # Fuzzed with their own fixtures: tests/test_staff_organisations.py (as an administrator) and
    # tests/test_staff_returns.py (asking for a return on a case).
    elsewhere |= {OrganisationForm, ReturnRequestForm}
    assert fuzzed | elsewhere | {forms.ActionForm} == set(staff_forms())


# Boxes that take a number: sent numbers in other scripts and of every size half the time.
NUMBERS = {"days", "nhs_number", "code", "phone"}


def field_values(app, form) -> dict[str, st.SearchStrategy]:
    """Each field of the form with the values it may be sent, and some fields it never expects.
    Date fields get impossible dates, and number fields odd numbers, half the time."""
    with app.test_request_context():
        fields = list(form(meta={"csrf": False}))
    values = {"unexpected": value(), "csrf_x": value()}
    for field in fields:
        if isinstance(field, forms.DateInputField):
            values[field.name] = value(likely=DATE)
        elif field.name in NUMBERS:
            values[field.name] = value(likely=NUMBER)
        else:
            values[field.name] = value(OPTIONS.get(field.name, ()))
    return values


@pytest.mark.parametrize("form_name", sorted(STAFF_FORMS))
@FUZZ
@given(data=st.data())
def test_any_input_to_any_staff_form_is_handled(app, staff, form_name, data):
    client, ids = staff
    template, form_class = STAFF_FORMS[form_name]
    path = template.format(**ids)
    fields = field_values(app, form_class)
    form = draw_form(data, fields)
    form["csrf_token"] = client.csrf_token("/staff/cases")
    response = client.post(path, data=form)
    if refused_as_too_large(app, response, form):
        return
    assert response.status_code in (200, 303, 404, 409), (path, response.status_code)
    if response.status_code == 404:
        assert form_name == "set_up"  # a set-up link that worked once is used up
    if response.status_code in (200, 409) and form_name not in SUCCESS_PAGES:
        # Back on the form: the reason is shown in a GOV.UK error summary.
        assert response.soup.select(".govuk-error-summary"), path


@FUZZ
@given(data=st.data())
def test_any_input_to_the_admin_forms_is_handled(app, client, data):
    limiter.enabled = False
    try:
        if not getattr(client, "_signed_in", False):
            sign_in(client, make_user("admin", totp=True))
            client._signed_in = True
        fields = field_values(app, StaffAccountForm)
        fields["role"] = value(tuple(ROLES))
        form = draw_form(data, fields)
        form["csrf_token"] = client.csrf_token("/staff/accounts/new")
        response = client.post("/staff/accounts/new", data=form)
        if not refused_as_too_large(app, response, form):
            assert response.status_code == 200
            created = response.soup.h1.get_text(" ", strip=True)
            assert response.soup.select(".govuk-error-summary") or "link" in created.lower()
        query = data.draw(
            st.dictionaries(st.sampled_from(["action", "actor", "case", "x"]), value())
        )
        assert client.get("/staff/audit-log", query_string=query).status_code == 200
    finally:
        limiter.enabled = True


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["quarter", "theme", "status", "x"]), value()))
def test_any_filter_on_the_case_list_is_handled(staff, query):
    client, _ids = staff
    assert client.get("/staff/cases", query_string=query).status_code == 200


def test_a_nul_in_a_filter_is_dropped_before_it_reaches_the_database(staff):
    # Found by the test above on PostgreSQL, which refuses NUL even in a query's parameters.
    client, _ids = staff
    for query in ({"quarter": ["\x00", ""]}, {"theme": "Self\x00-neglect"}, {"status": "\x00"}):
        assert client.get("/staff/cases", query_string=query).status_code == 200


# --- Digits that are not ASCII, and impossible dates (issue 14 §4) -------------------------------

# str.isdigit() is true for all of these; int() fails on the first two and reads the others.
DIGITS = {"²": None, "¹⁰": None, "٣": 3, "３": 3}


def test_reminder_days_in_any_digits_are_handled(staff):
    client, _ids = staff
    for days, number in {**DIGITS, "99999999999999999999": None, "0": None, "61": None}.items():
        response = client.post(
            "/staff/outbox/reminders",
            data={"csrf_token": client.csrf_token("/staff/outbox"), "days": days},
        )
        assert response.status_code == 303, (days, response.status_code)
        done = "done=reminders&" if number else "done=reminders-invalid"
        assert done in response.headers["Location"], days


def test_an_nhs_number_in_other_digits_is_refused_with_a_message(staff):
    client, _ids = staff
    for number in ("²" * 10, "٣" * 10, "４８５７７７３４５６"):
        page = client.submit("/staff/cases/new", {"reference": "NHS-1", "nhs_number": number})
        assert page.status_code == 200, number
        assert "Enter a valid NHS number" in page.soup.select_one(".govuk-error-summary").text


def test_a_security_code_in_other_digits_is_refused_with_a_message(app, client):
    user = make_user("coordinator")
    for code in ("²²²²²²", "٣٣٣٣٣٣", "１２３４５６"):
        page = client.submit(
            "/staff/sign-in", {"email": user.email, "password": PASSWORD, "code": code}
        )
        assert page.status_code == 200, code
        assert page.soup.select_one(".govuk-error-summary"), code


# Every date field in the staff forms, and a page that posts it (checked against the forms).
DATE_FIELDS = {
    ("CaseForm", "date_of_birth"): "/staff/cases/new",
    ("CaseForm", "concern_raised_on"): "/staff/cases/{case}/edit",
    ("ConcernForm", "escalated_on"): "/staff/cases/{case}/responses/{response}/concern",
    ("WithdrawalForm", "withdrawn_on"): "/staff/cases/{case}/responses/{response}/withdraw",
    ("ExpiryForm", "expires_on"): "/staff/cases/{case}/invitations/{invitation}/expiry",
    ("NewActionForm", "due_on"): "/staff/cases/{case}/actions/new",
    ("MeetingForm", "held_on"): "/staff/cases/{case}/audit-meeting/record",
}
IMPOSSIBLE_DATES = (
    ("1", "1", "99999999999999999999"),
    ("1", "1", "0"),
    ("1", "1", "-1"),
    ("1", "1", "²⁰²⁰"),
    ("99999999999999999999", "1", "2020"),
    ("1", "99999999999999999999", "2020"),
    ("31", "2", "2020"),
    ("-1", "13", "2020"),
    ("1", "1", "9" * 5000),
)


def test_every_staff_date_field_is_tested():
    from wtforms.fields.core import UnboundField

    from portal.staff.forms import DateInputField

    found = {
        (form.__name__, name)
        for form in staff_forms()
        for name, field in vars(form).items()
        if isinstance(field, UnboundField) and issubclass(field.field_class, DateInputField)
    }
    assert found == set(DATE_FIELDS)


@FUZZ
@given(data=st.data())
def test_any_numbers_in_any_staff_date_field_are_handled(staff, data):
    client, ids = staff
    for (_form, field), path in DATE_FIELDS.items():
        page = client.submit(path.format(**ids), {field: data.draw(DATE)})
        assert page.status_code in (200, 303), (path, page.status_code)


def test_an_impossible_date_gets_a_message_in_every_staff_date_field(staff):
    client, ids = staff
    for (_form, field), path in DATE_FIELDS.items():
        for day_month_year in IMPOSSIBLE_DATES:
            page = client.submit(path.format(**ids), {field: list(day_month_year)})
            assert page.status_code == 200, (path, day_month_year, page.status_code)
            summary = page.soup.select_one(".govuk-error-summary").get_text(" ", strip=True)
            assert "must be a real date" in summary, (path, day_month_year, summary)


# --- A checkbox sent many times ------------------------------------------------------------------


def test_a_checkbox_sent_thousands_of_times_is_stored_once(app, client):
    path = new_link("REPEAT-1")
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    for number in range(1, 11):
        client.submit(f"/feedback/q{number}", {})
    page = client.submit("/feedback/q11", {"q11": ["know_more"] * 5000 + ["forum", "know_more"]})
    assert page.status_code == 302
    assert response_for(path).answer("q11").codes == "forum know_more"  # the definition’s order
    # An option the page does not offer is refused, however often it is sent.
    page = client.submit("/feedback/q11", {"q11": ["forum", "x" * 300] * 50})
    assert page.status_code == 200
    assert page.soup.select(".govuk-error-summary__list a")
    assert response_for(path).answer("q11").codes == "forum know_more"


def test_a_type_of_abuse_sent_thousands_of_times_is_stored_once(staff):
    client, ids = staff
    form = {"reference": "FUZZ-1", "quarter": "2026-Q4", "status": "preparing"}
    form["abuse_types"] = ["neglect"] * 5000 + ["physical"]
    form["version"] = client.get(f"/staff/cases/{ids['case']}/edit").soup.find(
        "input", attrs={"name": "version"}
    )["value"]
    assert client.submit(f"/staff/cases/{ids['case']}/edit", form).status_code == 303
    fresh_session()
    assert db.session.get(AuditCase, ids["case"]).abuse_types == "physical neglect"


# --- Script and HTML payloads render as text ----------------------------------------------------


def assert_shown_as_text(page, payloads) -> None:
    html = page.get_data(as_text=True)
    assert SCRIPT not in html and "<img src=x" not in html
    assert not page.soup.select("img[src=x]") and not page.soup.select("[onerror]")
    text = page.soup.get_text()
    for payload in payloads:
        assert payload in text, payload


def payload(n: int) -> str:
    """A distinct payload for each field, so each is found where it belongs."""
    return f"{n} {SCRIPT} {IMG}"


CASE_TEXT_FIELDS = (
    "participants_and_roles",
    "adult_name",
    "adult_known_as",
    "care_first_number",
    "agency_system_id",
    "abuse_location",
    "referral_source",
    "presenting_concern",
    "agencies_involved",
    "cause_of_risk",
    "documents_reviewed",
    "documents_not_available",
    "desired_outcome",
)
SHORT = {"care_first_number": 30, "agency_system_id": 60}


def test_payloads_in_every_free_text_field_show_as_text_to_staff(app, client):
    # The adult's answers: every free-text field of the journey.
    path = new_link("XSS-1")
    adult = app.test_client()
    consent = dict(
        CONSENT_AGREE,
        subject_name=payload(1),
        completed_by=payload(2),
        signature=payload(3),
        relationship=payload(4),
        restrictions=payload(5),
        comments=payload(6),
    )
    begin(adult, path)
    assert adult.submit("/feedback/who", {"respondent": "adult"}).status_code == 302
    assert adult.submit("/feedback/consent", consent).status_code == 302
    for number in range(1, 13):
        reply = adult.submit(f"/feedback/q{number}", {f"q{number}_comment": payload(10 + number)})
        assert reply.status_code == 302, number
    contact = {
        "contact_name": payload(30),
        "contact_representative_name": payload(31),
        "contact_address": payload(32),
    }
    assert adult.submit("/feedback/contact", contact).status_code == 302
    check = adult.submit("/feedback/check")
    assert check.status_code == 302
    confirmation = adult.get("/feedback/confirmation")
    assert_shown_as_text(confirmation, [payload(5), payload(12)])

    # The staff case form: every free-text field.
    sign_in(client, make_user("coordinator"))
    fresh_session()
    case = db.session.scalar(select(AuditCase).where(AuditCase.reference == "XSS-1"))
    edit = client.get(f"/staff/cases/{case.id}/edit")
    version = edit.soup.find("input", attrs={"name": "version"})["value"]
    form = {"reference": "XSS-1", "quarter": "2026-Q4", "status": "preparing", "version": version}
    form["theme"] = IMG  # short fields: the payload itself
    for n, name in enumerate(CASE_TEXT_FIELDS, start=40):
        form[name] = payload(n)[: SHORT.get(name, 2000)]
    saved = client.submit(f"/staff/cases/{case.id}/edit", form)
    assert saved.status_code == 303, saved.soup.select_one(".govuk-error-summary")

    case_page = client.get(f"/staff/cases/{case.id}")
    assert case_page.status_code == 200
    assert_shown_as_text(
        case_page,
        [form[name] for name in CASE_TEXT_FIELDS if name not in SHORT] + [payload(5)],
    )
    meeting = client.get(f"/staff/cases/{case.id}/meeting")
    assert meeting.status_code == 200
    answers = [payload(n) for n in (5, 6, *range(11, 23))]
    assert_shown_as_text(meeting, answers)
    # The edit form shows them back as values, escaped.
    assert_shown_as_text(client.get(f"/staff/cases/{case.id}/edit"), [])


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_payloads_show_as_text_in_the_letters(app):
    from .delivery_support import invite, participant

    app.config["LETTER_ROUTE"] = "print"
    person = participant(
        "letter", name=payload(1), known_as=None, address=f"{payload(2)}\nExeter\nEX1 1AA"
    )
    invitation, token = invite(person)
    message = delivery.queue_invitation(invitation, token, actor="test")
    db.session.commit()
    assert SCRIPT not in message.letter_html and "<img src=x" not in message.letter_html
    consent_letter = pdf_text(letters.render_pdf(message.letter_html))
    assert squeeze(payload(1)) in consent_letter
    assert squeeze(payload(2)) in consent_letter

    feedback = pdf_text(
        feedback_letter_pdf(person, f"Found: {payload(3)}", f"Next: {IMG}\n\n{SCRIPT}")
    )
    for shown in (payload(1), payload(3), IMG, SCRIPT):
        assert squeeze(shown) in feedback, shown


# --- Redirects stay on this site ----------------------------------------------------------------

OFF_SITE = (
    "//evil.example",
    "//evil.example/feedback/who",
    "https://evil.example",
    "http://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "/%2F%2Fevil.example",
    "https:evil.example",
    "///evil.example",
    "data:text/html,<script>alert(1)</script>",
)


def assert_on_site(location: str) -> None:
    # Browsers drop tabs and newlines from a URL before following it.
    location = re.sub(r"[\t\n\r]", "", location)
    parts = urlsplit(location)
    assert parts.scheme in ("", "http"), location
    assert parts.netloc in ("", "localhost"), location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "\\" not in location, location


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_redirects_off_site(client, target):
    response = client.submit("/preferences", {"lang": "cy", "next": target})
    assert response.status_code == 302
    assert_on_site(response.headers["Location"])


def test_the_language_switch_keeps_a_path_on_this_site(client):
    response = client.submit("/preferences", {"lang": "cy", "next": "/feedback/q3?change=1"})
    assert response.headers["Location"] == "/feedback/q3?change=1"


def test_staff_sign_in_never_redirects_off_site(app, client):
    user = make_user("coordinator")
    for target in OFF_SITE:
        fresh_session()
        db.session.execute(
            db.update(type(user)).where(type(user).id == user.id).values(totp_last_step=None)
        )
        db.session.commit()
        response = client.post(
            "/staff/sign-in",
            query_string={"next": target},
            data={
                "csrf_token": client.csrf_token("/staff/sign-in"),
                "email": user.email,
                "password": PASSWORD,
                "code": code_for(user),
            },
        )
        assert response.status_code == 303, target
        assert_on_site(response.headers["Location"])
        assert response.headers["Location"].startswith("/staff/")
        client.submit("/staff/sign-out")


def test_signing_in_returns_to_the_staff_page_asked_for(app, client):
    user = make_user("coordinator")
    asked = client.get("/staff/cases?status=closed")
    assert asked.status_code == 303
    assert_on_site(asked.headers["Location"])
    response = client.post(
        asked.headers["Location"],
        data={
            "csrf_token": client.csrf_token("/staff/sign-in"),
            "email": user.email,
            "password": PASSWORD,
            "code": code_for(user),
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/staff/cases")


# --- A forged Host header does not change links in messages --------------------------------------


def test_a_forged_host_header_does_not_change_the_links_in_messages(app, client):
    from .delivery_support import invite, participant

    base = app.config["PUBLIC_BASE_URL"]
    with app.test_request_context(
        "/staff/cases", base_url="http://evil.example", headers={"Host": "evil.example"}
    ):
        person = participant("email")
        invitation, token = invite(person)
        message = delivery.queue_invitation(invitation, token, actor="test")
        db.session.commit()
        body = message.body
    assert f"{base}/r/{token}" in body
    assert "evil.example" not in body
    links_in_body = re.findall(r"https?://[^\s)]+", body)
    assert links_in_body and all(link.startswith(base) for link in links_in_body), links_in_body

    # Over HTTP too: the link a coordinator is shown after inviting someone.
    sign_in(client, make_user("coordinator"))
    fresh_session()
    token = client.csrf_token(f"/staff/cases/{person.case_id}")
    # The browser sends its cookie to whatever host it thinks it is talking to.
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    shown = client.post(
        f"/staff/cases/{person.case_id}/people/adult/invite",
        data={"csrf_token": token},
        headers={"Host": "evil.example"},
    )
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "evil.example" not in text
    assert f"{base}/r/" in text
    fresh_session()
    for message in db.session.scalars(select(OutboxMessage)):
        assert "evil.example" not in (message.body or "") + (message.letter_html or "")


# --- Delivery receipts: any JSON body ------------------------------------------------------------

RECEIPTS = "/delivery/notify/receipts"
NOT_RECEIPTS = (
    [],
    ["delivered"],
    "delivered",
    3,
    1.5,
    True,
    None,
    {},
    {"reference": 1, "status": "delivered"},
    {"reference": ["r"], "status": "delivered"},
    {"reference": "r", "status": {"code": "delivered"}},
    {"reference": "r" * 1_000, "status": "delivered"},
    {"reference": "r", "status": "s" * 1_000},
    {"reference": "r", "status": "delivered", "id": 5},
    {"reference": "r", "status": "delivered", "id": ["x"]},
    {"reference": "r", "status": "delivered", "id": "x" * 1_000},  # 200 in the table
)


@pytest.fixture
def sent_message(app):
    from .delivery_support import CALLBACK_TOKEN, invite, participant

    app.config["NOTIFY_CALLBACK_TOKEN"] = CALLBACK_TOKEN
    invitation, token = invite(participant("email"))
    message = delivery.queue_invitation(invitation, token, actor="test")
    message.status = "sent"
    db.session.commit()
    return message.id, message.reference, {"Authorization": f"Bearer {CALLBACK_TOKEN}"}


@pytest.mark.parametrize("body", NOT_RECEIPTS)
def test_a_receipt_that_is_not_an_object_of_short_strings_is_refused(client, sent_message, body):
    message_id, reference, auth_header = sent_message
    if isinstance(body, dict) and body.get("reference") == "r":
        body = {**body, "reference": reference}  # a real message, so only the shape is wrong
    answer = client.post(RECEIPTS, json=body, headers=auth_header)
    assert answer.status_code == 400, answer.status_code
    db.session.rollback()
    message = db.session.get(OutboxMessage, message_id)
    assert (message.status, message.provider_id) == ("sent", None)


def test_a_well_formed_receipt_is_applied(client, sent_message):
    message_id, reference, auth_header = sent_message
    body = {"id": None, "reference": reference, "status": "delivered", "template_version": 1}
    assert client.post(RECEIPTS, json=body, headers=auth_header).status_code == 200
    db.session.rollback()
    assert db.session.get(OutboxMessage, message_id).status == "delivered"
