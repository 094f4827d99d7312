"""The portal as a board's IT team runs it (issue 14 §1): nginx with deploy/nginx.conf
terminating TLS in front of gunicorn (4 workers, gunicorn.conf.py) and the outbox worker, with
PORTAL_ENV=production and every production setting (tests/production/deployment.py).

In headless Chromium, over https through nginx: the adult's journeys (standard English with
"stop sharing", Easy Read in Welsh, from a letter's code), staff sign-in with a real TOTP code,
inviting by email and queuing a feedback letter (sent by the outbox worker to a stand-in for
GOV.UK Notify), and the language switch; on every page, no mixed content. On the wire: HSTS,
Secure cookies, TLS, the redirect from http, the client's address taken through exactly one
trusted hop, rate limits shared by the workers, and logs without secrets or addresses.

Every form here is a POST over https: with Flask-WTF's strict Referer check, these are what
failed ("This page has expired") while every plain-http test passed.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select

from portal.audit_tool import PRINCIPLES
from portal.delivery import codes
from portal.extensions import db
from portal.links import hash_token
from portal.models import Invitation, Participant
from portal.questionnaire import EASY_READ, QUESTIONS
from portal.services import organisations, returns
from portal.services.cases import create_case
from portal.services.invitations import invite

from ..browser.site import CONSENT_RIGHT, Site, question_answers
from ..delivery_support import EMAIL_TEMPLATE, FILE_TEMPLATE
from ..staff_helpers import PASSWORD, code_for, make_case, make_user
from .deployment import HOST, TIMEOUT, Deployment

# Every resource the page loaded, every address written in it, whether the stylesheet applied,
# and any web font that failed (the portal uses the system's fonts, so none is loaded today).
ADDRESSES_JS = """
const loaded = performance.getEntriesByType("resource").map((entry) => entry.name);
const written = [];
for (const el of document.querySelectorAll("[src], [href], [action], [formaction], [srcset]")) {
  for (const name of ["src", "href", "action", "formaction", "srcset"]) {
    const value = el.getAttribute(name);
    if (value !== null) written.push(`${el.tagName.toLowerCase()} ${name}="${value}"`);
  }
}
const container = document.querySelector(".govuk-width-container");
return {loaded, written, styled: container && getComputedStyle(container).maxWidth,
        fonts: [...document.fonts].map((font) => `${font.family} ${font.status}`)};
"""
INSECURE = re.compile(r'="\s*http:', re.IGNORECASE)
WITHDRAWN = "We will not share your information"


class Pages:
    """Checks each page the browser shows: served over https from the portal's own name, no
    resource loaded or address written over plain http, and no console warning about it."""

    def __init__(self, site: Site):
        self.site = site
        self.origin = site.url + "/"
        self.seen: list[str] = []

    def check(self, label: str) -> None:
        site = self.site
        where = f"{label} ({site.driver.current_url})"
        assert site.driver.current_url.startswith(self.origin), where
        found = site.run(ADDRESSES_JS)
        # GOV.UK's page width applied: the stylesheet loaded.
        assert found["styled"] not in (None, "none"), f"{where}: unstyled"
        assert found["loaded"], f"{where}: loaded no resources"
        insecure = [url for url in found["loaded"] if not url.startswith("https://")]
        insecure += [attribute for attribute in found["written"] if INSECURE.search(attribute)]
        assert not insecure, f"{where}: insecure addresses: {insecure}"
        broken = [font for font in found["fonts"] if font.endswith(" error")]
        assert not broken, f"{where}: fonts that did not load: {broken}"
        self.console(where)
        self.seen.append(label)

    def console(self, where: str) -> None:
        entries = self.site.driver.get_log("browser")
        mixed = [e["message"] for e in entries if "mixed content" in e["message"].lower()]
        assert not mixed, f"{where}: {mixed}"
        # The portal has no icon (templates/base.html), so Chromium's own guess at one is a 404.
        errors = [
            e["message"]
            for e in entries
            if e["level"] == "SEVERE" and not e["message"].startswith(self.origin + "favicon.ico ")
        ]
        assert not errors, f"{where}: console errors: {errors}"

    def cookies(self) -> None:
        """Every cookie the browser holds for the portal: Secure, HttpOnly, SameSite=Lax."""
        cookies = self.site.cdp("Network.getAllCookies")["cookies"]
        assert cookies, "the portal set no cookie"
        for cookie in cookies:
            assert cookie["domain"] == HOST, cookie
            flags = (cookie["secure"], cookie["httpOnly"], cookie.get("sameSite"))
            assert flags == (True, True, "Lax"), f"{cookie['name']}: {flags}"


@pytest.fixture
def pages(site) -> Pages:
    pages = Pages(site)
    yield pages
    pages.cookies()


def seeded_link(deployment: Deployment, reference: str, **details) -> str:
    """A new case and an invitation for its adult, through the portal's CLI services; the path."""
    with deployment.app.app_context():
        case = create_case(reference, "2026-Q4", "Self-neglect")
        link = invite(case, "adult", name="Sam Example", **details)
        db.session.commit()
    assert link.startswith(deployment.url + "/r/")
    return urlsplit(link).path


def invitation_for(path: str) -> Invitation:
    token = path.rsplit("/", 1)[1]
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def journey(site: Site, pages: Pages, each=lambda: None, begin: bool = True) -> None:
    """From the link's start page (or, with ``begin=False``, from "who is filling this in") to
    the confirmation: the adult, agreeing to share, answering every question. ``each`` checks
    something more on every page."""
    if begin:
        pages.check("start")
        each()
        site.send()  # Start now
    steps = [("who", {"respondent": "adult"}), ("consent", CONSENT_RIGHT)]
    steps += [(step.id, question_answers(step)[0]) for step in QUESTIONS]
    steps += [("contact", {"contact_name": "Sam Example", "contact_email": "sam@example.org"})]
    steps += [("check", {})]
    for page, values in steps:
        site.expect(f"/feedback/{page}")
        pages.check(page)
        each()
        site.send(values)
    site.expect("/feedback/confirmation")
    pages.check("confirmation")
    each()


# --- The browser, over https through nginx ------------------------------------------------------


def test_the_adults_journey_in_standard_english_then_stop_sharing(deployment, site, pages):
    path = seeded_link(deployment, "PROD-EN")
    site.go(path)
    assert site.find("#main-content form button").text == "Start now"
    journey(site, pages)
    assert site.run("return document.documentElement.lang") == "en"

    site.follow(site.find("main a[href^='/w/']"))  # "stop sharing", shown on the confirmation
    pages.check("stop sharing")
    site.send()
    pages.check("stopped sharing")
    assert site.h1() == WITHDRAWN
    with deployment.app.app_context():
        response = invitation_for(path).response
        assert response.status == "submitted"
        assert response.consent.decision == "agree"
        assert response.consent.withdrawn_at is not None
        assert len(response.answers) == len(QUESTIONS)


def test_the_adults_journey_in_easy_read_welsh(deployment, site, pages):
    path = seeded_link(deployment, "PROD-CY", format=EASY_READ, language="cy")
    site.go(path)

    def welsh_easy_read():
        assert site.run("return document.documentElement.lang") == "cy", site.path
        assert site.driver.find_elements("css selector", "img.app-er-picture"), site.path

    journey(site, pages, welsh_easy_read)
    with deployment.app.app_context():
        response = invitation_for(path).response
        assert (response.status, response.format, response.language) == (
            "submitted",
            EASY_READ,
            "cy",
        )


def test_a_letters_code_leads_into_the_journey(deployment, site, pages):
    path = seeded_link(deployment, "PROD-CODE")
    with deployment.app.app_context():
        code = codes.issue(invitation_for(path))
        db.session.commit()
    site.go("/code")
    pages.check("enter your code")
    site.send({"code": code.lower().replace("-", " ")})  # typed as a person might
    journey(site, pages, begin=False)
    with deployment.app.app_context():
        assert invitation_for(path).response.status == "submitted"


def delivered(deployment: Deployment, template: str, address: str, timeout: float = 30) -> dict:
    """The email the outbox worker sent Notify with ``template`` to ``address``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for notification in deployment.notify.notifications:
            body = notification["body"]
            if body.get("template_id") == template and body.get("email_address") == address:
                return body
        time.sleep(0.2)
    pytest.fail(
        f"the outbox worker sent no email with template {template} to {address}: "
        f"{deployment.notify.problems}\n{deployment.processes['outbox'].tail()}"
    )


def test_staff_sign_in_invite_by_email_and_queue_a_feedback_letter(deployment, site, pages):
    email = "adult.prod@example.org"
    with deployment.app.app_context():
        user = make_user("coordinator", email="coordinator.prod@example.org")
        case = make_case("PROD-STAFF")
        db.session.add(
            Participant(case=case, role="adult", name="Sam Example", channel="email", email=email)
        )
        db.session.commit()
        case_id, user_email, code = case.id, user.email, code_for(user)

    site.go("/staff/sign-in")
    pages.check("staff sign-in")
    site.send({"email": user_email, "password": PASSWORD, "code": code})
    site.expect("/staff/cases")
    pages.check("cases")

    site.go(f"/staff/cases/{case_id}")
    pages.check("case")
    site.press(f"form[action='/staff/cases/{case_id}/people/adult/invite'] button")
    pages.check("invitation queued")
    shown = site.find("#new-link").text
    assert re.fullmatch(rf"{re.escape(deployment.url)}/r/[A-Za-z0-9_-]+", shown), shown

    sent = delivered(deployment, EMAIL_TEMPLATE, email)
    assert shown in sent["personalisation"]["body"], "the email does not carry the link"
    site.driver.get(shown)  # the emailed link works, over https
    site.expect(urlsplit(shown).path)
    pages.check("emailed link")
    assert site.find("#main-content form button").text == "Start now"

    site.go(f"/staff/cases/{case_id}/feedback")
    pages.check("feedback letter")
    site.send(
        {
            "recipient": "adult",
            "findings": "The audit found that you were kept informed.",
            "next_steps": "We will share what we learned with staff.",
        }
    )
    site.expect(f"/staff/cases/{case_id}/feedback/preview")
    pages.check("feedback letter preview")
    site.send()  # Queue the letter
    site.expect(f"/staff/cases/{case_id}")
    pages.check("case, letter queued")
    assert "The feedback letter is queued." in site.find("main").text
    letter = delivered(deployment, FILE_TEMPLATE, email)
    assert letter["personalisation"]["link_to_file"]["file"], "no PDF attached to the email"


def test_an_agency_completes_its_return_from_its_link(deployment, site, pages):
    """Issue 16's agency return over https through nginx: the link, Start now (a POST with the
    strict referrer check), every page saved, submitted once, then read-only."""
    with deployment.app.app_context():
        case = make_case("PROD-RETURN")
        organisation = organisations.create("Production Police", "police", ["prod.police.uk"])
        db.session.flush()
        _request, token = returns.request_return(
            case, organisation, "Jo Lead", "jo@prod.police.uk", ["name"], actor="cli"
        )
        db.session.commit()
        link = returns.link_for(token)
    assert link.startswith(deployment.url + "/a/")

    site.driver.get(link)
    pages.check("return link")
    site.press()  # Start now
    site.expect("/a/return/case")
    pages.check("return case")
    site.send({"desired_outcome": "To stay at home"})
    for principle in PRINCIPLES:
        site.expect(f"/a/return/principles/{principle.code}")
        pages.check(f"return {principle.code}")
        site.send({"considered": ["0", "1", "2", "3"], "narrative": "Recorded.", "score": "2"})
    site.expect("/a/return/practitioners")
    pages.check("return practitioners")
    site.follow(site.find("main a.govuk-button"))  # Continue
    site.expect("/a/return/summary")
    site.send({"summary": "Joint working.", "learning_points": "Share plans sooner."})
    site.expect("/a/return/check")
    pages.check("return check")
    site.press()  # Submit return
    site.expect("/a/return/submitted")
    pages.check("return submitted")
    with deployment.app.app_context():
        submitted = returns.find_by_token(token)
        assert submitted.submitted_at is not None
        assert [p.score for p in submitted.principles] == ["2"] * len(PRINCIPLES)


def test_the_language_switch(site, pages):
    site.go("/")
    pages.check("home")
    site.prefer("cy", "standard")  # presses the page's own switcher: POST /preferences
    site.expect("/")
    pages.check("home in Welsh")
    site.prefer("en", EASY_READ)
    pages.check("home in English, Easy Read")
    assert site.find(".app-switcher button[name='format']").text == "Standard version"


# --- On the wire ----------------------------------------------------------------------------------


def cookie_attributes(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_https_responses_carry_hsts_and_every_cookie_is_secure(deployment):
    path = seeded_link(deployment, "PROD-WIRE")
    http = deployment.session()
    origin = deployment.url
    responses = [http.get(deployment.https + "/", timeout=TIMEOUT)]
    start = http.get(deployment.https + path, timeout=TIMEOUT)
    responses.append(start)
    # A form post with no Referer is refused over https (Flask-WTF's strict check): browsers
    # send one because pages say Referrer-Policy: same-origin.
    assert start.headers["Referrer-Policy"] == "same-origin"
    refused = http.post(deployment.https + path, data={"csrf_token": csrf(start)}, timeout=TIMEOUT)
    assert refused.status_code == 400 and "This page has expired" in refused.text
    begun = http.post(
        deployment.https + path,
        data={"csrf_token": csrf(start)},
        headers={"Referer": origin + path},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert begun.status_code == 302 and begun.headers["Location"] == "/feedback/who"
    who = http.get(deployment.https + "/feedback/who", timeout=TIMEOUT)
    assert who.status_code == 200
    responses += [refused, begun, who]
    switched = http.post(  # beginning made a new session, with a new token
        deployment.https + "/preferences",
        data={"csrf_token": csrf(who), "lang": "cy", "next": "/feedback/who"},
        headers={"Referer": origin + "/feedback/who"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert switched.status_code == 302, switched.status_code
    responses.append(switched)
    sign_in = deployment.session().get(deployment.https + "/staff/sign-in", timeout=TIMEOUT)
    responses += [sign_in, http.get(deployment.https + "/no-such-page", timeout=TIMEOUT)]
    responses.append(http.get(deployment.https + "/healthz", timeout=TIMEOUT))

    cookies = []
    for response in responses:
        where = f"{response.request.method} {urlsplit(response.url).path}"
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert hsts.startswith("max-age=31536000"), f"{where}: no HSTS"
        cookies += [(where, c) for c in response.raw.headers.getlist("Set-Cookie")]
    assert len(cookies) >= 3, cookies
    for where, cookie in cookies:
        assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(cookie), (where, cookie)


def test_plain_http_only_redirects_to_https(deployment):
    http = deployment.session()
    answer = http.get(
        f"http://127.0.0.1:{deployment.http_port}/code?x=1",
        headers={"Host": f"{HOST}:{deployment.http_port}"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 301
    assert answer.headers["Location"] == deployment.url + "/code?x=1"


def tls(deployment: Deployment, name: str) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=str(deployment.certificate.cert))
    context.set_alpn_protocols(["h2", "http/1.1"])
    raw = socket.create_connection(("127.0.0.1", deployment.https_port), timeout=TIMEOUT)
    try:
        return context.wrap_socket(raw, server_hostname=name)
    except ssl.SSLError:
        raw.close()
        raise


def test_tls_is_modern_and_only_for_the_portals_name(deployment):
    with tls(deployment, HOST) as connection:
        assert connection.version() == "TLSv1.3"
        assert connection.selected_alpn_protocol() == "h2"
    with pytest.raises(ssl.SSLError):
        tls(deployment, "another.test")


def begin_page(deployment: Deployment, path: str, source: str, **headers) -> int:
    """GET a link's start page from ``source`` on a new connection; the status."""
    with deployment.session(source) as http:
        return http.get(deployment.https + path, headers=headers, timeout=TIMEOUT).status_code


def test_the_begin_limit_is_shared_by_the_four_workers(deployment):
    """LINK_LIMIT allows 30 a minute from one address. Kept in each worker's memory instead of
    Redis, all 31 passed here (and 119 of 130: four workers' worth)."""
    path = seeded_link(deployment, "PROD-LIMIT")
    before = deployment.writes()
    statuses = [begin_page(deployment, path, "127.0.0.4") for _ in range(31)]
    after = deployment.writes()
    answered = [pid for pid, count in after.items() if count > before.get(pid, count)]
    assert len(answered) >= 2, f"only worker {answered} answered: nothing shown about sharing"
    assert statuses == [200] * 30 + [429], statuses


def test_the_client_address_comes_through_exactly_one_trusted_hop(deployment):
    path = seeded_link(deployment, "PROD-HOPS")
    statuses = [begin_page(deployment, path, "127.0.0.2") for _ in range(31)]
    assert statuses == [200] * 30 + [429], statuses
    # Another client is still let in: the limit was on 127.0.0.2, not on nginx's address.
    assert begin_page(deployment, path, "127.0.0.3") == 200
    # A forged extra hop changes nothing: nginx appends the real address, the portal takes it.
    assert begin_page(deployment, path, "127.0.0.2", **{"X-Forwarded-For": "10.9.8.7"}) == 429
    assert begin_page(deployment, path, "127.0.0.3", **{"X-Forwarded-For": "127.0.0.2"}) == 200


def test_logs_hold_no_link_secrets_query_strings_or_client_addresses(deployment):
    path = seeded_link(deployment, "PROD-LOGS")
    token = path.rsplit("/", 1)[1]
    with deployment.session("127.0.0.9") as http:
        answer = http.get(
            f"{deployment.https}{path}?campaign=query-marker",
            headers={"Referer": "https://mail.example/referrer-marker", "User-Agent": "ua-marker"},
            timeout=TIMEOUT,
        )
    assert answer.status_code == 200
    reference = answer.headers["X-Request-Id"]
    deadline = time.monotonic() + 10  # both write their access line after the response
    while time.monotonic() < deadline:
        nginx, portal = deployment.log("portal-access.log"), deployment.log("gunicorn.log")
        if reference in nginx and reference in portal:
            break
        time.sleep(0.1)
    assert reference in nginx and reference in portal, "the request is not in both logs"
    for marker in (token, "127.0.0.9", "query-marker", "referrer-marker", "ua-marker", "/r/"):
        assert marker not in nginx, f"nginx logged {marker}"
    for name in ("gunicorn.log", "outbox.log", "portal-error.log"):
        assert token not in deployment.log(name), f"{name} holds a link secret"
    assert "/r/[redacted]" in portal
