"""The whole adult journey with a keyboard alone: Tab, Shift+Tab, Space, Enter, the arrow keys
and typing. No clicks. At every stop, focus must be visible (GOV.UK's yellow focus indicator on
the element, its label's radio or checkbox, or an outline); the skip link must reach the main
content; after a mistake the error summary must get focus; and pressing Shift three times must
leave the page at once ("Exit this page"). The agency's return and the staff side's audit (case,
return request, meeting record, action) are done the same way."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from portal.questionnaire import QUESTIONS

# What has focus, and whether it shows: None when it does, else what is wrong.
FOCUS_JS = """
const el = document.activeElement;
if (!el || el === document.body) return "nothing has focus";
const yellow = "rgb(255, 221, 0)";
const shows = (s) => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2
                      && s.outlineColor === yellow)
  || s.boxShadow.includes(yellow) || s.backgroundColor === yellow || s.borderColor === yellow;
const styles = [getComputedStyle(el), getComputedStyle(el, "::before"),
                getComputedStyle(el, "::after")];
for (const label of el.labels || []) {  // GOV.UK radios and checkboxes draw focus on the label
  styles.push(getComputedStyle(label, "::before"), getComputedStyle(label, "::after"));
}
if (styles.some(shows)) return null;
const box = el.getBoundingClientRect();
if (box.width < 1 || box.height < 1) return `${el.outerHTML.slice(0, 100)} has focus but is hidden`;
return `no visible focus on ${el.outerHTML.slice(0, 120)}`;
"""


class Keyboard:
    def __init__(self, site):
        self.site = site
        self.driver = site.driver
        self.stops = 0

    def press(self, *keys) -> None:
        ActionChains(self.driver).send_keys(*keys).perform()

    def active(self, css: str) -> bool:
        return self.site.run("return document.activeElement.matches(arguments[0])", css)

    def focus_shows(self) -> None:
        problem = self.site.run(FOCUS_JS)
        assert problem is None, f"{self.site.path}: {problem}"
        self.stops += 1

    def tab_to(self, css: str, back: bool = False, limit: int = 150) -> None:
        """Tab (or Shift+Tab) until ``css`` has focus, checking focus shows at every stop."""
        for _ in range(limit):
            if back:
                ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(
                    Keys.SHIFT
                ).perform()
            else:
                self.press(Keys.TAB)
            self.focus_shows()
            if self.active(css):
                return
        raise AssertionError(f"{self.site.path}: {css} never got focus by Tab")

    def type(self, css: str, text: str) -> None:
        self.tab_to(css)
        self.press(text)

    def activate(self, css: str, key=Keys.ENTER) -> None:
        """Tab to a button or link and press Enter, then wait for the next page."""
        self.tab_to(css)
        old = self.site.find("html")
        self.press(key)
        self.site.wait_for_new_page(old)

    def carry_on(self) -> None:
        self.activate("#main-content form button.govuk-button:not([type=button])")


def test_the_whole_journey_by_keyboard(site):
    keys = Keyboard(site)
    path = site.new_link()
    site.go(path)

    # The skip link is the first stop, and moves focus to the main content.
    keys.press(Keys.TAB)
    assert keys.active(".govuk-skip-link"), "the first Tab does not reach the skip link"
    keys.focus_shows()
    keys.press(Keys.ENTER)
    assert keys.active("main#main-content"), "the skip link does not move focus to main"
    keys.carry_on()  # Start now

    site.expect("/feedback/who")
    keys.tab_to("input[name=respondent]")
    keys.press(Keys.SPACE)
    keys.carry_on()

    # A mistake: agreeing without signing. Focus goes to the error summary, and its first link
    # takes focus to the field.
    site.expect("/feedback/consent")
    keys.tab_to("input[name=decision][value=agree]")
    keys.press(Keys.SPACE)
    keys.carry_on()
    site.expect("/feedback/consent")
    WebDriverWait(site.driver, 5, 0.05).until(lambda d: keys.active(".govuk-error-summary"))
    keys.focus_shows()
    keys.press(Keys.TAB)
    assert keys.active(".govuk-error-summary a"), "Tab from the summary misses its links"
    keys.focus_shows()
    target = site.run("return document.activeElement.hash")
    keys.press(Keys.ENTER)
    assert site.run("return '#' + document.activeElement.id") == target
    keys.press("Sam Example")
    keys.type("input[name=completed_by]", "Sam Example")
    keys.type("input[name=signature]", "Sam Example")
    keys.tab_to("input[name=declaration]")
    keys.press(Keys.SPACE)
    # Shift+Tab back to the signature, and on again.
    keys.tab_to("input[name=signature]", back=True)
    keys.carry_on()

    for step in QUESTIONS:
        site.expect(f"/feedback/{step.id}")
        main, comment = step.fields[0], step.fields[-1]
        if main.kind == "radios":
            keys.tab_to(f"input[name={main.id}]")
            keys.press(Keys.ARROW_DOWN)  # moves to, and selects, the second option
            chosen = main.options[1].code
            assert keys.active(f"input[value={chosen}]:checked"), f"{step.id}: arrow key"
        elif main.kind == "checkboxes":
            keys.tab_to(f"input[name={main.id}]")
            keys.press(Keys.SPACE)
        keys.type(f"textarea[name={comment.id}]", "Typed with the keyboard")
        keys.carry_on()

    site.expect("/feedback/contact")
    keys.type("input[name=contact_name]", "Sam Example")
    keys.type("input[name=contact_email]", "sam@example.com")
    keys.carry_on()

    site.expect("/feedback/check")
    assert "Typed with the keyboard" in site.find("main").text
    keys.carry_on()  # Send my answers
    site.expect("/feedback/confirmation")
    assert keys.stops > 50

    # Exit this page: Shift three times leaves at once, and ends the session.
    for _ in range(3):
        ActionChains(site.driver).key_down(Keys.SHIFT).key_up(Keys.SHIFT).perform()
    exit_url = site.live.app.config["EXIT_URL"]
    WebDriverWait(site.driver, 10, 0.05).until(lambda d: d.current_url == exit_url)
    site.go("/feedback/confirmation")
    assert "session has ended" in site.h1().lower() or site.path != "/feedback/confirmation"


def test_an_agency_return_by_keyboard(site):
    """A contact at a partner organisation completes the return with the keyboard alone."""
    from portal.audit_tool import PRINCIPLES

    from .returns_walk import new_return_link

    keys = Keyboard(site)
    site.go(new_return_link(site))
    keys.press(Keys.TAB)
    assert keys.active(".govuk-skip-link"), "the first Tab does not reach the skip link"
    keys.press(Keys.ENTER)
    assert keys.active("main#main-content"), "the skip link does not move focus to main"
    keys.carry_on()  # Start now

    site.expect("/a/return/case")
    keys.type("textarea[name=desired_outcome]", "To stay at home")
    keys.carry_on()

    for number, principle in enumerate(PRINCIPLES):
        site.expect(f"/a/return/principles/{principle.code}")
        # Two guidance questions ticked: the suggested score is 1.
        keys.tab_to("input[name=considered]")
        keys.press(Keys.SPACE)
        keys.press(Keys.TAB)
        keys.focus_shows()
        keys.press(Keys.SPACE)
        keys.type("textarea[name=narrative]", f"{principle.title} by keyboard")
        keys.tab_to("input[name=score]")
        if number == 0:
            # A mistake: 2 (the first option) without a reason. Focus goes to the error
            # summary, and its link takes focus to the reason.
            keys.press(Keys.SPACE)
            assert keys.active("input[value='2']:checked")
            keys.carry_on()
            site.expect(f"/a/return/principles/{principle.code}")
            WebDriverWait(site.driver, 5, 0.05).until(lambda d: keys.active(".govuk-error-summary"))
            keys.focus_shows()
            keys.press(Keys.TAB)
            assert keys.active(".govuk-error-summary a")
            keys.press(Keys.ENTER)
            assert keys.active("textarea[name=score_reason]")
            keys.press("Strong protection plan")
        else:
            keys.press(Keys.ARROW_DOWN)  # moves to, and selects, 1
            assert keys.active("input[value='1']:checked"), f"{principle.code}: arrow key"
        keys.carry_on()

    site.expect("/a/return/practitioners")
    keys.type("input[name=role]", "Social worker")
    keys.type("input[name=organisation]", "Devon County Council")
    keys.type("textarea[name=reflection]", "Reflected by keyboard")
    keys.activate("#add-practitioner button")
    site.expect("/a/return/practitioners")
    assert "Reflected by keyboard" in site.find("main").text
    keys.activate("main a.govuk-button")  # Continue

    site.expect("/a/return/summary")
    keys.type("textarea[name=summary]", "Typed with the keyboard")
    keys.carry_on()

    site.expect("/a/return/check")
    assert "Typed with the keyboard" in site.find("main").text
    keys.carry_on()  # Submit return
    site.expect("/a/return/submitted")
    assert "7 out of 12" in site.find("main").text  # 2 + 1 x 5
    assert keys.stops > 40


def _staff_sign_in(keys, user) -> None:
    """Sign in from the sign-in page with the keyboard alone."""
    import pyotp

    from ..staff_helpers import PASSWORD

    site = keys.site
    site.go("/staff/sign-in")
    keys.press(Keys.TAB)
    assert keys.active(".govuk-skip-link"), "the first Tab does not reach the skip link"
    keys.focus_shows()
    keys.type("input[name=email]", user["email"])
    keys.type("input[name=password]", PASSWORD)
    keys.type("input[name=code]", pyotp.TOTP(user["secret"]).now())
    keys.carry_on()
    assert site.path.startswith("/staff/") and not site.has_errors(), site.h1()


def _staff_sign_out(keys) -> None:
    keys.activate(".staff-sign-out button")
    keys.site.expect("/staff/signed-out")


def _choose(keys, css: str, label: str) -> None:
    """A closed select: typing the start of an option's label chooses it."""
    keys.tab_to(css)
    keys.press(label)
    chosen = keys.site.run(
        "const s = document.querySelector(arguments[0]); return s.options[s.selectedIndex].text",
        css,
    )
    assert chosen.startswith(label), f"{css}: typing chose {chosen!r}"


def _date(keys, name: str, day: str, month: str, year: str) -> None:
    """GOV.UK's three date boxes, one after another."""
    keys.type(f"input[name={name}]", day)
    for part in (month, year):
        keys.press(Keys.TAB)
        keys.focus_shows()
        keys.press(part)


def test_the_audit_by_keyboard_from_case_to_action(site):
    """A coordinator creates a case and asks an organisation for its return, the facilitator
    records the audit meeting, and another coordinator adds an action: keyboard alone, focus
    visible at every stop, and each step stored."""
    import uuid

    from sqlalchemy import select

    from portal.audit_tool import PRINCIPLES
    from portal.extensions import db
    from portal.models import Action, AuditCase, Meeting, ReturnRequest
    from portal.services import organisations

    from ..staff_helpers import make_user

    tag = uuid.uuid4().hex[:6]
    organisation_name = f"Keyboard Trust {tag}"
    app = site.live.app
    with app.app_context():
        people = {}
        for who, role in (
            ("coordinator", "coordinator"),
            ("facilitator", "facilitator"),
            ("second", "coordinator"),
        ):
            user = make_user(role, email=f"keys-{who}-{tag}@example.org", name=f"{who} {tag}")
            people[who] = {"email": user.email, "secret": user.totp_secret, "name": user.name}
        organisations.create(organisation_name, "nhs", [f"k{tag}.nhs.uk"])
        db.session.commit()
        db.session.remove()
    keys = Keyboard(site)
    reference = f"KEYS-{tag}"

    # A coordinator creates the case, with the facilitator, from the case list.
    _staff_sign_in(keys, people["coordinator"])
    keys.activate("main a[href$='/staff/cases/new']")
    keys.type("input[name=reference]", reference)
    keys.type("input[name=quarter]", "2026-Q4")
    _choose(keys, "select[name=facilitator_id]", people["facilitator"]["name"])
    keys.carry_on()
    assert site.h1() == f"Case {reference}", site.h1()
    case_path = site.path.split("?")[0]

    # ... and asks the organisation for its return.
    keys.activate("main a.govuk-button[href$='/returns/new']")
    _choose(keys, "select[name=organisation_id]", organisation_name)
    keys.type("input[name=contact_name]", "Kim Lead")
    keys.type("input[name=contact_email]", f"kim@k{tag}.nhs.uk")
    keys.tab_to("input[name=shared_identifiers]")
    keys.press(Keys.SPACE)
    keys.carry_on()
    assert not site.has_errors(), site.find(".govuk-error-summary").text
    _staff_sign_out(keys)

    # The facilitator records the audit meeting: the case from their list, every score.
    _staff_sign_in(keys, people["facilitator"])
    keys.activate(f"main a[href='{case_path}']")
    keys.activate("main a[href$='/audit-meeting']")  # the returns side by side
    keys.activate("main a[href$='/audit-meeting/record']")
    _date(keys, "held_on", "2", "12", "2026")
    keys.tab_to("input[name=organisations_present]")
    keys.press(Keys.SPACE)
    for principle in PRINCIPLES:
        keys.tab_to(f"input[name=score_{principle.code}]")
        keys.press(Keys.ARROW_DOWN)  # moves to, and selects, the second score: 1
        assert keys.active("input[value='1']:checked"), f"{principle.code}: arrow key"
    keys.type("textarea[name=summary]", "Typed with the keyboard")
    keys.type("textarea[name=recommendations]", "Review the referral pathway")
    keys.activate("main button.govuk-button[name=save]")
    assert not site.has_errors(), site.find(".govuk-error-summary").text
    assert "saved=1" in site.path, site.path
    _staff_sign_out(keys)

    # Another coordinator adds an action from the case page.
    _staff_sign_in(keys, people["second"])
    keys.activate(f"main a[href='{case_path}']")
    # On a phone, the organisations' table scrolls sideways in its own box: Tab reaches the
    # box, and the arrow keys scroll it.
    site.viewport(320)
    region = ".app-table-container[aria-labelledby=organisations-involved-caption]"
    keys.tab_to(region)
    keys.press(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    scrolled = f"return document.querySelector('{region}').scrollLeft > 0"
    WebDriverWait(site.driver, 5, 0.05).until(lambda d: site.run(scrolled))  # scrolls smoothly
    site.cdp("Emulation.clearDeviceMetricsOverride")
    keys.activate("main a[href$='/actions/new']")
    keys.type("textarea[name=what]", "Review the referral pathway by keyboard")
    _choose(keys, "select[name=owner_organisation_id]", organisation_name)
    keys.type("input[name=lead]", "Head of Adult Safeguarding")
    _date(keys, "due_on", "31", "3", "2027")
    keys.carry_on()
    assert not site.has_errors(), site.find(".govuk-error-summary").text
    assert site.path.startswith("/staff/actions/"), site.path

    with app.app_context():
        case = db.session.scalar(select(AuditCase).where(AuditCase.reference == reference))
        assert case.facilitator.email == people["facilitator"]["email"]
        asked = db.session.scalar(select(ReturnRequest).where(ReturnRequest.case_id == case.id))
        assert asked.contact_email == f"kim@k{tag}.nhs.uk"
        meeting = db.session.scalar(select(Meeting).where(Meeting.case_id == case.id))
        assert meeting.summary == "Typed with the keyboard"
        action = db.session.scalar(select(Action).where(Action.case_id == case.id))
        assert action.what == "Review the referral pathway by keyboard"
        assert action.owner_organisation_id == asked.organisation_id
        db.session.remove()
    assert keys.stops > 40


def test_the_quarterly_report_by_keyboard(site):
    """A member of the Learning & Improvement Group opens the report from the menu, is told of
    a period that is not one (focus on the error summary), chooses the published edition of a
    quarter, goes to a section from the contents, and at 320 px reaches a wide table's own
    scroll box by Shift+Tab: keyboard alone, focus visible at every stop."""
    import uuid

    from portal.extensions import db

    from ..report_support import seed
    from ..staff_helpers import make_user

    tag = uuid.uuid4().hex[:6]
    with site.live.app.app_context():
        seed("2026-Q2", cases=2)
        user = make_user("learning_group", email=f"keys-report-{tag}@example.org")
        reader = {"email": user.email, "secret": user.totp_secret}
        db.session.remove()
    keys = Keyboard(site)
    _staff_sign_in(keys, reader)
    keys.activate(".govuk-service-navigation a[href='/staff/reports']")
    site.expect("/staff/reports")
    keys.type("input[name=period]", "Quarter 2")
    keys.carry_on()
    assert site.has_errors()
    assert keys.active(".govuk-error-summary"), "the error summary takes focus"
    keys.tab_to("input[name=period]")
    keys.press(Keys.END, *[Keys.BACKSPACE] * len("Quarter 2"), "2026-Q2")
    keys.tab_to("input[name=edition][value=board]")
    keys.press(Keys.ARROW_DOWN)
    assert keys.active("input[name=edition][value=published]")
    keys.focus_shows()
    keys.carry_on()
    site.expect("/staff/reports/2026-Q2/published")
    keys.tab_to("a[href='#msp']")
    keys.press(Keys.ENTER)  # a link within the page: no new page to wait for
    assert site.run("return location.hash") == "#msp"
    site.viewport(320, 800)
    try:
        # The agreed scores (seven columns) come before that section: Shift+Tab back to them.
        keys.tab_to("[aria-labelledby='table-chart-scores-caption']", back=True)
        box = "document.activeElement"
        assert site.run(f"return {box}.scrollWidth > {box}.clientWidth"), "wide at 320 px"
    finally:
        site.cdp("Emulation.clearDeviceMetricsOverride")
        site.driver.set_window_size(*site.DESKTOP)
    # Sign out is in the menu above: Shift+Tab back to it past the report's tables.
    keys.tab_to(".staff-sign-out button", back=True, limit=400)
    old = site.find("html")
    keys.press(Keys.ENTER)
    site.wait_for_new_page(old)
    site.expect("/staff/signed-out")
