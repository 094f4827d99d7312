"""Command line for support staff and scripts: flask --app wsgi <command>."""

from __future__ import annotations

import click
from flask import Flask

from .audit_tool import IDENTIFIERS
from .extensions import db
from .models import AuditCase
from .models.audit import ORGANISATION_KINDS
from .services import organisations as organisation_service
from .services import returns as return_service
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

    organisations = click.Group("organisations", help="Partner organisations and their domains.")
    returns = click.Group("returns", help="Organisations' returns for a case, by link.")
    app.cli.add_command(organisations)
    app.cli.add_command(returns)

    @organisations.command("create")
    @click.option("--name", required=True, help="The organisation's name, as staff know it.")
    @click.option("--kind", type=click.Choice(list(ORGANISATION_KINDS)), default="other")
    @click.option(
        "--domain",
        "domains",
        multiple=True,
        required=True,
        help="An email domain its staff use (for example nhs.net); repeat for more.",
    )
    def organisations_create(name, kind, domains):
        """Add a partner organisation with the email domains a return link may go to."""
        try:
            organisation = organisation_service.create(name, kind, domains)
        except ValueError as problem:
            raise click.ClickException(str(problem)) from None
        db.session.commit()
        listed = ", ".join(d.domain for d in organisation.domains)
        click.echo(f"Created organisation {organisation.name} ({listed})")

    @returns.command("request")
    @click.option("--case", "reference", required=True, help="The case's reference.")
    @click.option("--organisation", "name", required=True, help="The organisation's name.")
    @click.option("--email", required=True, help="The contact's address, in its domains.")
    @click.option("--name", "contact_name", help="The contact's name.")
    @click.option(
        "--share",
        multiple=True,
        type=click.Choice(list(IDENTIFIERS)),
        help="A case identifier to show the organisation; repeat for more.",
    )
    def returns_request(reference, name, email, contact_name, share):
        """Ask an organisation's contact for its return: queues the email and prints the link
        (shown once) as the last line."""
        case = _case(reference)
        organisation = organisation_service.find_by_name(name)
        if organisation is None:
            raise click.ClickException(f"No organisation called {name}")
        try:
            _request, token = return_service.request_return(
                case, organisation, contact_name, email, share, actor="cli"
            )
        except ValueError as problem:
            raise click.ClickException(str(problem)) from None
        db.session.commit()
        click.echo(f"Return requested from {organisation.name} on case {reference}; email queued.")
        click.echo("Link (shown once):")
        click.echo(return_service.link_for(token))

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
