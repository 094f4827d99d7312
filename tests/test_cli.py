"""The command line that support staff and scripts use."""

from urllib.parse import urlsplit

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditCase


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
