"""The outbox worker: `flask --app wsgi outbox run` (keeps going) or `... run --once`.

Each message goes queued -> sending (claimed, committed) -> provider -> sent (recorded, content
cleared, committed). A worker that dies after claiming leaves the row in 'sending'; once its
lease runs out another run claims it again. Any message tried before (a crash, or a timeout
that may have reached the provider) is looked up at its provider by its reference before it is
sent again, so it is neither lost nor sent twice.

With PostgreSQL, several workers can run at once: each claims rows with FOR UPDATE SKIP LOCKED.
With SQLite, run one worker; its claim is a single atomic UPDATE per row all the same.
"""

from __future__ import annotations

import logging
import random
import signal
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from .. import letters
from ..database import begin_write
from ..extensions import db
from ..models import utcnow
from ..models.outbox import OutboxMessage
from .events import message_outcome
from .providers import PermanentFailure, TemporaryFailure, provider_for

log = logging.getLogger("portal.outbox")

SENDABLE = ("email", "text", "letter")  # print letters wait for the print batch


def _due(now):
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    return and_(
        OutboxMessage.channel.in_(SENDABLE),
        or_(
            and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at <= now - lease),
        ),
    )


def claim(limit: int = 20) -> list[int]:
    """Take up to ``limit`` due messages for this worker, and commit the claim."""
    db.session.rollback()  # start afresh, so begin_write() is the transaction's first statement
    begin_write()
    now = utcnow()
    claim_values = {
        "status": "sending",
        "claimed_at": now,
        "attempts": OutboxMessage.attempts + 1,
    }
    if db.engine.dialect.name == "postgresql":
        ids = db.session.scalars(
            select(OutboxMessage.id)
            .where(_due(now))
            .order_by(OutboxMessage.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if ids:
            db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**claim_values),
                execution_options={"synchronize_session": False},
            )
    else:
        candidates = db.session.scalars(
            select(OutboxMessage.id)
            .where(_due(now))
            .order_by(OutboxMessage.next_attempt_at)
            .limit(limit)
        ).all()
        ids = []
        for message_id in candidates:
            # The condition is checked again in the UPDATE itself: only one claim can win.
            done = db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, _due(now))
                .values(**claim_values),
                execution_options={"synchronize_session": False},
            )
            if done.rowcount == 1:
                ids.append(message_id)
    db.session.commit()
    return list(ids)


def backoff(attempts: int) -> float:
    """Exponential backoff with jitter: base * 2^(n-1), capped at a day, times 0.5-1.5 so that
    many messages failing together do not all come back at once."""
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    delay = min(base * 2 ** max(attempts - 1, 0), 24 * 3600)
    return delay * random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not security


def _finish(message_id: int, **values) -> bool:
    """Record an outcome, only if the message is still the one this worker claimed, clearing
    its content when the outcome is final."""
    if values.get("status") in ("sent", "failed"):
        values.update(to_address=None, subject=None, body=None, letter_html=None)
        values.setdefault("finished_at", utcnow())
    done = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    return done.rowcount == 1


def record_sent(message: OutboxMessage, provider: str, provider_id: str, recovered=False) -> None:
    if _finish(
        message.id,
        status="sent",
        provider=provider,
        provider_id=provider_id,
        sent_at=utcnow(),
        failure=None,
        reason="Found at the provider after a restart; not sent again" if recovered else None,
    ):
        message_outcome(message, "sent")
    db.session.commit()


def _retry_or_fail(message: OutboxMessage, reason: str) -> None:
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        if _finish(
            message.id,
            status="failed",
            failure="temporary",
            reason=f"Gave up after {message.attempts} tries: {reason}",
        ):
            message_outcome(message, "failed", note="(gave up)")
    else:
        _finish(
            message.id,
            status="queued",
            failure="temporary",
            reason=reason,
            next_attempt_at=utcnow() + timedelta(seconds=backoff(message.attempts)),
        )
    db.session.commit()


def process(message_id: int) -> str:
    """Send one claimed message; returns what became of it."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != "sending":
        db.session.rollback()
        return "skipped"
    # Keep what was read, and end the read transaction before talking to the provider: the
    # outcome is then recorded in a fresh transaction that starts with its write.
    db.session.expunge(message)
    db.session.rollback()
    provider = provider_for(message.channel)
    try:
        if message.attempts > 1:
            found = provider.lookup(message)
            if found:
                log.info("outbox message %s found at %s; not sent again", message.id, provider.name)
                record_sent(message, provider.name, found, recovered=True)
                return "sent"
        pdf = letters.render_pdf(message.letter_html) if message.letter_html else None
        provider_id = provider.send(message, pdf)
    except TemporaryFailure as failure:
        log.warning("outbox message %s: temporary failure: %s", message.id, failure.reason)
        _retry_or_fail(message, failure.reason)
        return "retry"
    except PermanentFailure as failure:
        log.warning("outbox message %s: permanent failure: %s", message.id, failure.reason)
        if _finish(message.id, status="failed", failure="permanent", reason=failure.reason):
            message_outcome(message, "failed", note="(permanent)")
        db.session.commit()
        return "failed"
    except Exception as error:  # noqa: BLE001 - an unexpected error must not stop the worker
        log.exception("outbox message %s: unexpected error", message.id)
        db.session.rollback()
        _retry_or_fail(message, f"Unexpected error ({type(error).__name__})")
        return "retry"
    record_sent(message, provider.name, provider_id)
    return "sent"


def run_once(limit: int = 20) -> dict[str, int]:
    """Send everything due now, batch by batch, and return counts of outcomes."""
    counts: dict[str, int] = {}
    while True:
        ids = claim(limit)
        if not ids:
            return counts
        for message_id in ids:
            outcome = process(message_id)
            counts[outcome] = counts.get(outcome, 0) + 1


def run_forever() -> None:
    stopping = []

    def stop(_signum, _frame):
        stopping.append(True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    poll = current_app.config["OUTBOX_POLL_SECONDS"]
    log.info("outbox worker started (%s)", current_app.config["DELIVERY_PROVIDER"])
    while not stopping:
        try:
            counts = run_once()
            if counts:
                log.info("outbox: %s", counts)
        except Exception:  # noqa: BLE001 - the database may be briefly away; keep going
            log.exception("outbox: run failed; trying again shortly")
            db.session.rollback()
        finally:
            db.session.remove()
        slept = 0.0
        while slept < poll and not stopping:
            time.sleep(0.2)
            slept += 0.2
    log.info("outbox worker stopped")
