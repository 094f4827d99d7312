"""Each dialect's set-up (portal/database.py). SQLite's write lock is taken in one place: a
transaction that will write begins with BEGIN IMMEDIATE, whether a web request or the outbox
worker makes it (on a SQLite file of its own). A PostgreSQL connection the server has closed is
replaced when it leaves the pool (needs PostgreSQL at 127.0.0.1:5432, as the fault tests do)."""

from __future__ import annotations

import time

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import event, select, text

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


def test_a_postgresql_connection_the_server_closed_is_replaced_on_checkout():
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    app = create_app({"SQLALCHEMY_DATABASE_URI": admin.replace("://", "+psycopg://")})
    with app.app_context():
        backend = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.commit()  # back to the pool, open
        with psycopg.connect(admin, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (backend,))
            deadline = time.monotonic() + 10
            while other.execute(
                "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend,)
            ).fetchone():
                assert time.monotonic() < deadline, "the backend did not end"
                time.sleep(0.05)
        # The pool hands out a working connection, not the dead one (no error, a new backend).
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != backend
        db.session.remove()
        db.engine.dispose()
