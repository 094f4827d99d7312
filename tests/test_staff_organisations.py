"""Partner organisations on the staff side: administrators list, add and change them (name, kind,
email domains one per line, checked and stored lower case); coordinators may look; nobody else
may; bad input gets a GOV.UK error, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.extensions import db, limiter
from portal.models import AuditEvent, Organisation
from portal.models.audit import ORGANISATION_KINDS
from portal.services import organisations

from .staff_helpers import fresh_session, make_case, make_user, sign_in
from .strategies import draw_form, refused_as_too_large, value

FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def admin(client):
    sign_in(client, make_user("admin"))
    return client


def _errors(page) -> dict[str, str]:
    """The error summary's messages, by the id of the field each one points at."""
    return {
        a["href"].lstrip("#"): a.get_text(" ", strip=True)
        for a in page.soup.select(".govuk-error-summary__list a")
    }


def _stored(name: str) -> Organisation | None:
    fresh_session()
    return organisations.find_by_name(name)


def test_an_admin_adds_an_organisation_with_its_domains(admin):
    page = admin.get("/staff/organisations")
    assert page.status_code == 200
    assert "No organisations have been added yet" in page.soup.get_text()
    # The staff navigation leads here.
    assert page.soup.select_one("nav a[href='/staff/organisations']")
    reply = admin.submit(
        "/staff/organisations/new",
        {
            "name": "  Devon NHS Trust ",
            "kind": "nhs",
            "domains": "NHS.net\r\n\r\n@Devon.NHS.uk \r\nnhs.net",
        },
    )
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith("/staff/organisations?done=added")
    trust = _stored("Devon NHS Trust")
    assert trust.kind == "nhs"
    assert sorted(d.domain for d in trust.domains) == ["devon.nhs.uk", "nhs.net"]
    listing = admin.get("/staff/organisations?done=added").soup.get_text(" ", strip=True)
    assert "Organisation added" in listing
    assert "Devon NHS Trust" in listing and "devon.nhs.uk" in listing and "NHS" in listing
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation_created"))


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"kind": "nhs", "domains": "nhs.net"}, "name", "Enter the organisation’s name"),
        ({"name": "X", "domains": "nhs.net"}, "kind", "Select the kind of organisation"),
        ({"name": "X", "kind": "spies", "domains": "nhs.net"}, "kind", "Select the kind"),
        ({"name": "X", "kind": "nhs"}, "domains", "Enter at least one email domain"),
        ({"name": "X", "kind": "nhs", "domains": " \n \n"}, "domains", "at least one"),
        ({"name": "X", "kind": "nhs", "domains": "nhs.net\nnhs..net"}, "domains", "Line 2"),
        ({"name": "X", "kind": "nhs", "domains": "jo@nhs.net"}, "domains", "Line 1"),
        ({"name": "X", "kind": "nhs", "domains": "localhost"}, "domains", "Line 1"),
        ({"name": "X", "kind": "nhs", "domains": "http://nhs.net"}, "domains", "Line 1"),
        ({"name": "X" * 121, "kind": "nhs", "domains": "nhs.net"}, "name", "120 characters"),
        (
            {"name": "X", "kind": "nhs", "domains": "\n".join(f"d{i}.org" for i in range(21))},
            "domains",
            "20 email domains or fewer",
        ),
    ],
)
def test_bad_input_gets_a_govuk_error_on_its_field(admin, form, field, message):
    page = admin.submit("/staff/organisations/new", form)
    assert page.status_code == 200
    assert page.soup.title.get_text().startswith("Error:")
    errors = _errors(page)
    assert field in errors, errors
    assert message in errors[field]
    assert page.soup.select_one(f"#{field}-error") is not None
    assert db.session.scalar(select(Organisation)) is None


def test_a_name_already_taken_is_refused_whatever_its_case(admin):
    organisations.create("Devon Police", "police", ["devon.police.uk"])
    db.session.commit()
    page = admin.submit(
        "/staff/organisations/new", {"name": "DEVON police", "kind": "police", "domains": "x.uk"}
    )
    assert page.status_code == 200
    assert "already an organisation with this name" in _errors(page)["name"]


def test_an_admin_changes_the_name_kind_and_domains(admin):
    police = organisations.create("Devon Police", "other", ["devon.police.uk", "old.police.uk"])
    other = organisations.create("Cornwall Council", "local_authority", ["cornwall.gov.uk"])
    db.session.commit()
    police_id = police.id
    listing = admin.get("/staff/organisations")
    assert listing.soup.select_one(f"a[href='/staff/organisations/{police_id}/edit']")
    form = admin.get(f"/staff/organisations/{police_id}/edit").soup
    assert form.select_one("#name")["value"] == "Devon Police"
    assert form.select_one("#domains").get_text().strip() == "devon.police.uk\nold.police.uk"
    assert form.select_one("input[name=kind][value=other]").has_attr("checked")

    page = admin.submit(
        f"/staff/organisations/{police_id}/edit",
        {"name": other.name.upper(), "kind": "police", "domains": "devon.police.uk"},
    )
    assert "already an organisation with this name" in _errors(page)["name"]

    reply = admin.submit(
        f"/staff/organisations/{police_id}/edit",
        {
            "name": "Devon and Cornwall Police",
            "kind": "police",
            "domains": "Devon.Police.UK\nDC.police.uk",
        },
    )
    assert reply.status_code == 303
    police = _stored("Devon and Cornwall Police")
    assert police.id == police_id and police.kind == "police"
    assert sorted(d.domain for d in police.domains) == ["dc.police.uk", "devon.police.uk"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation_updated"))
    assert event.detail == f"organisation {police_id}: name kind domains"
    assert "Organisation saved" in admin.get("/staff/organisations?done=saved").soup.get_text()


def test_an_unknown_organisation_is_not_found(admin):
    assert admin.get("/staff/organisations/999999/edit").status_code == 404


def test_a_coordinator_may_look_but_not_change(client):
    organisations.create("Devon Police", "police", ["devon.police.uk"])
    db.session.commit()
    police = _stored("Devon Police")
    sign_in(client, make_user("coordinator"))
    page = client.get("/staff/organisations")
    assert page.status_code == 200
    text = page.soup.get_text(" ", strip=True)
    assert "Devon Police" in text and "devon.police.uk" in text and "ask an administrator" in text
    assert not page.soup.select("a[href$='/edit']") and not page.soup.select("a[href$='/new']")
    assert page.soup.select_one("nav a[href='/staff/organisations']")
    assert client.get("/staff/organisations/new").status_code == 403
    assert client.get(f"/staff/organisations/{police.id}/edit").status_code == 403
    token = client.csrf_token("/staff/organisations")
    for path in ("/staff/organisations/new", f"/staff/organisations/{police.id}/edit"):
        form = {"csrf_token": token, "name": "Mine", "kind": "other", "domains": "evil.example"}
        assert client.post(path, data=form).status_code == 403
    assert _stored("Mine") is None


@pytest.mark.parametrize("role", ["facilitator", "learning_group"])
def test_other_roles_are_refused(client, role):
    make_case("CASE-1")
    user = make_user(role)
    sign_in(client, user)
    for path in ("/staff/organisations", "/staff/organisations/new"):
        assert client.get(path).status_code == 403
    home = client.get("/staff/cases") if role == "facilitator" else None
    if home is not None:
        assert not home.soup.select_one("nav a[href='/staff/organisations']")


def test_no_change_without_the_csrf_token(admin):
    reply = admin.post(
        "/staff/organisations/new", data={"name": "X", "kind": "nhs", "domains": "nhs.net"}
    )
    assert reply.status_code == 400
    assert db.session.scalar(select(Organisation)) is None


@FUZZ
@given(data=st.data())
def test_any_input_to_the_organisation_forms_is_handled(app, client, data):
    limiter.enabled = False
    try:
        if not getattr(client, "_signed_in", False):
            sign_in(client, make_user("admin"))
            organisations.create("Fuzz Org", "other", ["fuzz.example"])
            db.session.commit()
            client._signed_in = True
        fresh_session()
        target = organisations.find_by_name("Fuzz Org") or db.session.scalar(
            select(Organisation).limit(1)
        )
        path = data.draw(
            st.sampled_from(["/staff/organisations/new", f"/staff/organisations/{target.id}/edit"])
        )
        fields = {
            "name": value(),
            "kind": value(tuple(ORGANISATION_KINDS)),
            "domains": value(likely=st.sampled_from(["nhs.net", "a.b\nc.d", "x@y.z", "..."])),
            "unexpected": value(),
        }
        form = draw_form(data, fields)
        form["csrf_token"] = client.csrf_token("/staff/organisations/new")
        response = client.post(path, data=form)
        if refused_as_too_large(app, response, form):
            return
        assert response.status_code in (200, 303), response.status_code
        if response.status_code == 200:
            assert response.soup.select(".govuk-error-summary__list a")
    finally:
        limiter.enabled = True
