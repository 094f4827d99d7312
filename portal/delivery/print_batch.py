"""The post room's print batch: one PDF of every letter due to be printed and posted.

Letters go this way when LETTER_ROUTE=print (the default unless GOV.UK Notify sends letters).
Making a batch claims the letters (so two people pressing the button at once do not both print
them), renders them into one tagged PDF, and marks them sent when the caller commits. The caller
commits only after the PDF has been handed over (written to a file, or given to the browser).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from .. import letters
from ..database import begin_write
from ..extensions import db
from ..models import utcnow
from ..models.outbox import OutboxMessage
from .events import message_outcome


def letters_due() -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.channel == "print", OutboxMessage.status == "queued")
        .order_by(OutboxMessage.id)
    ).all()


def make_batch(actor: str) -> tuple[bytes, list[int]] | None:
    """The PDF of all letters due and their message ids, or None if there are none. Letters are
    marked sent (and their content cleared) in the session: commit after handing the PDF over,
    or roll back to leave them queued. It begins a transaction of its own (anything left
    uncommitted in the session is dropped), so that on SQLite it holds the write lock from the
    start."""
    db.session.rollback()
    begin_write()
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.channel == "print", OutboxMessage.status == "queued")
        .order_by(OutboxMessage.id)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    due = db.session.scalars(query).all()
    if not due:
        return None
    pdf = letters.render_many(m.letter_html for m in due)
    batch = f"print-{uuid.uuid4()}"
    now, ids = utcnow(), []
    for message in due:
        done = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.status == "queued")
            .values(
                status="sent",
                provider="print",
                provider_id=batch,
                sent_at=now,
                finished_at=now,
                attempts=OutboxMessage.attempts + 1,
                to_address=None,
                subject=None,
                body=None,
                letter_html=None,
            ),
            execution_options={"synchronize_session": False},
        )
        if done.rowcount != 1:  # cancelled or taken by someone else meanwhile: start again
            return make_batch(actor)
        ids.append(message.id)
        message_outcome(message, "sent", actor=actor, note=f"in {batch}")
    return pdf, ids
