"""Test set-up. The schema is made by the migrations, as in production, on SQLite by default or
on PostgreSQL when TEST_DATABASE_URL names one (as .ci/run does)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

os.environ["PORTAL_ENV"] = "test"

from portal import create_app  # noqa: E402
from portal.database import engines  # noqa: E402
from portal.extensions import db  # noqa: E402

from .checking_client import CheckingClient  # noqa: E402

# What these tests do not depend on which database the suite runs on: pages in a browser,
# wording, pure rules, settings, SQLite's locking, the production deployment and the fault tests
# (each makes the databases it needs). .ci/run runs them in its first pass only
# (-m "not engine_independent").
ENGINE_INDEPENDENT = (
    "browser/",
    "production/",
    "test_config.py",
    "test_database.py",
    "test_easy_read.py",
    "test_faults.py",
    "test_limits.py",
    "test_requests.py",
    "test_runner.py",
    "test_static.py",
    "test_translations.py",
)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "engine_independent: the same on SQLite and PostgreSQL, so run once in CI"
    )


def pytest_collection_modifyitems(items):
    tests = Path(__file__).parent
    for item in items:
        where = item.path.relative_to(tests).as_posix()
        if where.startswith(ENGINE_INDEPENDENT):
            item.add_marker(pytest.mark.engine_independent)


def _database_url(tmp: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.db'}"


@pytest.fixture(scope="session")
def _database():
    with tempfile.TemporaryDirectory() as tmp:
        url = _database_url(Path(tmp))
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            if url.startswith("postgresql"):
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade()
            db.engine.dispose()
        yield url


@pytest.fixture
def app(_database):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": _database, "PUBLIC_BASE_URL": "https://feedback.example.org"}
    )
    app.test_client_class = CheckingClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        # Both engines, the one that only reads included: each test's app has its own pools.
        for engine in engines(app):
            engine.dispose()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app) -> CheckingClient:
    return app.test_client()


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID provider (npm oidc-provider, tests/oidc) for the portal at the tests'
    PUBLIC_BASE_URL, started once and stopped at the end."""
    from .oidc import running_provider

    with running_provider("https://feedback.example.org") as provider:
        yield provider
