"""Database engine settings that differ by dialect.

SQLite is the embedded default, so it must hold up under several gunicorn workers: WAL lets
readers carry on while one writer writes, a busy timeout makes writers wait instead of failing,
and POST requests take the write lock when their transaction begins (BEGIN IMMEDIATE), so two
writers never deadlock by both upgrading a read lock half-way through.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event

from .extensions import db

BUSY_TIMEOUT_MS = 15_000


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
    writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
