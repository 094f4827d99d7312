"""Returns from organisations on the staff side: the case page's section with each return's state
as a GOV.UK tag; "Ask for a return" (organisation, contact, identifiers to share) refusing an
address outside the organisation's domains with an error naming them; the link shown once;
a double submit making one request; a return's page with its timeline, new link, reminder and
revoke (with confirmation), queueing and cancelling outbox messages; the submitted return
read-only with its total and band; every view recorded in the audit log; roles (facilitator
read-only on their own cases, learning_group refused); bad input never a 500."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.audit_tool import IDENTIFIERS
from portal.extensions import db, limiter
from portal.models import (
    AuditEvent,
    CaseOrganisation,
    OutboxMessage,
    ReturnPractitioner,
    ReturnPrinciple,
    ReturnRequest,
    utcnow,
)
from portal.services import organisations, returns

from .staff_helpers import fresh_session, make_case, make_user, sign_in
from .strategies import draw_form, refused_as_too_large, value

FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _world(facilitator=None):
    case = make_case(
        "AUD-1",
        facilitator=facilitator,
        adult_name="Sam Example",
        nhs_number="9434765919",
        date_of_birth=date(1950, 3, 1),
        agencies_involved="Devon Police; Devon NHS Trust (GP); the day centre",
    )
    police = organisations.create("Devon Police", "police", ["devon.police.uk"])
    trust = organisations.create("Devon NHS Trust", "nhs", ["nhs.net", "devon.nhs.uk"])
    organisations.create("No Domains Ltd", "provider", [])
    db.session.commit()
    return case, police, trust


def _ask(case, organisation, email="jo.lead@devon.police.uk", share=("name",)):
    return_request, token = returns.request_return(
        case, organisation, "Jo Lead", email, share, actor="cli"
    )
    db.session.commit()
    return return_request, token


def _submitted(case, organisation, email):
    """A return filled in and submitted, as the agency's pages would leave it."""
    return_request, _token = _ask(case, organisation, email, share=("name", "nhs_number"))
    ticks = {
        "empowerment": ([0, 1, 2, 3], "2", None),
        "prevention": ([0, 1], "2", "Plan agreed at the strategy meeting"),
        "proportionality": ([0], "0", None),
        "protection": ([0, 1, 2, 3, 4], "2", None),
        "partnership": ([], "NA", None),
        "accountability": ([1, 2], "1", None),
    }
    for code, (considered, score, reason) in ticks.items():
        return_request.principles.append(
            ReturnPrinciple(
                principle=code,
                considered=considered,
                narrative=f"Narrative for {code} <script>alert(1)</script>",
                score=score,
                score_reason=reason,
            )
        )
    return_request.practitioners.append(
        ReturnPractitioner(role="Ward nurse", organisation="Devon NHS Trust", reflection="Busy")
    )
    return_request.summary = "Good joint working"
    return_request.learning_points = "Share plans sooner"
    returns.mark_opened(return_request)
    returns.submit(return_request)
    db.session.commit()
    return return_request


def _errors(page) -> dict[str, str]:
    return {
        a["href"].lstrip("#"): a.get_text(" ", strip=True)
        for a in page.soup.select(".govuk-error-summary__list a")
    }


def _requests(case) -> list[ReturnRequest]:
    fresh_session()
    return list(
        db.session.scalars(
            select(ReturnRequest).where(ReturnRequest.case_id == case.id).order_by(ReturnRequest.id)
        )
    )


def _messages(return_request) -> list[OutboxMessage]:
    fresh_session()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.return_request_id == return_request.id)
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def coordinator(client):
    sign_in(client, make_user("coordinator"))
    return client


# --- The case page ------------------------------------------------------------------------------


def test_the_case_page_shows_each_organisation_and_its_returns_state(coordinator):
    case, police, trust = _world()
    _ask(case, police)
    _submitted(case, trust, "ann@nhs.net")
    revoked, _token = _ask(
        case, organisations.create("Care Co", "provider", ["care.example"]), "a@care.example"
    )
    returns.revoke(revoked, actor="cli")
    db.session.commit()
    page = coordinator.get(f"/staff/cases/{case.id}")
    section = page.soup.select_one("#returns").find_next("table")
    rows = {tr.select("td")[0].get_text(" ", strip=True): tr for tr in section.select("tbody tr")}
    assert set(rows) == {"Care Co Care provider", "Devon NHS Trust NHS", "Devon Police Police"}
    tags = {name: tr.select_one(".govuk-tag") for name, tr in rows.items()}
    assert tags["Devon Police Police"].get_text(strip=True) == "Invited"
    assert "govuk-tag--grey" in tags["Devon Police Police"]["class"]
    assert tags["Devon NHS Trust NHS"].get_text(strip=True) == "Submitted"
    assert "govuk-tag--green" in tags["Devon NHS Trust NHS"]["class"]
    assert tags["Care Co Care provider"].get_text(strip=True) == "Link revoked"
    assert "View return" in rows["Devon NHS Trust NHS"].get_text()
    # The free text is kept as typed, and the organisations it names can be asked.
    text = page.soup.get_text(" ", strip=True)
    assert "Devon Police; Devon NHS Trust (GP); the day centre" in text
    assert page.soup.select_one(f"a[href='/staff/cases/{case.id}/returns/new']")


def test_states_opened_and_in_progress_and_an_expired_link(coordinator):
    case, police, trust = _world()
    opened, _token = _ask(case, police)
    returns.mark_opened(opened)
    started, _token = _ask(case, trust, "ann@nhs.net")
    started.summary = "Half done"
    started.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = coordinator.get(f"/staff/cases/{case.id}")
    tags = [t.get_text(strip=True) for t in page.soup.select("#organisations-involved .govuk-tag")]
    assert sorted(tags) == ["In progress", "Opened"]
    assert "Link expired" in page.soup.select_one("#returns").find_next("table").get_text()


def test_organisations_named_in_agencies_involved_can_be_added_to_the_case(coordinator):
    case, police, _trust = _world()
    page = coordinator.get(f"/staff/cases/{case.id}")
    buttons = [b.get_text(strip=True) for b in page.soup.select("#returns ~ ul form button")]
    assert "Add Devon Police" in buttons and "Add Devon NHS Trust" in buttons
    token = coordinator.csrf_token(f"/staff/cases/{case.id}")
    reply = coordinator.post(
        f"/staff/cases/{case.id}/organisations",
        data={"csrf_token": token, "organisation_id": str(police.id)},
    )
    assert reply.status_code == 303
    fresh_session()
    assert db.session.get(CaseOrganisation, (case.id, police.id)) is not None
    page = coordinator.get(f"/staff/cases/{case.id}")
    row = page.soup.select_one("#returns").find_next("table").select_one("tbody tr")
    assert "Devon Police" in row.get_text() and "Not asked" in row.get_text()
    ask = row.select_one("a")["href"]
    assert ask == f"/staff/cases/{case.id}/returns/new?organisation={police.id}"
    form = coordinator.get(ask).soup
    assert form.select_one(f"#organisation_id option[value='{police.id}']").has_attr("selected")
    for bad in ("", "x", "99999999", "1" * 40):
        reply = coordinator.post(
            f"/staff/cases/{case.id}/organisations",
            data={"csrf_token": token, "organisation_id": bad},
        )
        assert reply.status_code == 400, bad


# --- Asking for a return ----------------------------------------------------------------------


def test_asking_for_a_return_queues_the_email_and_shows_the_link_once(coordinator):
    case, police, _trust = _world()
    form = coordinator.get(f"/staff/cases/{case.id}/returns/new").soup
    boxes = form.select("input[name=shared_identifiers]")
    assert [b["value"] for b in boxes] == list(IDENTIFIERS)
    assert not any(b.has_attr("checked") for b in boxes), "nothing is shared unless chosen"
    options = [o.get_text(strip=True) for o in form.select("#organisation_id option")]
    assert options == [
        "Choose an organisation",
        "Devon NHS Trust",
        "Devon Police",
        "No Domains Ltd",
    ]

    reply = coordinator.submit(
        f"/staff/cases/{case.id}/returns/new",
        {
            "organisation_id": str(police.id),
            "contact_name": "Jo Lead",
            "contact_email": "Jo.Lead@Devon.Police.UK",
            "shared_identifiers": ["nhs_number", "name", "nhs_number"],
        },
    )
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"].startswith("no-store")
    link = reply.soup.select_one("#new-link").get_text(strip=True)
    assert link.startswith("https://feedback.example.org/a/")
    assert "queued to Jo.Lead@devon.police.uk" in reply.soup.select_one("#queued-by").get_text()
    [made] = _requests(case)
    assert made.shared_identifiers == ["name", "nhs_number"]
    assert made.contact_name == "Jo Lead"
    assert returns.find_by_token(link.rsplit("/", 1)[1]).id == made.id
    [message] = _messages(made)
    assert message.kind == "return_request" and message.status == "queued"
    assert link in message.body and "Sam Example" not in message.body
    # The link is never shown again.
    page = coordinator.get(f"/staff/cases/{case.id}/returns/{made.id}")
    assert link not in page.get_data(as_text=True)


def test_an_address_outside_the_organisations_domains_gets_an_error_naming_them(coordinator):
    case, police, trust = _world()
    for organisation, email, allowed in (
        (police, "jo@gmail.com", "Enter an email address at devon.police.uk"),
        (police, "jo@evil.devon.police.uk", "at devon.police.uk"),
        (police, "jo@devon.police.uk.example.com", "at devon.police.uk"),
        (trust, "ann@nhs.uk", "Enter an email address at devon.nhs.uk or nhs.net"),
    ):
        page = coordinator.submit(
            f"/staff/cases/{case.id}/returns/new",
            {"organisation_id": str(organisation.id), "contact_name": "X", "contact_email": email},
        )
        assert page.status_code == 200
        assert page.soup.title.get_text().startswith("Error:")
        assert allowed in _errors(page)["contact_email"], email
        assert page.soup.select_one("#contact_email-error")
        assert page.soup.select_one("#contact_email")["value"] == email
        assert not page.soup.select_one("#new-link")
    assert _requests(case) == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"contact_name": "X", "contact_email": "x@nhs.net"}, "organisation_id", "Select the"),
        (
            {"organisation_id": "999", "contact_name": "X", "contact_email": "x@nhs.net"},
            "organisation_id",
            "Select the organisation",
        ),
        ({"organisation_id": "ORG", "contact_name": "X"}, "contact_email", "Enter the contact’s"),
        ({"organisation_id": "ORG", "contact_email": "x@nhs.net"}, "contact_name", "full name"),
        (
            {"organisation_id": "ORG", "contact_name": "X", "contact_email": "nhs.net"},
            "contact_email",
            "correct format",
        ),
        (
            {
                "organisation_id": "ORG",
                "contact_name": "X",
                "contact_email": "x@nhs.net",
                "shared_identifiers": ["name", "answers"],
            },
            "shared_identifiers",
            "Select from",
        ),
        (
            {"organisation_id": "NODOMAINS", "contact_name": "X", "contact_email": "x@nhs.net"},
            "organisation_id",
            "has no email domains recorded",
        ),
    ],
)
def test_bad_input_to_ask_for_a_return_gets_a_govuk_error(coordinator, form, field, message):
    case, _police, trust = _world()
    no_domains = organisations.find_by_name("No Domains Ltd")
    ids = {"ORG": str(trust.id), "NODOMAINS": str(no_domains.id)}
    form = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in form.items()}
    page = coordinator.submit(f"/staff/cases/{case.id}/returns/new", form)
    assert page.status_code == 200
    assert message in _errors(page).get(field, ""), _errors(page)
    assert _requests(case) == []


def test_a_double_submit_makes_one_request(coordinator):
    case, police, _trust = _world()
    form = {
        "organisation_id": str(police.id),
        "contact_name": "Jo Lead",
        "contact_email": "jo@devon.police.uk",
        "shared_identifiers": ["name"],
        "csrf_token": coordinator.csrf_token(f"/staff/cases/{case.id}/returns/new"),
    }
    first = coordinator.post(f"/staff/cases/{case.id}/returns/new", data=form)
    second = coordinator.post(f"/staff/cases/{case.id}/returns/new", data=form)
    assert first.status_code == 200 and first.soup.select_one("#new-link")
    [made] = _requests(case)
    assert second.status_code == 303
    assert second.headers["Location"].endswith(
        f"/staff/cases/{case.id}/returns/{made.id}?done=already-asked"
    )
    banner = coordinator.get(second.headers["Location"]).soup.select_one(
        ".govuk-notification-banner"
    )
    assert "nothing new was sent" in banner.get_text()
    assert len(_messages(made)) == 1
    # Someone else at the same organisation while the first is live: an error, not a request.
    other = dict(form, contact_email="sam@devon.police.uk")
    page = coordinator.post(f"/staff/cases/{case.id}/returns/new", data=other)
    assert "already been asked" in _errors(page)["organisation_id"]
    assert len(_requests(case)) == 1
    # Once that link is revoked, someone else may be asked.
    returns.revoke(made, actor="cli")
    db.session.commit()
    assert coordinator.post(f"/staff/cases/{case.id}/returns/new", data=other).status_code == 200
    assert len(_requests(case)) == 2


def test_two_clicks_at_once_make_one_request(app, coordinator):
    """Both posts arrive together, on two threads: the case is locked while one checks and
    writes, so the other then finds its request."""
    case, police, _trust = _world()
    form = {
        "organisation_id": str(police.id),
        "contact_name": "Jo Lead",
        "contact_email": "jo@devon.police.uk",
        "csrf_token": coordinator.csrf_token(f"/staff/cases/{case.id}/returns/new"),
    }
    cookies = {c.key: c.value for c in coordinator._cookies.values()}
    statuses = []
    start = threading.Barrier(2)

    def click():
        client = app.test_client()
        for key, value_ in cookies.items():
            client.set_cookie(key, value_)
        start.wait()
        statuses.append(client.post(f"/staff/cases/{case.id}/returns/new", data=form).status_code)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 303]
    [made] = _requests(case)
    assert len(_messages(made)) == 1


# --- A return's page: timeline, new link, reminder, revoke -----------------------------------


def test_the_returns_page_shows_its_timeline_contact_and_identifiers(coordinator):
    case, police, _trust = _world()
    made, _token = _ask(case, police, share=("name", "date_of_birth"))
    returns.mark_opened(made)
    db.session.commit()
    page = coordinator.get(f"/staff/cases/{case.id}/returns/{made.id}")
    assert page.soup.h1.get_text(strip=True) == "Return from Devon Police"
    text = page.soup.get_text(" ", strip=True)
    assert "Jo Lead, jo.lead@devon.police.uk" in text
    shared = [li.get_text(strip=True) for li in page.soup.select(".govuk-summary-list ul li")]
    assert shared == ["Name", "Date of Birth"]
    assert page.soup.select_one(".govuk-tag").get_text(strip=True) == "Opened"
    timeline = [li.strong.get_text(strip=True) for li in page.soup.select(".staff-timeline li")]
    assert timeline == ["Return requested", "Request queued to send", "Opened the link"]
    assert "Jo Lead (by the link)" in page.soup.select(".staff-timeline li")[-1].get_text()
    buttons = [b.get_text(strip=True) for b in page.soup.select(".govuk-button-group form button")]
    assert buttons == ["Send a reminder", "Send a new link", "Revoke link"]
    revoke = page.soup.select_one(f"form[action$='/returns/{made.id}/revoke']")
    assert revoke["method"] == "get", "revoking asks first"
    # The view is in the audit log, with the return and its organisation.
    fresh_session()
    viewed = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "viewed", AuditEvent.return_request_id == made.id
        )
    )
    assert viewed.detail == f"return {made.id} of organisation {police.id}"
    assert viewed.case_id == case.id and viewed.actor.startswith("staff:")


def test_a_new_link_replaces_the_old_and_cancels_its_email(coordinator):
    case, police, _trust = _world()
    made, old_token = _ask(case, police)
    token = coordinator.csrf_token(f"/staff/cases/{case.id}/returns/{made.id}")
    reply = coordinator.post(
        f"/staff/cases/{case.id}/returns/{made.id}/new-link", data={"csrf_token": token}
    )
    assert reply.status_code == 200
    new = reply.soup.select_one("#new-link").get_text(strip=True)
    assert "old link has stopped working" in reply.soup.get_text()
    fresh_session()
    assert returns.find_by_token(old_token) is None
    assert returns.find_by_token(new.rsplit("/", 1)[1]).id == made.id
    first, second = _messages(made)
    assert first.status == "cancelled" and first.reason == returns.LINK_REPLACED
    assert first.body is None  # a cancelled message keeps no link
    assert second.status == "queued" and new in second.body
    page = coordinator.get(f"/staff/cases/{case.id}/returns/{made.id}")
    timeline = [li.strong.get_text(strip=True) for li in page.soup.select(".staff-timeline li")]
    assert timeline[-2:] == ["Replaced by a new link", "Request queued to send"]
    emails = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.soup.select("#emails tbody tr")
    ]
    assert emails[0][0] == emails[1][0] == "Request for an organisation's return"
    assert emails[0][2] == f"Cancelled {returns.LINK_REPLACED}"
    assert emails[1][2] == "Queued"


def test_a_reminder_is_queued_once_while_one_waits(coordinator):
    case, police, _trust = _world()
    made, _token = _ask(case, police)
    path = f"/staff/cases/{case.id}/returns/{made.id}"
    token = coordinator.csrf_token(path)
    reply = coordinator.post(f"{path}/reminder", data={"csrf_token": token})
    assert reply.status_code == 303 and reply.headers["Location"].endswith("?done=reminder")
    again = coordinator.post(f"{path}/reminder", data={"csrf_token": token})
    assert again.headers["Location"].endswith("?done=reminder-waiting")
    kinds = [m.kind for m in _messages(made)]
    assert kinds == ["return_request", "return_reminder"]
    page = coordinator.get(f"{path}?done=reminder")
    assert "Reminder queued" in page.soup.select_one(".govuk-notification-banner").get_text()


def test_revoking_asks_first_then_stops_the_link_and_cancels_its_emails(coordinator):
    case, police, _trust = _world()
    made, token = _ask(case, police)
    path = f"/staff/cases/{case.id}/returns/{made.id}"
    confirm = coordinator.get(f"{path}/revoke")
    assert confirm.status_code == 200
    assert confirm.soup.h1.get_text(strip=True).startswith("Revoke the link")
    fresh_session()
    assert db.session.get(ReturnRequest, made.id).revoked_at is None, "GET changes nothing"
    reply = coordinator.submit(f"{path}/revoke")
    assert reply.status_code == 303 and reply.headers["Location"].endswith("?done=revoked")
    fresh_session()
    assert db.session.get(ReturnRequest, made.id).revoked_at is not None
    assert returns.find_by_token(token) is None
    [message] = _messages(made)
    assert message.status == "cancelled" and message.reason == returns.LINK_REVOKED
    page = coordinator.get(f"{path}?done=revoked")
    assert page.soup.select_one(".govuk-tag").get_text(strip=True) == "Link revoked"
    buttons = [b.get_text(strip=True) for b in page.soup.select(".govuk-button-group form button")]
    assert buttons == ["Send a new link"], "a revoked link can be reopened by a new one"
    # Revoking again, or a reminder now, changes nothing.
    assert coordinator.get(f"{path}/revoke").status_code == 303
    reminder = coordinator.post(
        f"{path}/reminder", data={"csrf_token": coordinator.csrf_token(path)}
    )
    assert reminder.headers["Location"].endswith("?done=closed")
    assert len(_messages(made)) == 1


def test_no_change_without_the_csrf_token(coordinator):
    case, police, _trust = _world()
    made, _token = _ask(case, police)
    path = f"/staff/cases/{case.id}/returns/{made.id}"
    for action in ("new-link", "reminder", "revoke"):
        assert coordinator.post(f"{path}/{action}").status_code == 400
    ask = {
        "organisation_id": str(police.id),
        "contact_name": "X",
        "contact_email": "x@devon.police.uk",
    }
    assert coordinator.post(f"/staff/cases/{case.id}/returns/new", data=ask).status_code == 400
    assert len(_messages(made)) == 1
    assert db.session.get(ReturnRequest, made.id).revoked_at is None


def test_another_cases_return_is_not_found(coordinator):
    case, police, _trust = _world()
    other = make_case("AUD-2")
    made, _token = _ask(case, police)
    assert coordinator.get(f"/staff/cases/{other.id}/returns/{made.id}").status_code == 404
    assert coordinator.get(f"/staff/cases/{case.id}/returns/999999").status_code == 404


# --- The submitted return ---------------------------------------------------------------------


def test_a_submitted_return_is_shown_read_only_with_its_total_and_band(coordinator):
    case, _police, trust = _world()
    made = _submitted(case, trust, "ann@nhs.net")
    page = coordinator.get(f"/staff/cases/{case.id}/returns/{made.id}")
    html = page.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    text = page.soup.get_text(" ", strip=True)
    assert "Narrative for empowerment <script>alert(1)</script>" in text
    # 2 + 2 + 0 + 2 + 1 = 7 out of 10 (partnership NA): 7/10 is at least 8/12, so Good.
    assert page.soup.select_one("#total").get_text(" ", strip=True) == (
        "Total Score: 7 out of 10 · Good"
    )
    assert "Plan agreed at the strategy meeting" in text
    assert "Ward nurse" in text and "Good joint working" in text and "Share plans sooner" in text
    headings = [h.get_text(strip=True) for h in page.soup.select("h3.govuk-heading-m")]
    assert headings[:6] == [
        "Empowerment",
        "Prevention",
        "Proportionality",
        "Protection",
        "Partnership",
        "Accountability",
    ]
    first = page.soup.select("ul.staff-guidance")[0]
    ticks = [li.select_one(".govuk-tag").get_text(strip=True) for li in first.select("li")]
    assert ticks == ["Considered"] * 4 + ["Not considered"]
    assert "1 – Partially met" in text  # prevention's 2 ticks suggest 1; scored 2 with a reason
    glance = [
        [cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
        for tr in page.soup.select("#scores tbody tr")
    ]
    assert glance[1] == [
        "Prevention",
        "2 – Fully met",
        "1 – Partially met (differs: reason given)",
    ]
    assert glance[4] == ["Partnership", "NA – Not applicable", "0 – Unmet"]
    assert not page.soup.select(".govuk-button-group form button"), "nothing to send once it is in"
    assert not page.soup.select_one("form[action$='/revoke']")
    fresh_session()
    viewed = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "viewed", AuditEvent.return_request_id == made.id
        )
    )
    assert viewed.detail.endswith("with its answers")
    token = coordinator.csrf_token(f"/staff/cases/{case.id}")
    reply = coordinator.post(
        f"/staff/cases/{case.id}/returns/{made.id}/new-link", data={"csrf_token": token}
    )
    assert reply.headers["Location"].endswith("?done=closed")


# --- Roles ------------------------------------------------------------------------------------


def test_a_facilitator_sees_the_returns_of_their_cases_but_changes_nothing(client):
    facilitator = make_user("facilitator")
    case, police, trust = _world(facilitator=facilitator)
    made, _token = _ask(case, police)
    done = _submitted(case, trust, "ann@nhs.net")
    sign_in(client, facilitator)
    page = client.get(f"/staff/cases/{case.id}")
    assert page.soup.select_one("#returns")
    assert not page.soup.select_one(f"a[href^='/staff/cases/{case.id}/returns/new']")
    assert not page.soup.select("#returns ~ ul form button")
    mine = client.get(f"/staff/cases/{case.id}/returns/{made.id}")
    assert mine.status_code == 200 and not mine.soup.select(".govuk-button-group form button")
    assert not mine.soup.select_one("form[action$='/revoke']")
    assert "7 out of 10" in client.get(f"/staff/cases/{case.id}/returns/{done.id}").soup.get_text()
    token = client.csrf_token(f"/staff/cases/{case.id}")
    path = f"/staff/cases/{case.id}/returns/{made.id}"
    for url in (
        f"{path}/new-link",
        f"{path}/reminder",
        f"{path}/revoke",
        f"/staff/cases/{case.id}/returns/new",
        f"/staff/cases/{case.id}/organisations",
    ):
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert client.get(f"{path}/revoke").status_code == 403
    assert client.get(f"/staff/cases/{case.id}/returns/new").status_code == 403
    assert len(_messages(made)) == 1


def test_a_facilitator_gets_404_for_another_facilitators_case(client):
    other = make_user("facilitator", email="other@example.org")
    case, police, _trust = _world(facilitator=other)
    made, _token = _ask(case, police)
    sign_in(client, make_user("facilitator"))
    assert client.get(f"/staff/cases/{case.id}/returns/{made.id}").status_code == 404


@pytest.mark.parametrize("role", ["learning_group", "admin"])
def test_learning_group_and_admins_see_no_return(client, role):
    case, police, _trust = _world()
    made, _token = _ask(case, police)
    sign_in(client, make_user(role))
    path = f"/staff/cases/{case.id}/returns/{made.id}"
    for url in (path, f"{path}/revoke", f"/staff/cases/{case.id}/returns/new"):
        assert client.get(url).status_code == 403, url
    token = (
        client.csrf_token("/staff/sign-in")
        if role == "learning_group"
        else (client.csrf_token("/staff/accounts"))
    )
    for url in (f"{path}/new-link", f"{path}/reminder", f"{path}/revoke"):
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert len(_messages(made)) == 1


# --- Bad input --------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_any_input_to_ask_for_a_return_is_handled(app, client, data):
    limiter.enabled = False
    try:
        if not getattr(client, "_world", None):
            sign_in(client, make_user("coordinator"))
            case, police, trust = _world()
            client._world = (case.id, police.id, trust.id)
        case_id, police_id, trust_id = client._world
        fields = {
            "organisation_id": value(
                (str(police_id), str(trust_id)), likely=st.just(str(police_id))
            ),
            "contact_name": value(),
            "contact_email": value(
                likely=st.sampled_from(["jo@devon.police.uk", "x@nhs.net", "a@b", "@@"])
            ),
            "shared_identifiers": value(tuple(IDENTIFIERS)),
            "unexpected": value(),
        }
        form = draw_form(data, fields)
        form["csrf_token"] = client.csrf_token("/staff/cases")
        response = client.post(f"/staff/cases/{case_id}/returns/new", data=form)
        if refused_as_too_large(app, response, form):
            return
        assert response.status_code in (200, 303), response.status_code
        if response.status_code == 200:
            assert response.soup.select(".govuk-error-summary__list a") or response.soup.select(
                "#new-link"
            )
    finally:
        limiter.enabled = True
