"""Database engine settings that differ by dialect.

SQLite is the embedded default, so it must hold up under several gunicorn workers: WAL lets
readers carry on while one writer writes, a busy timeout makes writers wait instead of failing,
and POST requests take the write lock when their transaction begins (BEGIN IMMEDIATE), so two
writers never deadlock by both upgrading a read lock half-way through.

PostgreSQL: every round trip to the server costs more than the rest of a question page, so a
question page makes one to show and one to save, neither with BEGIN or COMMIT. The ORM
session reads in autocommit for GET (at READ COMMITTED each statement has its own snapshot
either way); ``run`` puts the journey's hot statements (``Prepared``) in autocommit too unless
the session has a transaction under way; and a pooled connection is checked without a query on
its way out of the pool (see ``_still_open``).
"""

from __future__ import annotations

import select
import weakref
from dataclasses import dataclass
from types import SimpleNamespace

from flask import Flask, g, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import PoolProxiedConnection

BUSY_TIMEOUT_MS = 15_000
READING = frozenset(("GET", "HEAD", "OPTIONS"))


def _on_connect(dbapi_connection, _record):
    # Let SQLAlchemy, not the driver, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_begin(connection):
    writing = has_request_context() and request.method not in READING
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _still_open(dbapi_connection) -> bool:
    """An idle connection has nothing to read: if its socket is readable, the server has closed
    it (a restart or an outage) or said something unasked, and either way it is replaced. This
    catches what pool_pre_ping would, after the database comes back, without its round trip."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return False
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)


def _on_checkout(dbapi_connection, _record, _proxy):
    if not _still_open(dbapi_connection):
        raise DisconnectionError("the database closed this pooled connection")  # pool retries


_autocommit_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _reading_request() -> bool:
    return has_request_context() and request.method in READING


def _autocommit(engine: Engine) -> Engine:
    """The engine's connections in autocommit. SQLite's are already, until SQLAlchemy itself
    begins a transaction on them (see _on_connect)."""
    if engine.dialect.name != "postgresql":
        return engine
    if engine not in _autocommit_engines:
        _autocommit_engines[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return _autocommit_engines[engine]


class RequestSession(Session):
    """db.session's class: on PostgreSQL, a reading request's queries run in autocommit.
    Which it is gets settled when the session is first used, so work begun outside a request
    (a test, a command) stays in its one transaction if a request context is pushed later."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._reading: bool | None = None

    def get_bind(self, *args, **kwargs):
        engine = super().get_bind(*args, **kwargs)
        if not isinstance(engine, Engine):
            return engine
        if self._reading is None:
            self._reading = _reading_request()
        return _autocommit(engine) if self._reading else engine

    def close(self) -> None:
        super().close()
        self._reading = None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positions: tuple[str, ...] | None  # parameter order, for drivers that take a sequence
    compiled: object
    binds: dict[str, object]  # name -> the type's bind processor
    results: tuple  # each selected column's result processor, or None
    names: tuple[str, ...]


class Prepared:
    """A Core statement for the hottest reads and writes, run on the driver's cursor.

    SQLAlchemy's execution layer cost a question page more than the database's own work (see
    BENCHMARKS.md). This compiles the statement once per dialect with SQLAlchemy, converts
    values with the column types' own processors, and turns driver errors into SQLAlchemy's
    (parameters hidden, dead connections invalidated), so error pages and recovery work as for
    any other query. Only single-row statements: ``run`` returns the first row or None."""

    def __init__(self, statement):
        self.statement = statement
        self._forms: dict[str, _Compiled] = {}

    def _form(self, dialect) -> _Compiled:
        form = self._forms.get(dialect.name)
        if form is None:
            compiled = self.statement.compile(dialect=dialect)
            columns = self.statement.exported_columns  # a SELECT's columns, or RETURNING's
            form = self._forms[dialect.name] = _Compiled(
                sql=compiled.string,
                positions=tuple(compiled.positiontup) if compiled.positional else None,
                compiled=compiled,
                binds={
                    name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                    for name, bind in compiled.binds.items()
                },
                results=tuple(
                    c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
                ),
                names=tuple(c.key for c in columns),
            )
        return form

    def run(self, pooled: PoolProxiedConnection, dialect: Dialect, params: dict):
        form = self._form(dialect)
        values = form.compiled.construct_params(params)
        for name, process in form.binds.items():
            if process is not None:
                values[name] = process(values[name])
        arguments = tuple(values[n] for n in form.positions) if form.positions else values
        dbapi_connection = pooled.dbapi_connection
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(form.sql, arguments)
            row = cursor.fetchone() if form.names else None
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, cursor):
                pooled.invalidate()
            raise DBAPIError.instance(
                form.sql,
                None,
                error,
                dialect.loaded_dbapi.Error,
                hide_parameters=True,
                dialect=dialect,
            ) from error
        finally:
            cursor.close()
        if row is None:
            return None
        return SimpleNamespace(
            **{
                name: process(value) if process else value
                for name, value, process in zip(form.names, row, form.results, strict=True)
            }
        )


def run(statement: Prepared, params: dict):
    """Run a prepared statement. If the ORM session has a transaction under way, in that
    transaction; otherwise in autocommit, each statement its own transaction, on one pooled
    connection kept for the rest of the app context (a question page reads and saves on it
    without any ORM session, and without BEGIN and COMMIT round trips)."""
    from .extensions import db

    engine = db.engine
    sessions = db.session.registry  # asked without making a session: that costs a GET a fifth
    if sessions.has() and sessions().in_transaction():
        return statement.run(db.session.connection().connection, engine.dialect, params)
    pooled = g.get("_autocommit_connection")
    if pooled is None:
        # Straight from the pool: an SQLAlchemy Connection around it cost a page 8%.
        pooled = g._autocommit_connection = engine.raw_connection()
        _driver_autocommit(pooled, engine.dialect, True)
    return statement.run(pooled, engine.dialect, params)


def _driver_autocommit(pooled: PoolProxiedConnection, dialect: Dialect, on: bool) -> None:
    # SQLite's connections are in autocommit already (isolation_level None, see _on_connect).
    if dialect.name == "postgresql":
        pooled.driver_connection.autocommit = on


def _close_autocommit_connection(_error=None) -> None:
    """Back to the pool as the ORM expects its connections: not in autocommit."""
    pooled = g.pop("_autocommit_connection", None)
    if pooled is None:
        return
    from .extensions import db

    if pooled.is_valid:
        try:
            _driver_autocommit(pooled, db.engine.dialect, False)
        except db.engine.dialect.loaded_dbapi.Error:
            pooled.invalidate()
    pooled.close()


def init_app(app: Flask) -> None:
    from .extensions import db  # extensions imports this module for RequestSession

    with app.app_context():
        engine = db.engine
    app.teardown_appcontext(_close_autocommit_connection)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "checkout", _on_checkout)
