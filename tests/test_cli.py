"""The command line that support staff and scripts use."""

from urllib.parse import urlsplit

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditCase
from portal.services import actions
from portal.services.cases import find_case
from portal.services.meetings import meeting_for, submitted_returns
from portal.services.returns import requests_for

from .staff_helpers import fresh_session


def test_cases_create_and_invite_prints_the_link_last(app, client):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["cases", "create", "--reference", "AUD-7", "--quarter", "2026-Q4"]
    )
    assert created.exit_code == 0, created.output
    assert db.session.scalar(select(AuditCase.quarter).where(AuditCase.reference == "AUD-7")) == (
        "2026-Q4"
    )

    invited = runner.invoke(
        args=["invitations", "create", "--case", "AUD-7", "--recipient", "adult"]
    )
    assert invited.exit_code == 0, invited.output
    link = invited.output.strip().splitlines()[-1]
    assert link.startswith("https://feedback.example.org/r/")
    assert client.get(urlsplit(link).path).status_code == 200


def test_duplicate_case_and_unknown_case_fail_clearly(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["cases", "create", "--reference", "AUD-8"])
    again = runner.invoke(args=["cases", "create", "--reference", "AUD-8"])
    assert again.exit_code != 0 and "already exists" in again.output
    missing = runner.invoke(
        args=["invitations", "create", "--case", "NOPE", "--recipient", "adult"]
    )
    assert missing.exit_code != 0 and "No case" in missing.output


def test_representative_invitation(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["cases", "create", "--reference", "AUD-9"])
    invited = runner.invoke(
        args=["invitations", "create", "--case", "AUD-9", "--recipient", "representative"]
    )
    assert invited.exit_code == 0 and "/r/" in invited.output.splitlines()[-1]


def test_demo_prints_a_working_adult_link(app, client):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    adult_links = [line for line in result.output.splitlines() if "/r/" in line]
    assert adult_links
    assert client.get(urlsplit(adult_links[-1].split()[-1]).path).status_code == 200
    # Both printed addresses follow PUBLIC_BASE_URL (make run sets it from PORT).
    base = app.config["PUBLIC_BASE_URL"]
    assert f"Staff back-office: {base}/staff/sign-in" in result.output
    assert adult_links[-1].split()[-1].startswith(f"{base}/r/")


def test_demo_shows_the_audit_at_once_and_prints_a_working_agency_link(app, client):
    """A newcomer's demo: two organisations' submitted returns on DEMO-001, its meeting recorded
    and actions made from it, and an agency link that opens a return; running it again adds
    nothing twice and replaces the agency link."""
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    agency_link = first.output.splitlines()[-1]
    assert agency_link.startswith(f"{app.config['PUBLIC_BASE_URL']}/a/")
    assert client.get(urlsplit(agency_link).path).status_code == 200

    fresh_session()
    case = find_case("DEMO-001")
    returns = submitted_returns(case)
    assert len({r.organisation_id for r in returns}) == 2 == len(returns)
    assert all(len(r.principles) == 6 for r in returns)
    assert case.status == "audited" and meeting_for(case) is not None
    assert len(actions.listing(case_id=case.id)) == 2

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    new_link = again.output.splitlines()[-1]
    assert new_link != agency_link
    assert client.get(urlsplit(new_link).path).status_code == 200
    assert client.get(urlsplit(agency_link).path).status_code == 404
    fresh_session()
    case = find_case("DEMO-001")
    assert len(submitted_returns(case)) == 2 and len(actions.listing(case_id=case.id)) == 2
    assert len(requests_for(find_case("DEMO-002"))) == 1
