"""The walk through the agency's return (issue 16 §2), as a contact at a partner organisation
takes it: the link's start page, the pages for a link that does not work and for no session,
Start, every page of the return empty, with errors and filled in, practitioners added and
removed, check answers (with its error), a Change link, submit, and the return read-only from
the session, from the link, and after a second submit. ``visit(label)`` runs at every page."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from portal.audit_tool import PRINCIPLES

from .site import Site, Visit

FILL_FORM_AND_SEND = """
const [form, values] = [document.querySelector(arguments[0]), arguments[1]];
for (const [name, value] of Object.entries(values)) {
  for (const field of form.querySelectorAll(`[name="${name}"]`)) {
    if (field.type === "radio" || field.type === "checkbox") {
      field.checked = Array.isArray(value) ? value.includes(field.value) : field.value === value;
    } else {
      field.value = value;
    }
  }
}
form.querySelector("button.govuk-button").click();
"""
# A second submit from a page that still has the form (a second tab): the same token, posted.
POST_AGAIN = """
const form = document.createElement("form");
form.method = "post";
form.action = arguments[0];
const token = document.createElement("input");
token.type = "hidden";
token.name = "csrf_token";
token.value = arguments[1];
form.append(token);
document.body.append(form);
form.submit();
"""


def new_return_link(site: Site, share=("name", "date_of_birth", "nhs_number", "address")) -> str:
    """A case, an organisation and a return asked of it, in the live app: the link's path."""
    from datetime import date

    from portal.extensions import db
    from portal.models import AuditCase, Participant
    from portal.services import organisations, returns

    app = site.live.app
    suffix = uuid.uuid4().hex[:8]
    with app.app_context():
        case = AuditCase(
            reference=f"RETURN-{suffix}",
            quarter="2026-Q4",
            theme="Self-neglect",
            adult_name="Sam Example",
            nhs_number="9434765919",
            date_of_birth=date(1950, 3, 1),
        )
        db.session.add(case)
        db.session.flush()
        db.session.add(
            Participant(case=case, role="adult", name="Sam", address="1 High Street, Exeter")
        )
        organisation = organisations.create(
            f"Devon and Cornwall Police {suffix}", "police", [f"p{suffix}.police.uk"]
        )
        db.session.flush()
        _request, token = returns.request_return(
            case, organisation, "Jo Lead", f"jo@p{suffix}.police.uk", share, actor="cli"
        )
        db.session.commit()
        path = urlsplit(returns.link_for(token)).path
        db.session.remove()
    return path


def with_screenshots(site: Site, visit: Visit, folder: str | None) -> Visit:
    if not folder:
        return visit
    Path(folder).mkdir(parents=True, exist_ok=True)
    count = iter(range(1000))

    def visit_and_keep(label: str) -> None:
        visit(label)
        name = f"{next(count):02}-{label.removeprefix('return: ').replace(' ', '-')}.png"
        height = site.run("return document.documentElement.scrollHeight")
        site.driver.set_window_size(Site.DESKTOP[0], max(height, Site.DESKTOP[1]))
        site.driver.save_screenshot(str(Path(folder) / name.replace("(", "").replace(")", "")))
        site.driver.set_window_size(*Site.DESKTOP)

    return visit_and_keep


def send_form(site: Site, css: str, values: dict) -> None:
    old = site.find("html")
    site.run(FILL_FORM_AND_SEND, css, values)
    site.wait_for_new_page(old)


def error_state(site: Site, visit: Visit, label: str, wrong: dict, form: str = "main form"):
    here = site.path.split("?")[0]
    send_form(site, form, wrong)
    site.expect(here)
    assert site.has_errors(), f"{label}: no error summary after sending a wrong answer"
    visit(f"{label} (error)")


def return_walk(site: Site, visit: Visit) -> str:
    """Every page of the agency's return. Returns the link's path. With RETURN_SCREENSHOTS set
    to a folder, each page is also saved there as a whole-page PNG at desktop width."""
    visit = with_screenshots(site, visit, os.environ.get("RETURN_SCREENSHOTS"))
    path = new_return_link(site)
    site.go(path)
    visit("return: start")
    site.go("/a/return/case")
    visit("return: open your link")
    site.go("/a/" + "x" * 22)
    visit("return: link not working")
    site.go("/a/return/no-such-page")
    visit("return: page not found")

    site.go(path)
    site.press()  # Start now
    site.expect("/a/return/case")
    visit("return: case")
    error_state(site, visit, "return: case", {"desired_outcome": "x" * 3001})
    site.send({"desired_outcome": "To stay in her own home, safe from her neighbour"})

    # Check answers before anything is scored, and its error.
    site.go("/a/return/check")
    visit("return: check (nothing scored)")
    error_state(site, visit, "return: check", {}, "main form")
    site.go(f"/a/return/principles/{PRINCIPLES[0].code}")

    for number, principle in enumerate(PRINCIPLES):
        site.expect(f"/a/return/principles/{principle.code}")
        visit(f"return: {principle.code}")
        if number == 0:
            # 2 ticked suggests 1: a score of 2 needs a reason.
            error_state(site, visit, "return: principle", {"considered": ["0", "1"], "score": "2"})
        site.send(
            {
                "considered": ["0", "1", "2", "3"],
                "narrative": f"{principle.title}: evidence in the enquiry record.",
                "score": "2" if number % 2 else "1",
                "score_reason": "The plan was strong though one question was not recorded.",
            }
        )

    site.expect("/a/return/practitioners")
    visit("return: practitioners (none)")
    error_state(site, visit, "return: practitioners", {"role": ""}, "#add-practitioner")
    for role in ("Social worker", "Police constable"):
        send_form(
            site,
            "#add-practitioner",
            {"role": role, "organisation": "Devon County Council", "reflection": "Went well"},
        )
    visit("return: practitioners (two)")
    site.follow(site.find("main .govuk-summary-card form button"))  # Remove the first
    visit("return: practitioners (one)")
    site.follow(site.find("main a.govuk-button"))  # Continue

    site.expect("/a/return/summary")
    visit("return: summary")
    error_state(site, visit, "return: summary", {"summary": "x" * 5001})
    site.send(
        {
            "summary": "Good joint working between police and social care.",
            "learning_points": "Share the protection plan sooner.",
            "recommendations": "Joint training on the plan.",
            "documents_reviewed": "Enquiry record, case notes",
            "documents_not_available": "GP letter",
        }
    )

    site.expect("/a/return/check")
    visit("return: check answers")
    site.follow(site.find(".govuk-summary-card__actions a"))
    visit("return: changing an answer")
    site.send()
    site.expect("/a/return/check")
    token = site.find("input[name=csrf_token]").get_attribute("value")
    site.press()  # Submit return

    site.expect("/a/return/submitted")
    visit("return: submitted")
    old = site.find("html")
    site.run(POST_AGAIN, "/a/return/check", token)
    site.wait_for_new_page(old)
    assert "already been submitted" in site.find("main").text
    visit("return: submitted again")
    site.go(path)
    visit("return: read-only from the link")
    site.press()  # Show the case identifiers
    site.expect("/a/return/submitted")
    return path
