"""The shared browser, and the walk through every public page.

``walk`` reaches each page the way a person does: it follows the adult's link, presses the
page's own buttons and switchers, leaves pages empty to see the errors, fills them in, and walks
back through the filled-in pages. At each page it calls ``visit(label)``, which checks whatever
the test is about (axe, reflow, ...). Fields and options come from the questionnaire
definition, so new or reworded questions are covered without changing this file.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

from axe_selenium_python import Axe
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from portal.questionnaire import CONSENT, QUESTIONS, STANDARD

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# The adult's pages go beyond AA: enhanced contrast (7:1) and the other AAA rules axe knows.
PUBLIC_AXE_TAGS = [*AXE_TAGS, "wcag2aaa"]
# The service's own pages: checked whenever their routes exist.
OWN_PAGES = ("pages.accessibility", "pages.privacy", "pages.cookies", "pages.credits")
# Error pages no walk can cause on demand; the live server raises them (tests/browser/conftest.py).
FORCED_ERRORS = (("too many attempts", 429), ("service problem", 500), ("database down", 503))
TOO_LONG = "x" * 2001

Visit = Callable[[str], None]

FILL_AND_SEND = """
const values = arguments[0];
for (const [name, value] of Object.entries(values)) {
  for (const field of document.querySelectorAll(`[name="${name}"]`)) {
    if (field.type === "radio" || field.type === "checkbox") {
      field.checked = Array.isArray(value) ? value.includes(field.value) : field.value === value;
    } else {
      field.value = value;
    }
  }
}
document.querySelector("#main-content form button.govuk-button:not([type=button])").click();
"""


# What does not fit: the page scrolling sideways, anything sticking out past the edge of the
# screen, or a box cutting off its own content. Visually hidden text (1px boxes) is skipped, and
# so is what is inside a box that scrolls sideways by itself, if keyboard users can scroll it
# too (a named region that takes focus: a wide data table, WCAG 1.4.10); the box must fit.
REFLOW_JS = """
const doc = document.documentElement;
const width = doc.clientWidth;
const found = [];
if (doc.scrollWidth > width) found.push(`the page is ${doc.scrollWidth}px wide`);
const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
  + (el.classList.length ? "." + [...el.classList].join(".") : "")
  + ` "${(el.textContent || "").trim().slice(0, 40)}"`;
const scrolled = (from) => {
  const box = from && from.closest('[role="region"][tabindex="0"]');
  return Boolean(box) && ["auto", "scroll"].includes(getComputedStyle(box).overflowX)
    && (box.hasAttribute("aria-labelledby") || box.hasAttribute("aria-label"));
};
for (const el of document.body.querySelectorAll("*")) {
  const style = getComputedStyle(el);
  if (style.display === "none" || style.visibility === "hidden") continue;
  if (scrolled(el.parentElement)) continue;
  const box = el.getBoundingClientRect();
  if (box.width <= 1 || box.height <= 1) continue;
  if (el.closest(".govuk-visually-hidden, .govuk-skip-link:not(:focus)")) continue;
  if (box.right > width + 1 || box.left < -1) {
    found.push(`${name(el)} spans ${Math.round(box.left)} to ${Math.round(box.right)}px`);
  } else if (["hidden", "clip"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1
             && !el.matches("input, textarea, select")) {  // a field scrolls what is typed in it
    found.push(`${name(el)} cuts off ${el.scrollWidth - el.clientWidth}px of its content`);
  }
  if (found.length > 4) break;
}
// Words too long for their box stick out without making the box wider.
const words = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const range = document.createRange();
for (let text = words.nextNode(); text && found.length < 5; text = words.nextNode()) {
  const parent = text.parentElement;
  if (!text.textContent.trim() || parent.closest(".govuk-visually-hidden")) continue;
  if (parent.closest(".govuk-skip-link:not(:focus)") || scrolled(parent)) continue;
  range.selectNodeContents(text);
  const box = range.getBoundingClientRect();
  if (box.width && (box.right > width + 1 || box.left < -1)) {
    found.push(`the words "${text.textContent.trim().slice(0, 40)}" in ${name(text.parentElement)} `
      + `span ${Math.round(box.left)} to ${Math.round(box.right)}px`);
  }
}
return found;
"""

# Each check: (what it is called, viewport width or None for the desktop window, text size).
REFLOW_CHECKS = (
    ("at 320px", 320, 16),
    ("at 320px with text at 200%", 320, 32),
    ("with text at 200%", None, 32),
)


class CachedAxe(Axe):
    """axe-selenium-python's runner with the pinned axe-core from npm (its own bundled copy is
    too old for WCAG 2.1 and 2.2), read from disk once per session."""

    source: str | None = None

    @classmethod
    def script(cls) -> str:
        if cls.source is None:
            cls.source = AXE_JS.read_text(encoding="utf8")
        return cls.source

    def inject(self):
        if not self.selenium.execute_script("return typeof axe === 'object'"):
            self.selenium.execute_script(self.script())


class WrongPage(AssertionError):
    pass


class Site:
    DESKTOP = (1280, 900)

    def __init__(self, driver, live):
        self.real = False  # click and type like a person (slower), or fill forms by script
        self.driver = driver
        self.live = live
        self.url = live.url

    # --- the browser's settings ------------------------------------------------------------

    def cdp(self, command: str, **params):
        return self.driver.execute_cdp_cmd(command, params)

    def reset(self) -> None:
        self.cdp("Network.clearBrowserCookies")
        self.javascript(True)
        self.cdp("Emulation.clearDeviceMetricsOverride")
        self.text_size(16)
        self.driver.set_window_size(*self.DESKTOP)

    def javascript(self, on: bool) -> None:
        """Turn page scripts off or on, as a person can in their browser's settings."""
        self.cdp("Emulation.setScriptExecutionDisabled", value=not on)

    def text_size(self, pixels: int) -> None:
        """The browser's default text size (16 px normally; 32 px is text at 200%)."""
        self.cdp("Page.setFontSizes", fontSizes={"standard": pixels, "fixed": pixels * 13 // 16})

    def viewport(self, width: int, height: int = 800) -> None:
        """A phone-sized viewport in CSS pixels."""
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=True,
        )

    # --- moving about ----------------------------------------------------------------------

    def go(self, path: str) -> None:
        self.driver.get(self.url + path)

    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.url)

    def expect(self, path: str) -> None:
        here = self.path.split("#")[0].split("?")[0]
        if here != path:
            raise WrongPage(f"expected {path}, but the browser is on {self.path}: {self.h1()!r}")

    def h1(self) -> str:
        found = self.driver.find_elements(By.TAG_NAME, "h1")
        return found[0].text if found else ""

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def run(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def new_link(self, recipient: str = "adult") -> str:
        from ..helpers import new_link

        with self.live.app.app_context():
            return new_link(f"BROWSER-{uuid.uuid4().hex[:8]}", recipient)

    def endpoint_path(self, endpoint: str) -> str | None:
        app = self.live.app
        if endpoint not in app.view_functions:
            return None
        with app.test_request_context():
            from flask import url_for

            return url_for(endpoint)

    # --- the page's own controls -----------------------------------------------------------

    def prefer(self, lang: str, fmt: str) -> None:
        """Choose a language and format with the page's own switcher buttons."""
        for name, value in (("lang", lang), ("format", fmt)):
            buttons = self.driver.find_elements(
                By.CSS_SELECTOR, f".app-switcher button[name='{name}'][value='{value}']"
            )
            if buttons:
                self.follow(buttons[0])
        actual = self.run("return document.documentElement.lang")
        assert actual == lang, f"the page's language is {actual!r}, not {lang!r}"

    def press(self, css: str = "#main-content form button.govuk-button:not([type=button])") -> None:
        """Press a button or follow a link, and wait for the next page."""
        self.follow(self.find(css))

    def follow(self, element) -> None:
        old = self.find("html")
        element.click()
        self.wait_for_new_page(old)

    def wait_for_new_page(self, old) -> None:
        def gone(_driver):
            try:
                return staleness_of(old)(_driver)
            except WebDriverException:  # "node does not belong to the document": gone too
                return True

        WebDriverWait(self.driver, 10, poll_frequency=0.02).until(gone)
        WebDriverWait(self.driver, 10, poll_frequency=0.02).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def send(self, values: dict | None = None, real: bool | None = None) -> None:
        """Fill in the page's form with ``values`` (radio and checkbox values by their codes; a
        list ticks exactly those boxes) and press its main button. ``real`` clicks and types like
        a person; otherwise one script fills the form and clicks the button, which is several
        times faster and reaches the same page states."""
        values = values or {}
        old = self.find("html")
        if not (self.real if real is None else real):
            self.run(FILL_AND_SEND, values)
            self.wait_for_new_page(old)
            return
        for name, value in values.items():
            for field in self.driver.find_elements(By.CSS_SELECTOR, f"[name='{name}']"):
                kind = field.get_attribute("type")
                if kind in ("radio", "checkbox"):
                    wanted = field.get_attribute("value") in (
                        value if isinstance(value, list) else [value]
                    )
                    if field.is_selected() != wanted:
                        self.find(f"label[for='{field.get_attribute('id')}']").click()
                elif kind != "hidden":
                    field.clear()
                    field.send_keys(value)
        self.follow(self.find("#main-content form button.govuk-button:not([type=button])"))

    def has_errors(self) -> bool:
        return bool(self.driver.find_elements(By.CSS_SELECTOR, ".govuk-error-summary"))

    def preload_axe(self) -> str:
        """Have Chromium load axe-core into every new page itself, rather than sending it
        over WebDriver page by page (which costs more than running it). Returns an id for
        ``stop_preloading``."""
        found = self.cdp("Page.addScriptToEvaluateOnNewDocument", source=CachedAxe.script())
        return found["identifier"]

    def stop_preloading(self, identifier: str) -> None:
        self.cdp("Page.removeScriptToEvaluateOnNewDocument", identifier=identifier)

    def reflow(self) -> list[str]:
        """Problems with the current page at each of REFLOW_CHECKS (empty when it fits)."""
        problems = []
        for label, width, text in REFLOW_CHECKS:
            if width:
                self.viewport(width)
            self.text_size(text)
            problems += [f"{label}: {p}" for p in self.run(REFLOW_JS)]
            if width:
                self.cdp("Emulation.clearDeviceMetricsOverride")
            self.text_size(16)
        return problems

    def axe(self, tags: list[str] = AXE_TAGS) -> list[dict]:
        axe = CachedAxe(self.driver, script_url=str(AXE_JS))
        axe.inject()
        options = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
        return axe.run(options=json.dumps(options))["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:3]:
            lines.append(f"      {' '.join(node['target'])}: {node['html'][:160]}")
    return "\n".join(lines)


# --- the walk ------------------------------------------------------------------------------


def own_pages(site: Site, visit: Visit) -> None:
    site.go("/")
    visit("home")
    for endpoint in OWN_PAGES:
        path = site.endpoint_path(endpoint)
        if path:
            site.go(path)
            visit(endpoint.split(".")[1])
    site.go("/no-such-page")
    visit("page not found")
    for label, code in FORCED_ERRORS:
        site.go(f"/_test/error/{code}")
        visit(label)
    site.go("/code")
    visit("enter your code")
    site.send({"code": ""})
    visit("enter your code (error)")
    site.go("/r/this-link-is-not-real")
    visit("link not working")
    site.go("/feedback/who")
    visit("session ended")


def _error_then(site: Site, visit: Visit, label: str, states: bool, wrong=None) -> None:
    """Send the page with wrong answers (or none) and check its error state."""
    if not states:
        return
    here = site.path.split("?")[0]
    site.send(wrong, real=False)
    site.expect(here)
    assert site.has_errors(), f"{label}: no error summary after sending a wrong answer"
    visit(f"{label} (error)")


def question_answers(step) -> tuple[dict, dict]:
    """Right and wrong answers for a question page: its first option and a short comment, or
    a comment that is too long (and, for checkboxes, an option ticked with 'none of these')."""
    main, comment = step.fields[0], step.fields[-1]
    right, wrong = {comment.id: "Thank you"}, {comment.id: TOO_LONG}
    if main.kind == "radios":
        right[main.id] = wrong[main.id] = main.options[0].code
    elif main.kind == "checkboxes":
        right[main.id] = [main.options[0].code]
        wrong[main.id] = [main.options[0].code] + [o.code for o in main.options if o.exclusive]
    return right, wrong


CONSENT_RIGHT = {
    "decision": "agree",
    **{spec.id: "Sam Example" for spec in CONSENT.fields if spec.kind == "text"},
    "declaration": "y",
    "restrictions": "Please do not tell my neighbour",
}


def agreeing_journey(site: Site, visit: Visit, states: bool = True) -> str:
    """Someone answering for the adult, who agrees to sharing and answers everything."""
    path = site.new_link("representative")
    site.go(path)
    visit("start")
    site.send()

    site.expect("/feedback/who")
    visit("who")
    _error_then(site, visit, "who", states)
    site.send({"respondent": "representative"})

    site.expect("/feedback/representative")
    visit("representative")
    _error_then(site, visit, "representative", states)
    site.send(
        {
            "representative_name": "Alex Carer",
            "representative_relationship": "Son",
            "representative_basis": "lpa",
        }
    )

    site.expect("/feedback/consent")
    visit("consent")
    _error_then(site, visit, "consent", states, {"decision": "agree"})
    site.send(CONSENT_RIGHT)

    for step in QUESTIONS:
        site.expect(f"/feedback/{step.id}")
        visit(step.id)
        right, wrong = question_answers(step)
        _error_then(site, visit, step.id, states, wrong)
        site.send(right)

    site.expect("/feedback/contact")
    visit("contact")
    _error_then(
        site, visit, "contact", states, {"contact_phone": "12", "contact_email": "sam at example"}
    )
    site.send(
        {
            "contact_name": "Sam Example",
            "contact_phone": "01632 960 001",
            "contact_email": "sam@example.com",
        }
    )

    site.expect("/feedback/check")
    visit("check answers")
    if states:
        # Every page again, filled in, by the Back links.
        while site.driver.find_elements(By.CSS_SELECTOR, ".govuk-back-link"):
            site.follow(site.find(".govuk-back-link"))
            visit(f"{site.path.rsplit('/', 1)[1]} (filled)")
        site.go("/feedback/check")
        site.follow(site.find(".govuk-summary-list__actions a"))
        visit("changing an answer")
        site.send()
        site.expect("/feedback/check")
    site.send()

    site.expect("/feedback/confirmation")
    visit("confirmation")
    stop_sharing = site.find("main a[href^='/w/']").get_attribute("href").removeprefix(site.url)
    site.go(path)
    visit("already sent")
    site.go(stop_sharing)
    visit("stop sharing")
    site.send()
    visit("stopped sharing")
    return path


def declining_journey(site: Site, visit: Visit, states: bool = True) -> None:
    """The adult, who does not agree to sharing and gives no feedback."""
    path = site.new_link("adult")
    site.go(path)
    site.send()
    site.expect("/feedback/who")
    site.send({"respondent": "adult"})
    site.expect("/feedback/consent")
    site.send({"decision": "decline"})

    site.expect("/feedback/anonymous")
    visit("anonymous")
    _error_then(site, visit, "anonymous", states)
    if states:
        # A page left open too long: its form's token no longer matches the session.
        site.send({"csrf_token": "stale"}, real=False)
        visit("page expired")
        site.go(path)
        visit("start (carrying on)")
        site.send()
        site.expect("/feedback/anonymous")
    site.send({"anonymous_feedback": "no"})
    site.expect("/feedback/confirmation")
    visit("confirmation (declined)")


def walk(
    site: Site, visit: Visit, lang: str = "en", fmt: str = STANDARD, states: bool = True
) -> None:
    """Every public page, in one language and format."""
    site.go("/")
    site.prefer(lang, fmt)
    own_pages(site, visit)
    agreeing_journey(site, visit, states)
    declining_journey(site, visit, states)
