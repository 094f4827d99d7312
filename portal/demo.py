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
    lines.extend(load_report())
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


# The quarterly report's demo (issue 17): more audited cases, so every section of 2026-Q4's
# report has figures (five cases with DEMO-001) and the year view has a third quarter.
# Reference, quarter, theme, SG4a's "asked" code, outcomes met, agreed scores (audit_tool order),
# and the adult's answers (consent decision; option index per question).
DEMO_REPORT_CASES = (
    ("DEMO-004", "2026-Q4", "Self-neglect", "asked_expressed", "yes", "222212", "agree", 0),
    ("DEMO-005", "2026-Q4", "Financial abuse", "asked_expressed", "partly", "211121", "agree", 1),
    ("DEMO-006", "2026-Q4", "Domestic abuse", "asked_not_expressed", None, "110NA11", "anon", 1),
    ("DEMO-007", "2026-Q4", "Self-neglect", "not_asked", "no", "10011NK", "withdrawn", 2),
    ("DEMO-008", "2026-Q3", "Self-neglect", "asked_expressed", "yes", "221222", "agree", 0),
    ("DEMO-009", "2026-Q3", "Financial abuse", "dont_know", "not_known", "111101", "agree", 2),
)
DEMO_LEARNING = (
    "Ask the adult at the start what they want to happen, and write it down in their words.",
    "Agree one lead professional when more than two organisations are involved.",
)
DEMO_RECOMMENDATIONS = (
    "Add a desired-outcomes prompt to the safeguarding concern form.",
    "Share closure letters with every organisation at the meeting.",
)


def _demo_scores(text: str) -> tuple[str, ...]:
    """ "110NA11" -> ("1", "1", "0", "NA", "1", "1")."""
    scores, rest = [], text
    while rest:
        size = 2 if rest[:2] in ("NA", "NK") else 1
        scores.append(rest[:size])
        rest = rest[size:]
    return tuple(scores)


def _demo_answers(case, decision: str, pick: int, when) -> None:
    """The adult's submitted answers for a demo case, as option codes."""
    from datetime import timedelta

    from . import links
    from .answers.saving import new_reference
    from .models import Answer, ConsentRecord, Participant, Response
    from .questionnaire import QUESTIONS

    person = Participant(case=case, role="adult", channel="letter", format="standard")
    db.session.add(person)
    db.session.flush()
    invitation, _token = links.issue(person, actor="cli")
    response = Response(
        invitation_id=invitation.id,
        reference=new_reference(),
        status="submitted",
        submitted_at=when,
        respondent="representative" if pick == 2 else "adult",
        format="easy_read" if pick == 1 else "standard",
    )
    db.session.add(response)
    db.session.flush()
    db.session.add(
        ConsentRecord(
            response_id=response.id,
            decision="decline" if decision == "anon" else "agree",
            declaration=decision != "anon",
            anonymous_feedback="yes" if decision == "anon" else None,
            withdrawn_at=when + timedelta(days=2) if decision == "withdrawn" else None,
            withdrawn_via="phone" if decision == "withdrawn" else None,
        )
    )
    for question in QUESTIONS:
        options = [o.code for o in question.fields[0].options]
        db.session.add(
            Answer(
                response_id=response.id,
                question_id=question.id,
                codes=options[min(pick, len(options) - 1)] if options else "",
            )
        )


def load_report() -> list[str]:
    """Audited demo cases with returns, a meeting, the adult's answers and an action each, and
    their text checked, so the quarterly report has every section filled in; DEMO-001's
    meeting text is checked too, but one action is left waiting for a check."""
    from datetime import UTC, date, datetime, time, timedelta

    from .audit_tool import PRINCIPLE_CODES
    from .models import StaffUser
    from .services import text_checks

    checker = db.session.scalar(db.select(StaffUser).filter_by(email="coordinator@example.org"))
    made = []
    for number, (reference, quarter, theme, asked, met, scores, decision, pick) in enumerate(
        DEMO_REPORT_CASES
    ):
        if reference_taken(reference):
            continue
        case = create_case(reference, quarter, theme, outcomes_asked=asked, outcomes_met=met)
        year, q = int(quarter[:4]), int(quarter[-1])
        held = min(date(year, 3 * q - 1, 20), date.today() - timedelta(days=3))
        load_returns(case)
        for request in returns.requests_for(case):
            request.submitted_at = datetime.combine(held - timedelta(days=5), time(10), UTC)
        present = [r.organisation_id for r in returns.requests_for(case)]
        meetings.save(
            case,
            meetings.MeetingRecord(
                held_on=held,
                organisation_ids=present,
                scores=dict(zip(PRINCIPLE_CODES, _demo_scores(scores), strict=True)),
                learning_points=DEMO_LEARNING[number % 2],
                recommendations=DEMO_RECOMMENDATIONS[number % 2],
            ),
            actor="cli",
        )
        _demo_answers(case, decision, pick, datetime.combine(held, time(9), UTC))
        actions.create(
            case,
            DEMO_RECOMMENDATIONS[number % 2],
            present[number % len(present)],
            "Safeguarding adults lead",
            held + timedelta(days=90),
            status=("open", "in_progress", "done")[number % 3],
        )
        made.append(reference)
    db.session.flush()
    if made and checker is not None:
        for piece in text_checks.waiting()[1:]:  # one left for the checks page to show
            text_checks.check(piece.key, piece.digest, checker.id)
    if not made:
        return []
    return [f"Added audited cases for the quarterly report: {', '.join(made)}"]
