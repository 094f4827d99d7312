"""flask --app wsgi staff ...: staff accounts from the command line."""

from __future__ import annotations

import click
from flask import Flask

from ..extensions import db
from ..models.staff import ROLES
from . import auth


def init_app(app: Flask) -> None:
    staff = click.Group("staff", help="Staff accounts.")
    app.cli.add_command(staff)

    @staff.command("create")
    @click.option("--email", required=True)
    @click.option("--role", required=True, type=click.Choice(ROLES))
    @click.option("--name", help="Their full name.")
    def create(email, role, name):
        """Create an account and print its one-time set-up link."""
        if auth.find_user(email) is not None:
            raise click.ClickException("There is already an account with that email address")
        user, link = auth.create_user(email, role, name)
        db.session.commit()
        click.echo(
            f"Created {role} account {user.email}. Set-up link (shown once, works for "
            f"{auth.SETUP_LINK_LIFETIME.days} days):"
        )
        click.echo(link)

    @staff.command("reset")
    @click.option("--email", required=True)
    def reset(email):
        """Issue a new set-up link (forgotten password, lost phone)."""
        user = auth.find_user(email)
        if user is None:
            raise click.ClickException("No account with that email address")
        link = auth.issue_setup_link(user)
        db.session.commit()
        click.echo(f"New set-up link for {user.email} (shown once):")
        click.echo(link)
