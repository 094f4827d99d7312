"""The agency's return (issue 16 §2): the link's GET-safe start page, the return page by page,
the suggested score and its reason rule, practitioners added and removed, check answers, submit
once, read-only after, the audit log of identifier views, no secret in later addresses, and bad
input answered with GOV.UK errors. Every page goes through the CheckingClient."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from portal.audit_tool import PRINCIPLE_CODES, PRINCIPLES
from portal.extensions import db
from portal.models import (
    AuditEvent,
    Participant,
    ReturnPractitioner,
    ReturnPrinciple,
    ReturnRequest,
    utcnow,
)
from portal.services import organisations, returns

from .staff_helpers import make_case

ALL_TICKED = {"considered": ["0", "1", "2", "3", "4"]}


def new_return(share=("name", "date_of_birth", "nhs_number", "address")) -> tuple[int, str]:
    """A case, an organisation and a return asked of it: the return's id and its link's path."""
    case = make_case(
        "AUD-7",
        adult_name="Sam <b>Example</b>",
        nhs_number="9434765919",
        date_of_birth=date(1950, 3, 1),
    )
    db.session.add(Participant(case=case, role="adult", name="Sam", address="1 High Street"))
    police = organisations.create("Devon Police", "police", ["devon.police.uk"])
    db.session.flush()
    return_request, token = returns.request_return(
        case, police, "Jo Lead", "jo.lead@devon.police.uk", share, actor="staff:1"
    )
    db.session.commit()
    return return_request.id, urlsplit(returns.link_for(token)).path


def fresh(return_id: int) -> ReturnRequest:
    db.session.commit()  # a new snapshot, as a new request would see
    return db.session.get(ReturnRequest, return_id)


def start(client, path: str):
    response = client.submit(path)
    assert response.status_code == 303, response.status_code
    return response


def events(action: str) -> list[AuditEvent]:
    db.session.commit()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def fill_in(client) -> None:
    """Every page of the return, saved."""
    assert (
        client.submit("/a/return/case", {"desired_outcome": "To stay at home"}).status_code == 303
    )
    for code in PRINCIPLE_CODES:
        response = client.submit(
            f"/a/return/principles/{code}", {**ALL_TICKED, "narrative": f"{code} ok", "score": "2"}
        )
        assert response.status_code == 303, (code, response.status_code)
    response = client.submit(
        "/a/return/practitioners",
        {"role": "Social worker", "organisation": "Devon Police", "reflection": "Went well"},
    )
    assert response.status_code == 303
    response = client.submit(
        "/a/return/summary",
        {"summary": "Good joint work", "learning_points": "Share sooner", "recommendations": "R1"},
    )
    assert response.headers["Location"] == "/a/return/check"


def test_the_start_page_changes_nothing_and_names_the_board_and_organisation(app, client):
    return_id, path = new_return()
    page = client.get(path)
    assert page.status_code == 200
    text = page.soup.get_text(" ")
    assert "Devon Police" in text and app.config["BOARD"].name in text
    assert "saved as you go" in text
    for principle in PRINCIPLES:
        assert principle.title in text
    # Nothing identifying before Start, and nothing recorded by opening the page.
    assert "9434765919" not in page.get_data(as_text=True)
    client.get(path)
    return_request = fresh(return_id)
    assert return_request.opened_at is None and return_request.state == "invited"
    assert events("identifiers_viewed") == [] and events("return_opened") == []
    # The later pages need Start in this browser.
    assert client.get("/a/return/case").status_code == 403


@pytest.mark.parametrize("how", ["unknown", "tampered", "expired", "revoked", "replaced"])
def test_links_that_do_not_work_show_one_clear_page(app, client, how):
    return_id, path = new_return()
    return_request = fresh(return_id)
    if how == "unknown":
        path = "/a/" + "x" * 22
    elif how == "tampered":
        path = path[:-1] + ("A" if path[-1] != "A" else "B")
    elif how == "expired":
        return_request.expires_at = utcnow() - timedelta(minutes=1)
    elif how == "revoked":
        returns.revoke(return_request, actor="staff:1")
    elif how == "replaced":
        returns.new_link(return_request, actor="staff:1")
    db.session.commit()
    for response in (client.get(path), client.post(path, data={"csrf_token": "x"})):
        assert response.status_code in (400, 404)
    page = client.get(path)
    assert page.status_code == 404
    assert page.soup.h1.get_text(strip=True) == "This link is not working"
    for odd in ("/a/", "/a/" + "x" * 500, "/a/%00%ff", "/a/..%2F..%2Fetc"):
        assert client.get(odd).status_code in (404, 308)


def test_a_session_stops_when_its_link_is_revoked_or_replaced(app, client):
    return_id, path = new_return()
    start(client, path)
    assert client.get("/a/return/case").status_code == 200
    returns.new_link(fresh(return_id), actor="staff:1")
    db.session.commit()
    page = client.get("/a/return/case")
    assert page.status_code == 403
    assert page.soup.h1.get_text(strip=True) == "Open your return from its link"
    # A POST without a session is refused the same way, and changes nothing.
    response = client.post("/a/return/summary", data={"summary": "x"})
    assert response.status_code in (400, 403)
    assert fresh(return_id).summary is None


def test_no_session_gets_the_your_link_page_on_every_page(app, client):
    new_return()
    for path in (
        "/a/return/case",
        "/a/return/principles/empowerment",
        "/a/return/practitioners",
        "/a/return/summary",
        "/a/return/check",
        "/a/return/submitted",
    ):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "Open your return" in page.soup.h1.get_text()


def test_every_route_declares_who_may_use_it(app):
    from portal.returns import LINK, RETURN, rule_for

    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("returns.")]
    assert len(rules) >= 8
    for rule in rules:
        assert rule_for(rule.endpoint) in (LINK, RETURN), rule.endpoint
        if rule_for(rule.endpoint) == LINK:
            assert "<token>" in rule.rule, rule.rule
        else:
            assert rule.rule.startswith("/a/return/"), rule.rule


def test_the_whole_return_then_submit_once_and_read_only_after(app, client):
    return_id, path = new_return()
    response = start(client, path)
    assert response.headers["Location"] == "/a/return/case"
    return_request = fresh(return_id)
    assert return_request.opened_at is not None and return_request.state == "opened"

    case_page = client.get("/a/return/case")
    text = case_page.soup.get_text(" ")
    assert "9434765919" in text and "01/03/1950" in text and "1 High Street" in text
    # Free text is shown as text.
    assert "Sam <b>Example</b>" in text and case_page.soup.find("b") is None
    fill_in(client)
    assert fresh(return_id).state == "in_progress"

    check = client.get("/a/return/check")
    assert check.status_code == 200
    changes = [a["href"] for a in check.soup.select(".govuk-summary-card__actions a")]
    assert "/a/return/case?change=1" in changes
    assert "/a/return/principles/empowerment?change=1" in changes
    assert "/a/return/summary?change=1" in changes
    assert "Good joint work" in check.soup.get_text()

    # Change a principle from check answers: back to check answers after saving.
    response = client.submit(
        "/a/return/principles/prevention?change=1",
        {"considered": ["0", "1"], "score": "1", "narrative": "Some"},
    )
    assert response.headers["Location"] == "/a/return/check"

    token = client.csrf_token("/a/return/check")
    first = client.post("/a/return/check", data={"csrf_token": token})
    assert first.status_code == 303 and first.headers["Location"] == "/a/return/submitted"
    submitted_at = fresh(return_id).submitted_at
    assert submitted_at is not None
    # A second submit (a double click, another tab) changes nothing and shows the return.
    second = client.post("/a/return/check", data={"csrf_token": token})
    assert second.status_code == 200
    assert "already been submitted" in second.soup.get_text()
    assert fresh(return_id).submitted_at == submitted_at
    assert len(events("return_submitted")) == 1

    # Saving a page after submitting changes nothing either.
    response = client.post(
        "/a/return/summary", data={"csrf_token": token, "summary": "Changed afterwards"}
    )
    assert response.status_code == 200 and "already been submitted" in response.soup.get_text()
    assert fresh(return_id).summary == "Good joint work"
    assert client.get("/a/return/summary").headers["Location"] == "/a/return/submitted"

    page = client.get("/a/return/submitted")
    text = " ".join(page.soup.get_text(" ").split())
    # 5 principles at 2 and one at 1: 11 out of 12, Good.
    assert "11 out of 12" in text and "Good" in text
    assert not page.soup.select(".govuk-summary-card__actions a, a[href*='change=']")
    assert page.soup.find("form", attrs={"method": "post"}) is None or "Show" not in text

    # The link itself shows it read-only too, without identifiers and without recording a view.
    viewed = len(events("identifiers_viewed"))
    page = client.get(path)
    assert page.status_code == 200 and "Return submitted" in page.soup.h1.get_text()
    assert "11 out of 12" in page.soup.get_text(" ")
    assert "9434765919" not in page.get_data(as_text=True)
    assert len(events("identifiers_viewed")) == viewed


def test_starting_again_resumes_where_they_were(app, client):
    return_id, path = new_return()
    start(client, path)
    client.submit("/a/return/case", {"desired_outcome": ""})
    client.submit("/a/return/principles/empowerment", {"score": "NK"})
    other = app.test_client()
    assert "Continue your return" in other.get(path).soup.get_text()
    response = start(other, path)
    assert response.headers["Location"] == "/a/return/principles/prevention"
    assert len(events("return_opened")) == 1


def test_the_suggested_score_and_the_reason_rule(app, client):
    return_id, path = new_return()
    start(client, path)
    url = "/a/return/principles/protection"
    page = client.get(url)
    assert "0 – Unmet" in page.soup.select_one("#suggested-score").get_text()
    assert "4 or 5 is fully met" in page.soup.get_text()  # the rule, explained
    guidance = [label.get_text(strip=True) for label in page.soup.select(".govuk-checkboxes label")]
    assert guidance == list(PRINCIPLES[3].guidance)

    # Three ticked suggests 1; choosing 2 needs a reason.
    answer = {"considered": ["0", "2", "4"], "score": "2", "narrative": "N"}
    page = client.submit(url, answer)
    assert page.status_code == 200
    assert page.soup.select_one(".govuk-error-summary")
    assert page.soup.title.get_text().startswith("Error:")
    assert "1 – partially met" in page.soup.select_one("#score_reason-error").get_text()
    assert "1 – Partially met" in page.soup.select_one("#suggested-score").get_text()
    # Nothing saved on an error.
    assert fresh(return_id).principle("protection") is None

    assert client.submit(url, {**answer, "score_reason": "Strong plan"}).status_code == 303
    saved = fresh(return_id).principle("protection")
    assert saved.considered == [0, 2, 4] and saved.score == "2"
    assert saved.score_reason == "Strong plan"
    page = client.get(url)
    assert "1 – Partially met" in page.soup.select_one("#suggested-score").get_text()
    assert page.soup.select_one("#score_reason").get_text() == "Strong plan"

    # The suggested score, NA and NK need no reason.
    for score in ("1", "NA", "NK"):
        response = client.submit(url, {"considered": ["0", "1", "2"], "score": score})
        assert response.status_code == 303, score
    # Four or five ticked suggests 2; one or none suggests 0.
    assert client.submit(url, {"considered": ["0", "1", "2", "3"], "score": "2"}).status_code == 303
    assert client.submit(url, {"considered": ["1"], "score": "0"}).status_code == 303
    assert client.submit(url, {"score": "0"}).status_code == 303
    assert client.submit(url, {"considered": ["1"], "score": "1"}).status_code == 200


def test_practitioners_are_added_once_and_removed(app, client):
    return_id, path = new_return()
    start(client, path)
    one = {"role": "Social worker", "organisation": "Devon Council", "reflection": "Fine"}
    token = client.csrf_token("/a/return/practitioners")
    for _ in range(2):  # a double click
        response = client.post("/a/return/practitioners", data={"csrf_token": token, **one})
        assert response.status_code == 303
    client.submit("/a/return/practitioners", {"role": "Nurse", "organisation": "NHS Trust"})
    people = fresh(return_id).practitioners
    assert [p.role for p in people] == ["Social worker", "Nurse"]

    page = client.get("/a/return/practitioners")
    assert len(page.soup.select(".govuk-summary-card")) == 2
    assert "Add another practitioner" in page.soup.get_text()

    # Both fields are needed; errors are GOV.UK errors.
    page = client.submit("/a/return/practitioners", {"role": "", "organisation": "X" * 121})
    assert page.status_code == 200
    errors = page.soup.select_one(".govuk-error-summary").get_text()
    assert "Enter the role" in errors and "120 characters or fewer" in errors

    remove = {"csrf_token": token, "practitioner": str(people[0].id)}
    for _ in range(2):  # a double click removes one
        assert client.post("/a/return/practitioners/remove", data=remove).status_code == 303
    assert [p.role for p in fresh(return_id).practitioners] == ["Nurse"]
    # Someone else's practitioner, or nonsense, removes nothing.
    other_id, _other_path = second_return()
    db.session.add(ReturnPractitioner(return_id=other_id, role="Theirs", organisation="NHS"))
    db.session.commit()
    theirs = db.session.scalar(
        select(ReturnPractitioner.id).where(ReturnPractitioner.role == "Theirs")
    )
    for value in (str(theirs), "x", "9" * 40, ""):
        response = client.post(
            "/a/return/practitioners/remove", data={"csrf_token": token, "practitioner": value}
        )
        assert response.status_code == 303, value
    assert db.session.scalar(select(func.count()).select_from(ReturnPractitioner)) == 2


def second_return() -> tuple[int, str]:
    from portal.models import AuditCase

    case = db.session.scalar(select(AuditCase))
    nhs = organisations.create("NHS Trust", "nhs", ["nhs.net"])
    db.session.flush()
    return_request, token = returns.request_return(
        case, nhs, "Al", "al@nhs.net", ["name"], actor="staff:1"
    )
    db.session.commit()
    return return_request.id, urlsplit(returns.link_for(token)).path


def test_submitting_needs_every_principle_scored(app, client):
    return_id, path = new_return()
    start(client, path)
    client.submit("/a/return/principles/empowerment", {"score": "NA"})
    page = client.submit("/a/return/check")
    assert page.status_code == 200
    links = [a["href"] for a in page.soup.select(".govuk-error-summary a")]
    assert links == [f"#score-{code}" for code in PRINCIPLE_CODES[1:]]
    assert page.soup.select_one("#score-prevention")
    assert fresh(return_id).submitted_at is None


def test_every_view_of_identifiers_is_in_the_audit_log(app, client):
    return_id, path = new_return()
    start(client, path)
    client.get("/a/return/case")
    client.get("/a/return/check")
    viewed = events("identifiers_viewed")
    assert len(viewed) == 2
    return_request = fresh(return_id)
    for event in viewed:
        assert event.case_id == return_request.case_id
        assert event.actor == f"agency:{return_id}"
        assert f"organisation {return_request.organisation_id}" in event.detail
        assert "9434765919" not in (event.detail or "")


def test_only_the_shared_identifiers_are_shown(app, client):
    _return_id, path = new_return(share=("date_of_birth",))
    start(client, path)
    page = client.get("/a/return/case")
    keys = [k.get_text(strip=True) for k in page.soup.select(".govuk-summary-list__key")]
    assert keys == ["Date of Birth"]
    assert "9434765919" not in page.get_data(as_text=True)
    assert "Sam" not in page.soup.select_one("main").get_text()


def test_no_secret_or_id_in_the_later_addresses(app, client):
    return_id, path = new_return()
    token = path.rsplit("/", 1)[1]
    start(client, path)
    fill_in(client)
    visited = ["/a/return/case", "/a/return/check", "/a/return/practitioners"]
    for url in visited:
        page = client.get(url)
        hrefs = [a.get("href", "") for a in page.soup.find_all("a")]
        actions = [f.get("action", "") for f in page.soup.find_all("form")]
        for target in hrefs + actions:
            assert token not in target
            assert f"/{return_id}" not in target.removeprefix("/a/return/"), target
    # The session cookie holds no secret.
    cookie = client.get_cookie("session")
    assert cookie is None or token not in cookie.value


@pytest.mark.parametrize(
    "page,data",
    [
        ("/a/return/case", {"desired_outcome": "x" * 3001}),
        ("/a/return/principles/empowerment", {"narrative": "ż" * 5001}),
        ("/a/return/principles/empowerment", {"score": "3"}),
        ("/a/return/principles/empowerment", {"score": ["2", "1"]}),
        ("/a/return/principles/empowerment", {"considered": ["5"]}),
        ("/a/return/principles/empowerment", {"considered": ["-1", "0"]}),
        ("/a/return/principles/empowerment", {"score": "2", "score_reason": "r" * 2001}),
        ("/a/return/practitioners", {"role": "r" * 121, "organisation": "o"}),
        ("/a/return/practitioners", {"role": "\x00\x07", "organisation": "\ufffe"}),
        ("/a/return/summary", {"summary": "s" * 5001, "learning_points": "\ufffe" * 10}),
    ],
)
def test_bad_input_gets_gov_uk_errors(app, client, page, data):
    return_id, path = new_return()
    start(client, path)
    response = client.submit(page, data)
    assert response.status_code == 200, response.status_code
    assert response.soup.select_one(".govuk-error-summary")
    assert response.soup.select(".govuk-error-message")
    return_request = fresh(return_id)
    assert return_request.principles == [] and return_request.practitioners == []
    assert return_request.summary is None and return_request.desired_outcome is None


def test_odd_requests_are_never_a_500(app, client):
    _return_id, path = new_return()
    start(client, path)
    token = client.csrf_token("/a/return/case")
    for url in (
        "/a/return/principles/nonsense",
        "/a/return/principles/" + "e" * 3000,
        "/a/return/unknown",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"csrf_token": token}).status_code in (404, 405), url
    response = client.post("/a/return/case", data={"desired_outcome": "no token"})
    assert response.status_code == 400
    response = client.post(
        "/a/return/case",
        data=b"csrf_token=" + token.encode() + b"&desired_outcome=%ff%fe%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 303, 400)
    assert client.get("/a/return/check").status_code == 200


def test_two_saves_of_one_principle_keep_one_row(app, client):
    return_id, path = new_return()
    start(client, path)
    token = client.csrf_token("/a/return/principles/partnership")
    for score in ("2", "1"):
        data = {"csrf_token": token, **ALL_TICKED, "score": score, "score_reason": "Because"}
        client.post("/a/return/principles/partnership", data=data)
    db.session.commit()
    rows = db.session.scalars(
        select(ReturnPrinciple).where(ReturnPrinciple.return_id == return_id)
    ).all()
    assert [(r.principle, r.score) for r in rows] == [("partnership", "1")]


def test_every_field_is_held_to_its_column():
    """Every text field has a maximum; the practitioner's role and organisation fit their
    String columns (PostgreSQL would refuse a longer value mid-save)."""
    from wtforms.validators import Length

    from portal.returns import forms

    classes = [forms.CaseForm, forms.PrincipleForm, forms.PractitionerForm, forms.SummaryForm]
    for form_class in classes:
        for name, unbound in vars(form_class).items():
            if name.startswith("_") or not hasattr(unbound, "field_class"):
                continue
            validators = unbound.kwargs.get("validators") or unbound.args[1]
            if name in forms.TEXTS:
                limits = [v.max for v in validators if isinstance(v, Length)]
                assert limits == [forms.TEXTS[name].max_length], name
    for name in ("role", "organisation"):
        column = ReturnPractitioner.__table__.c[name]
        assert forms.TEXTS[name].max_length <= column.type.length
    assert forms.RemoveForm.practitioner.kwargs["validators"][1].max <= 20


def test_request_logs_redact_the_return_link():
    from portal.logs import redact

    token = "AbC-_dEf0123456789xyzQ"
    assert redact(f'"GET /a/{token} HTTP/1.1" 200') == '"GET /a/[redacted] HTTP/1.1" 200'
    assert redact("POST /a/return/principles/empowerment") == (
        "POST /a/return/principles/empowerment"
    )
    assert redact(f"/r/{token}") == "/r/[redacted]"


def test_trying_return_links_at_scale_is_limited(app, client):
    statuses = [client.get("/a/" + f"{n:022d}").status_code for n in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429
    # Start is limited alike, and a real link from the same address too.
    _return_id, path = new_return()
    assert client.get(path).status_code == 429
    other = {"REMOTE_ADDR": "192.0.2.9"}
    assert client.get(path, environ_base=other).status_code == 200


# --- Whatever arrives, a GOV.UK error or a redirect, never a 500 (as tests/test_fuzz_forms.py) --

RETURN_FORMS = {
    "/a/return/case": {"desired_outcome": ()},
    "/a/return/principles/empowerment": {
        "considered": ("0", "1", "2", "3", "4"),
        "narrative": (),
        "score": ("2", "1", "0", "NA", "NK"),
        "score_reason": (),
    },
    "/a/return/practitioners": {"role": (), "organisation": (), "reflection": ()},
    "/a/return/practitioners/remove": {"practitioner": ("1", "2")},
    "/a/return/summary": {name: () for name in ("summary", "learning_points", "recommendations")},
    "/a/return/check": {},
}


@pytest.mark.parametrize("page", sorted(RETURN_FORMS))
def test_any_input_to_any_return_page_is_handled(app, client, page):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from .strategies import draw_form, refused_as_too_large, value

    _return_id, path = new_return()
    start(client, path)
    client.submit("/a/return/practitioners", {"role": "Nurse", "organisation": "NHS"})
    token = client.csrf_token("/a/return/case")
    fields = {name: value(codes) for name, codes in RETURN_FORMS[page].items()}
    fields["unexpected"] = value()

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def post_anything(data):
        form = draw_form(data, fields)
        form["csrf_token"] = token
        response = client.post(page, data=form)
        if refused_as_too_large(app, response, form):
            return
        assert response.status_code in (200, 303), response.status_code
        if response.status_code == 200 and page != "/a/return/check":
            assert response.soup.select(".govuk-error-summary__list a")

    post_anything()


def test_two_tabs_adding_at_once_store_one_practitioner(app, client):
    """Two requests from one session at the same moment (a double click, two tabs): the
    return's row lock makes one wait for the other, which then sees its practitioner."""
    import threading

    return_id, path = new_return()
    start(client, path)
    token = client.csrf_token("/a/return/practitioners")
    cookie = client.get_cookie("session")
    tabs = [app.test_client() for _ in range(4)]
    for tab in tabs:
        tab.set_cookie("session", cookie.value, domain=cookie.domain)
    barrier = threading.Barrier(len(tabs))
    statuses = []
    data = {"csrf_token": token, "role": "Nurse", "organisation": "NHS", "reflection": "Same"}

    def add(tab):
        barrier.wait()
        statuses.append(tab.post("/a/return/practitioners", data=data).status_code)

    threads = [threading.Thread(target=add, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * len(tabs)
    assert [p.role for p in fresh(return_id).practitioners] == ["Nurse"]


def test_the_return_is_in_english_whatever_language_the_visit_chose(app, client):
    _return_id, path = new_return()
    client.post("/preferences", data={"lang": "cy", "csrf_token": client.csrf_token("/")})
    assert client.get("/").soup.html["lang"] == "cy"
    for url in (path, "/a/return/case"):
        page = client.get(url)
        assert page.soup.html["lang"] == "en", url
        assert page.soup.select_one(".govuk-skip-link").get_text(strip=True) == (
            "Skip to main content"
        )
