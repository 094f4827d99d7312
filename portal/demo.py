"""Demo data: a quarter's audit cases, so the portal can be tried at once."""

from __future__ import annotations

from datetime import date

from .extensions import db
from .services import actions, meetings, organisations, returns
from .services.cases import create_case, find_case, reference_taken
from .services.invitations import invite

DEMO_CASES = (
    ("DEMO-001", "2026-Q4", "Self-neglect"),
    ("DEMO-002", "2026-Q4", "Financial abuse"),
    ("DEMO-003", "2026-Q4", "Domestic abuse"),
)
# What a partner organisation finds its own records by (an NHS number valid for testing only).
DEMO_IDENTIFIERS = {
    "adult_name": "Sam Example",
    "adult_known_as": "Sam",
    "date_of_birth": date(1950, 4, 12),
    "nhs_number": "9434765919",
}

# Partner organisations: name, kind, email domain, and the contact asked for its return.
DEMO_ORGANISATIONS = (
    ("Northshire Police", "police", "police.example.org", "Pat Lee", "pat.lee@police.example.org"),
    (
        "Northshire Community NHS Trust",
        "nhs",
        "nhs.example.org",
        "Jo Khan",
        "jo.khan@nhs.example.org",
    ),
)
# Each organisation's scores for the six principles in audit_tool's order; they differ by 2 on
# Prevention, so the meeting page flags it.
DEMO_RETURN_SCORES = (("2", "2", "1", "2", "1", "1"), ("2", "0", "1", "2", "1", "NA"))
# Guidance questions ticked for each score: enough for the suggested score to be the one given.
DEMO_TICKS = {"2": [0, 1, 2, 3], "1": [0, 1], "0": [0], "NA": []}


DEMO_STAFF = (
    ("coordinator@example.org", "coordinator", "Chris Coordinator"),
    ("facilitator@example.org", "facilitator", "Fran Facilitator"),
    ("admin@example.org", "admin", "Alex Admin"),
    ("learning@example.org", "learning_group", "Lee Learning"),
)
DEMO_PASSWORD = "demo password 2026"  # noqa: S105 - development demo accounts only


def load_staff() -> list[str]:
    """Demo staff accounts with a known password. Never in production; outside development
    they must set up an authenticator with `flask --app wsgi staff reset`."""
    from flask import current_app

    from .models import StaffUser
    from .staff import auth

    if current_app.config["PORTAL_ENV"] == "production":
        return []
    for email, role, name in DEMO_STAFF:
        if auth.find_user(email) is None:
            user = StaffUser(
                email=email,
                role=role,
                name=name,
                password_hash=auth.hash_password(DEMO_PASSWORD),
                totp_secret=auth.new_totp_secret(),
            )
            db.session.add(user)
    db.session.flush()
    facilitator = auth.find_user("facilitator@example.org")
    case = find_case(DEMO_CASES[0][0])
    if case is not None and case.facilitator_id is None:
        case.facilitator_id = facilitator.id
    lines = [
        f"Staff back-office: {current_app.config['PUBLIC_BASE_URL']}/staff/sign-in",
        f"  coordinator@example.org, facilitator@example.org (case {DEMO_CASES[0][0]}) or "
        f"admin@example.org, password: {DEMO_PASSWORD}",
        "  learning@example.org (the Learning & Improvement Group: actions only), same password",
    ]
    if current_app.config["STAFF_REQUIRE_TOTP"]:
        lines.append(
            "  A security code is required here: run `flask --app wsgi staff reset "
            "--email E` for a set-up link."
        )
    else:
        lines.append("  Development: leave the security code empty (no authenticator needed).")
    return lines


def load() -> list[str]:
    lines = []
    for reference, quarter, theme in DEMO_CASES:
        if reference_taken(reference):
            continue
        create_case(reference, quarter, theme, **DEMO_IDENTIFIERS)
        lines.append(f"Created demo case {reference}")
    link = invite(
        find_case(DEMO_CASES[0][0]),
        "adult",
        name="Sam Example",
        known_as="Sam",
        email="sam@example.com",
    )
    lines.extend(load_staff())
    lines.extend(load_returns(find_case(DEMO_CASES[0][0])))
    lines.extend(load_meeting(find_case(DEMO_CASES[0][0])))
    lines.extend(load_actions(find_case(DEMO_CASES[0][0])))
    agency_link = sample_return_link(find_case(DEMO_CASES[1][0]))
    db.session.commit()
    lines.append("Sample adult link (a new one each run):")
    lines.append(link)
    lines.append(
        f"Sample agency link: {DEMO_ORGANISATIONS[0][0]}'s return for {DEMO_CASES[1][0]} "
        "(a new one each run):"
    )
    lines.append(agency_link)
    return lines


def demo_organisations() -> list:
    """The demo's partner organisations, made once."""
    found = []
    for name, kind, domain, _contact, _email in DEMO_ORGANISATIONS:
        organisation = organisations.find_by_name(name)
        if organisation is None:
            organisation = organisations.create(name, kind, [domain])
        found.append(organisation)
    return found


def load_returns(case) -> list[str]:
    """Both demo organisations' returns for a case, filled in and submitted as their agency
    leads would (none if the case has any return already)."""
    from .audit_tool import PRINCIPLE_CODES
    from .models import ReturnPractitioner, ReturnPrinciple

    if meetings.submitted_returns(case) or returns.requests_for(case):
        return []
    for organisation, (name, _kind, _domain, contact, email), scores in zip(
        demo_organisations(), DEMO_ORGANISATIONS, DEMO_RETURN_SCORES, strict=True
    ):
        request, _token = returns.request_return(
            case, organisation, contact, email, ["name", "date_of_birth", "nhs_number"], "cli"
        )
        for code, score in zip(PRINCIPLE_CODES, scores, strict=True):
            request.principles.append(
                ReturnPrinciple(
                    principle=code,
                    considered=DEMO_TICKS[score],
                    narrative=f"{name}: what our records show about this principle.",
                    score=score,
                    score_reason="We had no part in this." if score == "NA" else None,
                )
            )
        request.desired_outcome = "To stay at home, with help to keep it safe and warm."
        request.summary = "Best practice: we shared information on the same day."
        request.learning_points = "Record the adult’s own words about what they want."
        request.recommendations = "Check who else is involved before closing."
        request.documents_reviewed = "Case notes; referral form."
        request.practitioners.append(
            ReturnPractitioner(
                role="Enquiry officer",
                organisation=name,
                reflection="The adult led the plan; we could have explained next steps sooner.",
            )
        )
        returns.mark_opened(request, "cli")
        returns.submit(request, "cli")
    return [f"Added 2 submitted organisations' returns for {case.reference}"]


def sample_return_link(case) -> str:
    """A link to the first demo organisation's return for a case, new each run (the request is
    made the first time; later runs replace its link)."""
    police = demo_organisations()[0]
    existing = [r for r in returns.requests_for(case) if r.organisation_id == police.id]
    if existing:
        _request, token = returns.new_link(existing[0], "cli")
    else:
        _name, _kind, _domain, contact, email = DEMO_ORGANISATIONS[0]
        _request, token = returns.request_return(
            case, police, contact, email, ["name", "date_of_birth"], "cli"
        )
    return returns.link_for(token)


def load_meeting(case) -> list[str]:
    """A recorded audit meeting for a demo case whose organisations have submitted returns
    (none is made until they have, nor a second one)."""
    from datetime import date, timedelta

    from .audit_tool import PRINCIPLE_CODES

    returns = meetings.submitted_returns(case)
    if not returns or meetings.meeting_for(case) is not None:
        return []
    present = sorted({r.organisation_id for r in returns})
    held = date.today() - timedelta(days=7)
    meetings.save(
        case,
        meetings.MeetingRecord(
            held_on=held,
            organisation_ids=present,
            scores=dict(zip(PRINCIPLE_CODES, ("2", "1", "1", "2", "1", "NA"), strict=True)),
            narratives=dict.fromkeys(
                PRINCIPLE_CODES, "Agreed after comparing the returns and the adult’s views."
            ),
            summary="Best practice: a joint visit within two days, led by the adult’s wishes.",
            learning_points="Tell the adult who to contact if they feel unsafe again.",
            recommendations="Add who to contact to every closure letter.",
            practitioners_consulted="Enquiry officer; community nurse.",
            escalations=[
                meetings.EscalationEntry(present[0], held, "Fran Facilitator, facilitator")
            ],
        ),
        actor="cli",
    )
    return [f"Recorded the audit meeting for {case.reference}"]


def load_actions(case) -> list[str]:
    """Actions from a demo case's recorded meeting, one of them overdue with an update, for the
    Learning & Improvement Group to follow (none until the meeting is recorded, and never a
    second set)."""
    from datetime import date, timedelta

    meeting = meetings.meeting_for(case)
    if meeting is None or not meeting.organisations or actions.listing(case_id=case.id):
        return []
    owners = [m.organisation_id for m in meeting.organisations]
    today = date.today()
    late = actions.create(
        case,
        "Add who to contact if they feel unsafe again to every safeguarding closure letter",
        owners[0],
        "Head of Adult Safeguarding",
        today - timedelta(days=5),
        status="in_progress",
    )
    actions.add_update(late, "New letter template drafted; legal review next.", "Lee Learning")
    actions.create(
        case,
        "Share this audit's learning on joint visits at the next practitioner forum",
        owners[-1],
        "Named safeguarding lead",
        today + timedelta(days=21),
    )
    return [f"Added 2 actions for {case.reference}"]
