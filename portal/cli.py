"""Command line for support staff and scripts: flask --app wsgi <command>."""

from __future__ import annotations

import click
from flask import Flask

from .extensions import db
from .models import AuditCase
from .services.cases import CaseExists, create_case, find_case
from .services.invitations import invite


def _case(reference: str) -> AuditCase:
    case = find_case(reference)
    if case is None:
        raise click.ClickException(f"No case with reference {reference}")
    return case


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
        try:
            case = create_case(reference, quarter, theme)
        except CaseExists as taken:
            raise click.ClickException(str(taken)) from None
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
