"""Audit cases, people and invitations in the back-office, and the audit log they leave."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from portal.extensions import db
from portal.links import find
from portal.models import AuditCase, AuditEvent, Invitation, Participant
from portal.staff.cases import nhs_number_valid

from .staff_helpers import fresh_session, make_case, make_user, sign_in

APPENDIX_1 = {
    "reference": "SAB-2026-014",
    "quarter": "2026-q4",
    "theme": "Self-neglect",
    "status": "preparing",
    "participants_and_roles": "Social worker (adult social care); district nurse",
    "adult_name": "Margaret Example",
    "adult_known_as": "Peggy",
    "date_of_birth": ["3", "7", "1941"],
    "care_first_number": "CF123456",
    "nhs_number": "943 476 5919",
    "agency_system_id": "RiO-99812",
    "concern_raised_on": ["14", "2", "2026"],
    "abuse_types": ["self_neglect", "financial"],
    "abuse_location": "Own home",
    "referral_source": "GP",
    "presenting_concern": "Not eating; unpaid bills",
    "agencies_involved": "Adult social care; NHS",
    "outcomes_met": "partly",
    "cause_of_risk": "Self",
    "documents_reviewed": "Concern form; enquiry form",
    "documents_not_available": "Care plan",
    "desired_outcome": "To stay at home and feel safe",
}


def test_nhs_number_check_digit():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("123")


def _create(client, data=None):
    form = dict(APPENDIX_1, **(data or {}))
    return client.submit("/staff/cases/new", form)


def test_coordinator_creates_a_case_from_appendix_1(client, app):
    coordinator = make_user("coordinator")
    facilitator = make_user("facilitator", name="Fran Facilitator")
    sign_in(client, coordinator)
    response = _create(client, {"facilitator_id": str(facilitator.id)})
    assert response.status_code == 303
    fresh_session()
    case = db.session.scalar(select(AuditCase).where(AuditCase.reference == "SAB-2026-014"))
    assert case.quarter == "2026-Q4" and case.nhs_number == "9434765919"
    # Stored in the definition's order, whatever order they were sent in (ChoicesField).
    assert case.abuse_types == "financial self_neglect" and case.outcomes_met == "partly"
    assert case.date_of_birth.isoformat() == "1941-07-03"
    assert case.facilitator_id == facilitator.id
    page = client.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    for shown in (
        "Margaret Example",
        "Peggy",
        "943 476 5919",
        "Self-neglect",
        "Financial or material abuse",
        "3 July 1941",
        "To stay at home and feel safe",
        "Fran",
    ):
        assert shown in text, shown


def test_invalid_details_are_refused_with_messages(client, app):
    sign_in(client, make_user("coordinator"))
    response = _create(
        client,
        {"nhs_number": "943 476 5918", "quarter": "Q4", "date_of_birth": ["31", "2", "1950"]},
    )
    assert response.status_code == 200
    errors = response.soup.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "valid NHS number" in errors and "2026-Q4" in errors and "real date" in errors
    fresh_session()
    assert db.session.scalar(select(AuditCase.id)) is None


def test_a_stale_edit_is_refused_with_a_clear_message(client, app):
    coordinator = make_user("coordinator")
    case = make_case("CASE-1")
    sign_in(client, coordinator)
    path = f"/staff/cases/{case.id}/edit"
    page = client.get(path)
    version = page.soup.find("input", attrs={"name": "version"})["value"]
    token = page.soup.find("input", attrs={"name": "csrf_token"})["value"]
    # Someone else saves first.
    fresh_session()
    case.theme = "Changed elsewhere"
    db.session.commit()
    form = dict(APPENDIX_1, reference="CASE-1", version=version, csrf_token=token)
    response = client.post(path, data=form)
    assert response.status_code == 409
    assert "Someone else saved changes" in response.get_data(as_text=True)
    fresh_session()
    assert db.session.get(AuditCase, case.id).theme == "Changed elsewhere"
    # Saving again from the refreshed form works.
    fresh_version = response.soup.find("input", attrs={"name": "version"})["value"]
    form["version"] = fresh_version
    assert client.post(path, data=form).status_code == 303
    fresh_session()
    assert db.session.get(AuditCase, case.id).theme == "Self-neglect"


def test_list_filters_by_quarter_theme_and_status(client, app):
    sign_in(client, make_user("coordinator"))
    make_case("A-1")
    make_case("B-2", quarter="2027-Q1", theme="Financial abuse")
    fresh_session()
    db.session.get(AuditCase, 2)
    page = client.get("/staff/cases?quarter=2027-Q1").get_data(as_text=True)
    assert "B-2" in page and "A-1" not in page
    page = client.get("/staff/cases?theme=Self-neglect").get_data(as_text=True)
    assert "A-1" in page and "B-2" not in page
    page = client.get("/staff/cases?status=closed").get_data(as_text=True)
    assert "A-1" not in page and "No cases match" in page


def _person(client, case, **data):
    form = {
        "name": "Margaret Example",
        "channel": "email",
        "email": "peggy@example.org",
        "format": "easy_read",
        "language": "cy",
    }
    form.update(data)
    return client.submit(f"/staff/cases/{case.id}/people/adult", form)


def test_contact_details_are_validated(client, app):
    sign_in(client, make_user("coordinator"))
    case = make_case()
    bad = _person(client, case, email="not an email")
    assert bad.status_code == 200 and "correct format" in bad.get_data(as_text=True)
    bad = _person(client, case, channel="text", phone="01632 960 001")
    assert bad.status_code == 200 and "mobile" in bad.get_data(as_text=True)
    bad = _person(client, case, channel="letter")
    assert bad.status_code == 200 and "postal address" in bad.get_data(as_text=True)
    ok = _person(client, case, channel="text", phone="07700 900982")
    assert ok.status_code == 303, ok.soup.select_one(".govuk-error-summary")
    fresh_session()
    person = db.session.scalar(select(Participant))
    assert person.phone == "+447700900982" and person.format == "easy_read"
    assert person.language == "cy"


def _invite(client, case):
    response = client.submit(f"/staff/cases/{case.id}/people/adult/invite")
    assert response.status_code == 200
    link = response.soup.find(id="new-link").get_text(strip=True)
    return urlsplit(link).path


def test_invite_shows_the_link_once_and_resend_and_revoke_work(client, app):
    sign_in(client, make_user("coordinator"))
    case = make_case()
    _person(client, case)
    path = _invite(client, case)
    token = path.rsplit("/", 1)[1]
    fresh_session()
    invitation = find(token)
    assert invitation is not None and invitation.format == "easy_read"
    assert invitation.language == "cy"
    # The case page does not show the link again.
    assert token not in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    # Resend: the old link stops working, a new one works.
    resent = client.submit(f"/staff/cases/{case.id}/invitations/{invitation.id}/resend")
    new_path = urlsplit(resent.soup.find(id="new-link").get_text(strip=True)).path
    fresh_session()
    assert find(token) is None and find(new_path.rsplit("/", 1)[1]) is not None
    new = find(new_path.rsplit("/", 1)[1])
    # Expiry can be extended.
    expiry = client.submit(
        f"/staff/cases/{case.id}/invitations/{new.id}/expiry", {"expires_on": ["1", "1", "2099"]}
    )
    assert expiry.status_code == 303
    fresh_session()
    assert db.session.get(Invitation, new.id).expires_at.year == 2099
    # Revoke.
    client.submit(f"/staff/cases/{case.id}/invitations/{new.id}/revoke")
    fresh_session()
    assert find(new_path.rsplit("/", 1)[1]) is None
    timeline = client.get(f"/staff/cases/{case.id}/invitations/{new.id}")
    entries = [li.strong.get_text() for li in timeline.soup.select(".staff-timeline li")]
    assert entries == [
        "Invitation created",
        "Invitation queued to send",
        "Expiry date changed",
        "Link revoked",
    ]


def test_timeline_follows_the_adult(client, app):
    from .helpers import CONSENT_AGREE, answer_questions, begin

    sign_in(client, make_user("coordinator"))
    case = make_case()
    _person(client, case, format="standard", language="en")
    path = _invite(client, case)
    fresh_session()
    invitation_id = db.session.scalar(select(Invitation.id))
    adult = app.test_client()
    begin(adult, path)
    adult.submit("/feedback/who", {"respondent": "adult"})
    adult.submit("/feedback/consent", CONSENT_AGREE)
    answer_questions(adult)
    adult.submit("/feedback/contact", {})
    adult.submit("/feedback/check")
    page = client.get(f"/staff/cases/{case.id}/invitations/{invitation_id}")
    entries = [li.strong.get_text() for li in page.soup.select(".staff-timeline li")]
    assert entries[0] == "Invitation created"
    for expected in (
        "Opened the link and started",
        "Saved the first answer",
        "Consent given",
        "Answers sent",
    ):
        assert expected in entries


def test_views_and_changes_are_in_the_audit_log_without_the_data(client, app):
    coordinator = make_user("coordinator")
    admin = make_user("admin")
    sign_in(client, coordinator)
    response = _create(client)
    client.get(response.headers["Location"])
    fresh_session()
    case = db.session.scalar(select(AuditCase))
    client.get(f"/staff/cases/{case.id}/meeting")
    fresh_session()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor == coordinator.actor).order_by(AuditEvent.id)
    ).all()
    pairs = [(e.action, e.detail) for e in events]
    assert ("case_created", None) in pairs
    assert ("viewed", "case page") in pairs and ("viewed", "meeting view") in pairs
    everything = " ".join(f"{e.action} {e.detail}" for e in db.session.scalars(select(AuditEvent)))
    for secret in ("Margaret", "Peggy", "9434765919", "CF123456"):
        assert secret not in everything
    # Admins read and filter it; coordinators may not.
    assert client.get("/staff/audit-log").status_code == 403
    client.submit("/staff/sign-out")
    sign_in(client, admin)
    page = client.get("/staff/audit-log?action=viewed&case=SAB-2026-014")
    rows = page.soup.select("tbody tr")
    assert len(rows) == 2 and all("viewed" in r.get_text() for r in rows)
    assert "Coordinator" in rows[0].get_text()
