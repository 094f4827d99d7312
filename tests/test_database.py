"""SQLite's write lock is taken in one place (portal/database.py): a transaction that will write
begins with BEGIN IMMEDIATE, whether a web request or the outbox worker makes it. Always on a
SQLite file of its own, since this is SQLite's set-up."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, select

from portal import create_app
from portal.database import begin_write
from portal.delivery import worker
from portal.extensions import db
from portal.models import AuditCase


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lock.db'}"})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def begins(sqlite_app) -> list[str]:
    """How each transaction began, in order."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def test_begin_write_takes_the_write_lock_as_the_transaction_begins(sqlite_app, begins):
    begin_write()
    db.session.add(AuditCase(reference="LOCK-1"))
    db.session.commit()
    db.session.scalar(select(AuditCase.id))  # a read outside any request: a plain BEGIN
    db.session.rollback()
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_begin_write_cannot_come_after_a_transaction_has_read(sqlite_app):
    db.session.scalar(select(AuditCase.id))
    with pytest.raises(RuntimeError, match="before the transaction's first statement"):
        begin_write()


def test_requests_that_may_write_begin_with_the_lock_and_reads_without(sqlite_app, begins):
    with sqlite_app.test_request_context(method="POST"):
        db.session.scalar(select(AuditCase.id))
        begin_write()  # a POST's transaction writes already: only checked
        db.session.rollback()
    with sqlite_app.test_request_context(method="GET"):
        db.session.scalar(select(AuditCase.id))
        with pytest.raises(RuntimeError):
            begin_write()
        db.session.rollback()
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_the_outbox_worker_claims_under_the_write_lock(sqlite_app, begins):
    worker.claim()
    assert begins == ["BEGIN IMMEDIATE"]
