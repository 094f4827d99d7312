"""Database settings that differ by dialect, and the one place a writing transaction begins.

SQLite is the embedded default, so it must hold up under several gunicorn workers: WAL lets
readers carry on while one writer writes, a busy timeout makes writers wait instead of failing,
and a transaction that will write takes the write lock as it begins (BEGIN IMMEDIATE). Two
writers then never deadlock by both upgrading a read lock half-way through, and a read followed
by a write never fails on a snapshot another connection has changed meanwhile.

PostgreSQL: row locks (FOR UPDATE) order its writers. A pooled connection the server has
closed (a restart, an outage) is replaced on checkout, found by a look at its socket rather
than pool_pre_ping's query: that round trip cost a question page about 14% of its throughput
(bench/run.py, in BENCHMARKS.md's conditions).
"""

from __future__ import annotations

import select

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, Result
from sqlalchemy.exc import DisconnectionError

from .extensions import db

BUSY_TIMEOUT_MS = 15_000
READING = frozenset(("GET", "HEAD", "OPTIONS"))
# An execution option on a Connection: its next transaction will write (see begin_write).
WRITING = "portal_writing"


def _on_connect(dbapi_connection, _record):
    # Let SQLAlchemy, not the driver, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _writing(connection: Connection) -> bool:
    """A transaction writes if begin_write() said so, or if it serves a request that may change
    something (every method but GET, HEAD and OPTIONS)."""
    return connection.get_execution_options().get(WRITING, False) or (
        has_request_context() and request.method not in READING
    )


def _on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing(connection) else "BEGIN")


def begin_write() -> None:
    """Begin the session's transaction as one that writes: on SQLite it takes the write lock as
    it begins. Outside a web request (the outbox worker, commands) call it before the
    transaction's first statement; in a request that may write, every transaction begins this
    way already, and calling it mid-transaction only checks that."""
    session = db.session()
    if session.in_transaction():
        if not _writing(session.connection()):
            raise RuntimeError("begin_write() must come before the transaction's first statement")
        return
    session.connection(execution_options={WRITING: True})


def _still_open(dbapi_connection) -> bool:
    """An idle connection has nothing to read: if its socket is readable, the server has closed
    it or said something unasked, and either way it is replaced."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return False
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)


def _on_checkout(dbapi_connection, _record, _proxy) -> None:
    if not _still_open(dbapi_connection):
        raise DisconnectionError("the database closed this pooled connection")  # pool retries


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    # The same database, its connections always in autocommit: see read().
    reads = create_engine(
        engine.url, isolation_level="AUTOCOMMIT", **app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    app.extensions["reads_engine"] = reads
    for each in (engine, reads):
        if each.dialect.name == "sqlite":
            event.listen(each, "connect", _on_connect)
        elif each.dialect.name == "postgresql":
            event.listen(each, "checkout", _on_checkout)
    if engine.dialect.name == "sqlite":
        # Only the engine that writes begins transactions (SQLAlchemy still announces a begin
        # on the autocommit engine, where there must be none).
        event.listen(engine, "begin", _on_begin)


def engines(app: Flask) -> tuple[Engine, Engine]:
    """The app's engines: the one that writes (db.engine) and the one that only reads."""
    with app.app_context():
        return db.engine, app.extensions["reads_engine"]


def read(statement, params: dict | None = None) -> Result:
    """Run a statement that only reads, outside any transaction, through the session (ORM
    objects it loads are the session's as usual). A page that reads everything it shows in one
    statement needs no transaction: on PostgreSQL BEGIN and ROLLBACK were two of a question
    page's three round trips. Its connections come from an engine of their own, always in
    autocommit, so none is switched in and out of it per request."""
    return db.session.execute(
        statement, params or {}, bind_arguments={"bind": current_app.extensions["reads_engine"]}
    )
