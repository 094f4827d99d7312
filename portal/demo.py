"""Demo data: a quarter's audit cases, so the portal can be tried at once."""

from __future__ import annotations

from .extensions import db
from .services import actions, meetings
from .services.cases import create_case, find_case, reference_taken
from .services.invitations import invite

DEMO_CASES = (
    ("DEMO-001", "2026-Q4", "Self-neglect"),
    ("DEMO-002", "2026-Q4", "Financial abuse"),
    ("DEMO-003", "2026-Q4", "Domestic abuse"),
)


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
        create_case(reference, quarter, theme)
        lines.append(f"Created demo case {reference}")
    link = invite(
        find_case(DEMO_CASES[0][0]),
        "adult",
        name="Sam Example",
        known_as="Sam",
        email="sam@example.com",
    )
    lines.extend(load_staff())
    lines.extend(load_meeting(find_case(DEMO_CASES[0][0])))
    lines.extend(load_actions(find_case(DEMO_CASES[0][0])))
    db.session.commit()
    lines.append("Sample adult link (a new one each run):")
    lines.append(link)
    return lines


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
