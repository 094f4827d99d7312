"""flask --app wsgi outbox ...: run the worker, make the post room's print batch."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask

from ..extensions import db
from . import print_batch, worker


def init_app(app: Flask) -> None:
    outbox = click.Group("outbox", help="Emails, texts and letters waiting to go.")
    app.cli.add_command(outbox)

    @outbox.command("run")
    @click.option("--once", is_flag=True, help="Send what is due now, then stop.")
    def run(once):
        """Send queued messages; keeps going unless --once."""
        if once:
            counts = worker.run_once()
            click.echo(f"Outbox: {counts or 'nothing due'}")
        else:
            click.echo("Outbox worker running (Ctrl+C or SIGTERM to stop)")
            worker.run_forever()

    @outbox.command("print-batch")
    @click.option("--output", "-o", required=True, type=click.Path(dir_okay=False))
    def make_print_batch(output):
        """Write one PDF of every letter due for the post room, and mark them sent."""
        made = print_batch.make_batch(actor="cli")
        if made is None:
            click.echo("No letters are due.")
            return
        pdf, ids = made
        path = Path(output)
        # Written (and flushed to disk) before the letters are marked sent, so a failure here
        # leaves them queued for the next batch.
        with open(path, "wb") as handle:
            handle.write(pdf)
            handle.flush()
            os.fsync(handle.fileno())
        db.session.commit()
        click.echo(f"{len(ids)} letter(s) written to {path}")
