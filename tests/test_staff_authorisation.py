"""Who may use each staff route. Iterates every route on the staff blueprint, so a new route
without a permission check (or one open to the wrong people) fails here."""

from __future__ import annotations

import pytest
from flask import url_for

from portal.extensions import db
from portal.models import Action, Invitation, Organisation, Participant, Response
from portal.services import organisations, returns
from portal.staff import rule_for

from .staff_helpers import make_case, make_user, sign_in

# Routes anyone may reach, and why. Adding one here is a decision, made in review.
PUBLIC = {
    "staff.sign_in": "the sign-in page",
    "staff.signed_out": "says you have been signed out",
    "staff.set_up": "guarded by its one-time secret",
    "staff.sign_in_provider": "sends the browser to the identity provider (404 without one)",
    "staff.sign_in_callback": "the provider's answer, checked by state, PKCE and the ID token",
}


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("staff.")]


def _url(rule, ids: dict) -> str:
    values = {}
    for arg in rule.arguments:
        if arg in ids:
            values[arg] = ids[arg]
        elif arg == "role":
            values[arg] = "adult"
        elif arg == "page":
            values[arg] = "who"
        elif arg == "token":
            values[arg] = "x" * 43
        elif arg == "period":
            values[arg] = "2026-Q4"
        elif arg in (rule.defaults or {}):
            values[arg] = rule.defaults[arg]  # one of several rules for one view
        else:
            raise AssertionError(f"{rule.endpoint}: no test value for <{arg}>: add one here")
    from flask import current_app

    with current_app.test_request_context():
        return url_for(rule.endpoint, **values)


def _world():
    facilitator = make_user("facilitator", email="fac@example.org")
    other = make_user("facilitator", email="other@example.org")
    coordinator = make_user("coordinator")
    admin = make_user("admin")
    mine = make_case("MINE", facilitator=facilitator)
    theirs = make_case("THEIRS", facilitator=other)
    police = organisations.create("Devon Police", "police", ["devon.police.uk"])
    ids = {}
    for case in (mine, theirs):
        person = Participant(case=case, role="adult", name="Sam Example", email="s@example.org")
        db.session.add(person)
        db.session.flush()
        link = Invitation(
            case_id=case.id,
            participant_id=person.id,
            recipient="adult",
            token_hash=f"{case.id:064d}",
            expires_at=case.created_at,
        )
        placeholder = Invitation(
            case_id=case.id,
            participant_id=person.id,
            recipient="adult",
            token_hash=f"{case.id + 100:064d}",
            expires_at=case.created_at,
        )
        db.session.add_all([link, placeholder])
        db.session.flush()
        response = Response(
            invitation_id=placeholder.id, reference=f"REF-{case.id}", method="phone"
        )
        db.session.add(response)
        db.session.flush()
        invitation = link
        action = Action(
            case_id=case.id,
            what="Review the referral pathway",
            owner=Organisation(name=f"Organisation {case.reference}"),
            lead="Safeguarding lead",
            due_on=case.created_at.date(),
        )
        db.session.add(action)
        db.session.flush()
        return_request, _token = returns.request_return(
            case, police, "Jo", "jo@devon.police.uk", (), actor="cli"
        )
        ids[case.reference] = {
            "action_id": action.id,
            "case_id": case.id,
            "invitation_id": invitation.id,
            "response_id": response.id,
            "user_id": other.id,
            "organisation_id": police.id,
            "return_id": return_request.id,
        }
    db.session.commit()
    return facilitator, coordinator, admin, ids


def test_every_staff_route_declares_who_may_use_it(app):
    undeclared = [r.endpoint for r in staff_rules(app) if rule_for(r.endpoint) is None]
    assert not undeclared, f"staff routes with no @access declaration: {undeclared}"
    public = {r.endpoint for r in staff_rules(app) if rule_for(r.endpoint).public}
    assert public == set(PUBLIC), "a staff route became public, or stopped being: review it"
    for rule in staff_rules(app):
        access = rule_for(rule.endpoint)
        if "case_id" in rule.arguments:
            assert access.case, f"{rule.endpoint} takes a case_id but does not check the case"
        if not access.public:
            assert access.roles, f"{rule.endpoint} allows no role"


def test_signed_out_people_are_sent_to_sign_in_from_every_route(app, client):
    _facilitator, _coordinator, _admin, ids = _world()
    for rule in staff_rules(app):
        if rule.endpoint in PUBLIC:
            continue
        url = _url(rule, ids["MINE"])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url)
            else:
                token = client.csrf_token("/staff/sign-in")
                response = client.post(url, data={"csrf_token": token})
            assert response.status_code == 303, (rule.endpoint, method, response.status_code)
            assert "/staff/sign-in" in response.headers["Location"], (rule.endpoint, method)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_facilitator_gets_404_for_every_route_of_a_case_not_theirs(app, client, method):
    facilitator, _coordinator, _admin, ids = _world()
    sign_in(client, facilitator)
    token = client.csrf_token("/staff/cases")
    checked = 0
    for rule in staff_rules(app):
        if "case_id" not in rule.arguments or method not in rule.methods:
            continue
        url = _url(rule, ids["THEIRS"])
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        # A route a facilitator may not use at all is refused as forbidden; a route they may
        # use is not found for a case that is not theirs. Neither says the case exists.
        allowed = "facilitator" in rule_for(rule.endpoint).roles
        expected = 404 if allowed else 403
        assert response.status_code == expected, (rule.endpoint, method, response.status_code)
        checked += 1
    assert checked >= 5
    # Their own case works.
    assert client.get(f"/staff/cases/{ids['MINE']['case_id']}").status_code == 200
    assert client.get(f"/staff/cases/{ids['THEIRS']['case_id']}").status_code == 404


def test_the_case_list_shows_a_facilitator_only_their_cases(app, client):
    facilitator, coordinator, _admin, _ids = _world()
    sign_in(client, facilitator)
    text = client.get("/staff/cases").get_data(as_text=True)
    assert "MINE" in text and "THEIRS" not in text
    client.submit("/staff/sign-out")
    sign_in(client, coordinator)
    text = client.get("/staff/cases").get_data(as_text=True)
    assert "MINE" in text and "THEIRS" in text


def test_roles_reach_only_their_routes(app, client):
    facilitator, coordinator, admin, ids = _world()
    learning_group = make_user("learning_group", email="lig@example.org")
    expectations = {
        facilitator: "facilitator",
        coordinator: "coordinator",
        admin: "admin",
        learning_group: "learning_group",
    }
    for user, role in expectations.items():
        sign_in(client, user)
        for rule in staff_rules(app):
            access = rule_for(rule.endpoint)
            if access.public or "GET" not in rule.methods:
                continue
            response = client.get(_url(rule, ids["MINE"]))
            if role in access.roles:
                assert response.status_code in (200, 302, 303), (role, rule.endpoint)
            else:
                assert response.status_code == 403, (role, rule.endpoint, response.status_code)
        client.submit("/staff/sign-out")


def test_the_learning_group_sees_no_case(app, client):
    """learning_group follows actions only: every case route is refused (deny by default)
    until a page grants it something."""
    _facilitator, _coordinator, _admin, ids = _world()
    sign_in(client, make_user("learning_group", email="lig@example.org"))
    assert client.get("/staff/cases").status_code == 403
    assert client.get(f"/staff/cases/{ids['MINE']['case_id']}").status_code == 403
