"""axe-core over every staff page: sign-in (empty and with an error), then every page an
administrator can reach by following links from the staff home page, with a case that has an
adult's sent answers, so the case, invitation and adult's-voice pages have content. Forms found
on the way are also sent empty, to check their error states."""

from __future__ import annotations

import re
import uuid
from collections import deque
from urllib.parse import urlsplit

from selenium.webdriver.common.by import By

from .site import describe

# Pages that are not HTML, or that end the session, are not followed.
SKIP = re.compile(r"/sign-out|\.(pdf|csv|zip)$|/download|/print-batch")


def _staff_setup(site, role):
    """A staff member, and a case with a sent response. Returns email, TOTP secret, password."""
    from portal.extensions import db

    from ..checking_client import CheckingClient
    from ..helpers import full_journey
    from ..staff_helpers import PASSWORD, make_user

    app = site.live.app
    with app.app_context():
        user = make_user(role, email=f"{role}-{uuid.uuid4().hex[:6]}@example.org")
        email, secret = user.email, user.totp_secret
        path = site.new_link("adult")
        app.test_client_class = CheckingClient
        client = app.test_client()
        full_journey(client, path, {"q1": {"q1": "always", "q1_comment": "Kind people"}})
        _an_action_on(path)
        db.session.remove()
        return email, secret, PASSWORD


def _an_action_on(path: str) -> None:
    """An overdue action with an update on the link's case, so that the case page lists it and
    the actions pages have content."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from portal.extensions import db
    from portal.links import hash_token
    from portal.models import Invitation
    from portal.services import actions, organisations

    db.session.remove()  # no snapshot from before the journey's writes (SQLite)
    token = path.rsplit("/", 1)[1]
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    owner = organisations.create(f"Organisation {uuid.uuid4().hex[:6]}", "nhs")
    action = actions.create(
        invitation.case,
        "Review how the referral pathway records what the person wants",
        owner.id,
        "Head of Adult Safeguarding",
        date.today() - timedelta(days=3),
    )
    actions.add_update(action, "Pathway review started", "Coordinator")
    db.session.commit()


def _setup_link(site) -> str:
    """The path of a new account's one-time set-up link."""
    from portal.extensions import db
    from portal.staff.auth import create_user

    with site.live.app.app_context(), site.live.app.test_request_context():
        _user, link = create_user(f"new-{uuid.uuid4().hex[:6]}@example.org", "coordinator")
        db.session.commit()
        db.session.remove()
    return urlsplit(link).path


def _sign_in(site, email, secret, password, visit):
    import pyotp

    site.go("/staff/sign-in")
    visit("sign in")
    site.send({}, real=False)
    visit("sign in (error)")
    site.send({"email": email, "password": password, "code": pyotp.TOTP(secret).now()})


def test_every_staff_page_passes_axe(site):
    """Each role in turn (administrators and coordinators see different pages)."""
    problems, seen = [], []

    def visit(label):
        seen.append(label)
        violations = site.axe()
        if violations:
            problems.append(f"{label} ({site.path}):\n{describe(violations)}")

    preloaded = site.preload_axe()
    try:
        site.go(_setup_link(site))
        visit("account set-up")
        site.send({}, real=False)
        visit("account set-up (error)")
        site.go("/staff/set-up/" + "x" * 43)
        visit("set-up link not working")
        for role in ("admin", "coordinator", "facilitator", "learning_group"):
            site.cdp("Network.clearBrowserCookies")
            email, secret, password = _staff_setup(site, role)
            _sign_in(site, email, secret, password, visit)
            assert site.path.startswith("/staff"), site.path
            _crawl(site, visit, role)
            if role == "coordinator":
                _new_link_page(site, visit)
    finally:
        site.stop_preloading(preloaded)

    assert len(seen) > 15, seen
    for role in ("coordinator", "learning_group"):
        assert any(label.startswith(f"{role}: /staff/actions/") for label in seen), seen
    assert not problems, "\n".join(problems)


def _new_link_page(site, visit) -> None:
    """The page that shows a new link once, after "Send a new link" (a POST, so no crawl), for
    a live invitation."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.links import hash_token
    from portal.models import Invitation

    app = site.live.app
    with app.app_context():
        token = site.new_link("adult").rsplit("/", 1)[1]
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.token_hash == hash_token(token))
        )
        invitation.participant.email = "adult@example.org"  # somewhere to send the new link
        path = f"/staff/cases/{invitation.case_id}/invitations/{invitation.id}"
        db.session.commit()
        db.session.remove()
    site.go(path)
    site.follow(site.find("#main-content form[action$='/resend'] button"))
    assert "/r/" in site.find("#main-content").text, "the new link is shown once"
    visit("coordinator: new link shown once")


def _shape(path: str) -> str:
    """/staff/cases/7 and /staff/cases/8 are the same kind of page."""
    return re.sub(r"\d+", "N", path.split("?")[0])


def _crawl(site, visit, role):
    """Every kind of page reachable from the staff home page, one or two of each. Cases made
    by other tests fill the case list; they add no new kinds of page."""
    queue, done, shapes = deque(["/staff/"]), set(), {}
    visited = 0
    while queue and visited < 60:
        path = queue.popleft()
        shape = _shape(path)
        if path in done or shapes.get(shape, 0) >= 2:
            continue
        done.add(path)
        shapes[shape] = shapes.get(shape, 0) + 1
        site.go(path)
        visit(f"{role}: {path}")
        visited += 1
        forms = site.driver.find_elements(
            By.CSS_SELECTOR, "#main-content form[method=post] button.govuk-button"
        )
        if forms and shape.endswith(("/new", "/edit", "/record", "/expiry")):
            site.send({}, real=False)
            if site.has_errors():
                visit(f"{role}: {path} (error)")
            site.go(path)
        for link in site.driver.find_elements(By.CSS_SELECTOR, "a[href]"):
            href = urlsplit(link.get_attribute("href"))
            target = href.path + (f"?{href.query}" if href.query else "")
            if (
                href.netloc == urlsplit(site.url).netloc
                and href.path.startswith("/staff")
                and not SKIP.search(href.path)
                and target not in done
                and shapes.get(_shape(target), 0) < 2
            ):
                queue.append(target)
