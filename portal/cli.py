"""Command line for support staff and scripts: flask --app wsgi <command>."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from . import links
from .extensions import db
from .models import AuditCase, Participant
from .models.events import record

ACTOR = "cli"


def _case(reference: str) -> AuditCase:
    case = db.session.scalar(select(AuditCase).where(AuditCase.reference == reference))
    if case is None:
        raise click.ClickException(f"No case with reference {reference}")
    return case


def create_case(reference: str, quarter: str | None = None, theme: str | None = None) -> AuditCase:
    if db.session.scalar(select(AuditCase.id).where(AuditCase.reference == reference)):
        raise click.ClickException(f"A case with reference {reference} already exists")
    case = AuditCase(reference=reference, quarter=quarter, theme=theme)
    db.session.add(case)
    db.session.flush()
    record("case_created", actor=ACTOR, case_id=case.id)
    return case


def invite(case: AuditCase, recipient: str, **details) -> str:
    """Invite the case's adult or representative (creating them if needed); return the link."""
    person = case.participant(recipient)
    if person is None:
        person = Participant(case=case, role=recipient, **details)
        db.session.add(person)
        db.session.flush()
    _invitation, token = links.issue(person, actor=ACTOR)
    return links.link_for(token)


def init_app(app: Flask) -> None:
    cases = click.Group("cases", help="Audit cases.")
    invitations = click.Group("invitations", help="Links for adults and representatives.")
    app.cli.add_command(cases)
    app.cli.add_command(invitations)

    @cases.command("create")
    @click.option("--reference", required=True, help="The case's audit reference.")
    @click.option("--quarter", help="For example 2026-Q4.")
    @click.option("--theme")
    def cases_create(reference, quarter, theme):
        case = create_case(reference, quarter, theme)
        db.session.commit()
        click.echo(f"Created case {case.reference}")

    @invitations.command("create")
    @click.option("--case", "reference", required=True, help="The case's reference.")
    @click.option("--recipient", type=click.Choice(["adult", "representative"]), default="adult")
    def invitations_create(reference, recipient):
        link = invite(_case(reference), recipient)
        db.session.commit()
        click.echo(f"Invitation for the {recipient} on case {reference}. Link (shown once):")
        click.echo(link)

    retention = click.Group("retention", help="Removing personal data that is no longer needed.")
    app.cli.add_command(retention)

    @retention.command("purge")
    @click.option("--months", type=click.IntRange(min=0), help="Override RETENTION_MONTHS.")
    def retention_purge(months):
        """Remove personal data from long-closed cases, abandoned drafts and dead codes."""
        from .retention import purge

        for line in purge(months).lines():
            click.echo(line)

    @app.cli.command("demo")
    def demo():
        """Load demo data and print a sample adult link."""
        from .demo import load

        for line in load():
            click.echo(line)
