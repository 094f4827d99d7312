"""Every staff page, as the public pages are checked: sign-in (empty and with an error), then
every page each role can reach by following links from the staff home page, with a case that
has an adult's sent answers, returns, a meeting and actions, so their pages have content. Forms
found on the way are also sent empty, to check their error states. One crawl, three checks:
axe on every page, reflow once per kind of page, and the Nu Html Checker on the server's HTML
of one page of each kind."""

from __future__ import annotations

import re
import traceback
import uuid
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from .site import Site, describe
from .test_html_valid import require_checker, vnu_problems

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
        _returns_on(path)
        _an_action_on(path)
        _a_meeting_on(path, user.id if role == "facilitator" else None)
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


def _a_meeting_on(path: str, facilitator_id: int | None) -> None:
    """The audit meeting's pages with content: a submitted return (unless the case has one
    already) and a recorded meeting with an escalation; a facilitator is assigned the case, so
    their crawl reaches it too."""
    from datetime import date

    from sqlalchemy import select

    from portal.audit_tool import PRINCIPLE_CODES
    from portal.extensions import db
    from portal.links import hash_token
    from portal.models import Invitation, ReturnPrinciple
    from portal.services import meetings, organisations, returns

    db.session.remove()
    token = path.rsplit("/", 1)[1]
    case = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).case
    if facilitator_id is not None:
        case.facilitator_id = facilitator_id
    if not meetings.submitted_returns(case):
        domain = f"org-{uuid.uuid4().hex[:6]}.example.org"
        organisation = organisations.create(f"Organisation {domain[4:10]}", "police", [domain])
        return_request, _token = returns.request_return(
            case, organisation, "Lead", f"lead@{domain}", ("name",), actor="cli"
        )
        scores = ("2", "1", "0", "2", "NA", "NK")
        for code, score in zip(PRINCIPLE_CODES, scores, strict=True):
            return_request.principles.append(
                ReturnPrinciple(principle=code, score=score, narrative="Seen within 2 days")
            )
        returns.submit(return_request, actor="cli")
    involved = organisations.for_case(case)
    meetings.save(
        case,
        meetings.MeetingRecord(
            held_on=date.today(),
            organisation_ids=[o.id for o in involved],
            scores=dict.fromkeys(PRINCIPLE_CODES, "1"),
            summary="A joint visit within two days",
            escalations=[meetings.EscalationEntry(involved[0].id, date.today(), "Facilitator")],
        ),
        actor="cli",
    )
    db.session.commit()


def _returns_on(path: str) -> None:
    """Returns from organisations on the link's case: one submitted (ticks, narratives, a
    practitioner), so the return's read-only page is crawled, and one asked for and not yet
    opened, so its timeline, buttons and revoke confirmation are. The free-text agencies
    involved names a third, listed organisation, which the case page offers to add."""
    from sqlalchemy import select

    from portal.audit_tool import PRINCIPLE_CODES
    from portal.extensions import db
    from portal.links import hash_token
    from portal.models import Invitation, ReturnPractitioner, ReturnPrinciple
    from portal.services import organisations, returns

    db.session.remove()
    token = path.rsplit("/", 1)[1]
    case = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).case
    tag = uuid.uuid4().hex[:6]
    trust = organisations.create(f"NHS Trust {tag}", "nhs", [f"trust-{tag}.example.org"])
    police = organisations.create(f"Police {tag}", "police", [f"police-{tag}.example.org"])
    organisations.create(f"Housing {tag}", "housing", [f"housing-{tag}.example.org"])
    case.agencies_involved = f"Housing {tag}, the GP"
    submitted, _token = returns.request_return(
        case, trust, "Ann Lead", f"ann@trust-{tag}.example.org", ("name", "nhs_number"), "cli"
    )
    ticks = ([0, 1, 2, 3], [0, 1], [0], [0, 1, 2, 3, 4], [], [1, 2])
    scores = ("2", "2", "0", "2", "NA", "1")
    for code, considered, score in zip(PRINCIPLE_CODES, ticks, scores, strict=True):
        submitted.principles.append(
            ReturnPrinciple(
                principle=code,
                considered=considered,
                score=score,
                narrative="Seen within 2 days",
                score_reason="Agreed at the strategy meeting" if code == "prevention" else None,
            )
        )
    submitted.practitioners.append(
        ReturnPractitioner(role="Ward nurse", organisation="NHS Trust", reflection="Busy ward")
    )
    submitted.summary = "Good joint working"
    returns.mark_opened(submitted)
    returns.submit(submitted, actor="cli")
    returns.request_return(case, police, "Jo Lead", f"jo@police-{tag}.example.org", (), "cli")
    db.session.commit()


def _new_return_link_page(site, visit) -> None:
    """Pages the crawl cannot reach by a link: the revoke confirmation (behind a button), the
    request form refusing an address outside the organisation's domains, and the page that
    shows a return's new link once, after "Send a new link" (a POST)."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import ReturnRequest

    with site.live.app.app_context():
        live = db.session.scalar(
            select(ReturnRequest)
            .where(ReturnRequest.submitted_at.is_(None), ReturnRequest.revoked_at.is_(None))
            .order_by(ReturnRequest.id.desc())
            .limit(1)
        )
        path = f"/staff/cases/{live.case_id}/returns/{live.id}"
        organisation_id = str(live.organisation_id)
        db.session.remove()
    site.go(path)
    site.follow(site.find("#main-content form[action$='/revoke'] button"))
    assert site.path.startswith(f"{path}/revoke"), site.path
    visit("coordinator: revoke a return's link?")
    site.go(path.rsplit("/", 1)[0] + "/new")
    site.send(
        {"organisation_id": organisation_id, "contact_name": "Jo", "contact_email": "jo@x.org"}
    )
    assert "Enter an email address at" in site.find(".govuk-error-summary").text
    visit("coordinator: ask for a return (address outside the domains)")
    site.go(path)
    site.follow(site.find("#main-content form[action$='/new-link'] button"))
    assert "/a/" in site.find("#new-link").text, "the new link is shown once"
    visit("coordinator: a return's new link shown once")


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


@dataclass
class Crawled:
    """What the crawl found: each check's problems, and one served page of each kind."""

    seen: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    reflow: list[str] = field(default_factory=list)
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)  # kind -> (where, body)
    error: str | None = None  # the crawl itself went wrong: every test on it fails with this


@pytest.fixture(scope="module")
def crawled(live, _driver) -> Crawled:
    """Each role in turn (administrators and coordinators see different pages), crawled once
    for all the checks below. axe runs on every page; reflow once per kind of page (its shape,
    with or without an error summary), whichever role reaches it first; the server's HTML is
    kept for the checker, one page per method, shape and status. Coordinators go first: they
    see the most on the pages every role shares."""
    site = Site(_driver, live)
    site.reset()
    result = Crawled()
    reflowed = set()

    def visit(label):
        result.seen.append(label)
        where = f"{label} ({site.path})"
        violations = site.axe()
        if violations:
            result.axe.append(f"{where}:\n{describe(violations)}")
        kind = (_shape(site.path), site.has_errors())
        if kind not in reflowed:
            reflowed.add(kind)
            problems = site.reflow()
            if problems:
                result.reflow.append(f"{where}:\n  " + "\n  ".join(problems))

    live.recorded = recorded = []
    preloaded = site.preload_axe()
    try:
        site.go(_setup_link(site))
        visit("account set-up")
        site.send({}, real=False)
        visit("account set-up (error)")
        site.go("/staff/set-up/" + "x" * 43)
        visit("set-up link not working")
        _report_cases(site)
        for role in ("coordinator", "admin", "facilitator", "learning_group"):
            site.cdp("Network.clearBrowserCookies")
            email, secret, password = _staff_setup(site, role)
            _sign_in(site, email, secret, password, visit)
            assert site.path.startswith("/staff"), site.path
            _crawl(site, visit, role)
            if role == "coordinator":
                _new_link_page(site, visit)
                _new_return_link_page(site, visit)
                _report_pages(site, visit)
    except Exception:  # noqa: BLE001 - reported by every test on this crawl
        result.error = f"the staff crawl stopped:\n{traceback.format_exc()}"
    finally:
        live.recorded = None
        site.stop_preloading(preloaded)
        site.reset()
    for where, body in recorded:
        method, path, *status = where.split(" ")
        if path.startswith("/staff"):
            result.kinds.setdefault(" ".join([method, _shape(path), *status]), (where, body))
    return result


def test_every_staff_page_passes_axe(crawled):
    seen = crawled.seen
    assert crawled.error is None, crawled.error
    assert len(seen) > 15, seen
    returns_pages = re.compile(r"^coordinator: /staff/cases/\d+/returns/(\d+|new)(\?|$)")
    assert len({label for label in seen if returns_pages.match(label)}) >= 3, seen
    assert any(label.startswith("admin: /staff/organisations/") for label in seen), seen
    for role in ("coordinator", "learning_group"):
        assert any(label.startswith(f"{role}: /staff/actions/") for label in seen), seen
    for role in ("coordinator", "facilitator"):
        for page in ("/audit-meeting", "/audit-meeting/record", "/audit-meeting/minutes"):
            assert any(
                label.startswith(f"{role}: /staff/cases/") and label.endswith(page)
                for label in seen
            ), (role, page, seen)
    for role in ("coordinator", "admin", "learning_group"):
        for shape in ("/staff/reports", "/staff/reports/N-QN", "/staff/reports/N-QN/published"):
            assert any(
                label.startswith(f"{role}: ") and _shape(label.split(": ", 1)[1]) == shape
                for label in seen
            ), (role, shape, seen)
    assert "coordinator: a year's report, published edition" in seen, seen
    assert "coordinator: choosing a report (error)" in seen, seen
    assert not crawled.axe, "axe found problems:\n" + "\n".join(crawled.axe)


def test_no_staff_page_scrolls_sideways_or_hides_content(crawled):
    """Reflow and resize text, as the public pages are checked (tests/browser/test_reflow.py):
    at 320 px, at 320 px with text at 200%, and with text at 200% on a desktop window. A wide
    data table may scroll inside its own keyboard-scrollable box; the page may not."""
    assert crawled.error is None, crawled.error
    assert not crawled.reflow, "pages that do not reflow:\n" + "\n".join(crawled.reflow)


def test_every_kind_of_staff_page_is_valid_html(crawled, tmp_path):
    """The server's own HTML for one page of each kind the crawl was served (error states
    and error pages included), through the Nu Html Checker."""
    require_checker()
    assert crawled.error is None, crawled.error
    pages = list(crawled.kinds.values())
    assert any(where.startswith("POST ") for where, _body in pages), list(crawled.kinds)
    assert len(pages) > 30, list(crawled.kinds)
    problems = vnu_problems(pages, tmp_path)
    assert not problems, f"{len(problems)} HTML errors in {len(pages)} kinds of staff page:\n" + (
        "\n".join(problems[:40])
    )


def _report_cases(site) -> None:
    """Audited cases that fill every section of the quarterly report (tests/report_support.py),
    so the crawl reaches the report's pages from the list of periods that have cases."""
    from portal.extensions import db

    from ..report_support import seed

    with site.live.app.app_context():
        seed("2026-Q3", cases=3)
        db.session.remove()


def _report_pages(site, visit) -> None:
    """A quarter and a year in both editions, and the chooser sent a period that is not one."""
    for path, label in (
        ("/staff/reports/2026-Q3", "a quarter's report"),
        ("/staff/reports/2026-Q3/published", "a quarter's report, published edition"),
        ("/staff/reports/2026", "a year's report"),
        ("/staff/reports/2026/published", "a year's report, published edition"),
    ):
        site.go(path)
        assert site.find("svg[role=img]"), path
        visit(f"coordinator: {label}")
    site.go("/staff/reports")
    site.send({"period": "Quarter 5", "edition": "board"})
    assert site.has_errors(), "a period that is not one is refused on the form"
    visit("coordinator: choosing a report (error)")


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
