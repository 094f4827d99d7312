"""Browser tests: the portal served on 127.0.0.1 by a background thread, and ONE headless
Chromium for the whole session (two shared cores: starting browsers is the slow part).

A missing browser or driver fails the suite with a clear message (tests/browser/chromium.py).
It never skips: a green run must mean the pages were checked in a real browser.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.database import engines
from portal.extensions import db

from ..conftest import _empty_tables
from .chromium import start_chromium
from .site import Site
from .walks import Walks


def pytest_collection_modifyitems(items):
    """The HTML check validates every page the other browser tests were served, so it runs
    last. Run on its own, it walks the journeys itself first."""
    last = [item for item in items if item.get_closest_marker("after_walks")]
    items[:] = [item for item in items if item not in last] + last


def pytest_configure(config):
    config.addinivalue_line("markers", "after_walks: run after every other browser test")


def _raise_error(code: int):
    """Test only: the error pages no walk can cause on demand, raised the way they really are."""
    from flask import abort
    from sqlalchemy.exc import OperationalError

    if code == 503:
        raise OperationalError("SELECT 1", {}, Exception("the database went away"))
    if code == 500:
        raise RuntimeError("an unexpected fault")
    abort(code)


class LiveServer:
    """The app on a free port. Every HTML page it serves is kept, for the HTML checker."""

    def __init__(self, database_url: str):
        self.server = None
        self.pages: dict[str, tuple[str, str]] = {}
        # Every HTML page served while a test holds a list here, in order, as (where, body).
        self.recorded: list[tuple[str, str]] | None = None
        # No rate limits: the walks open many pages from one address in a few seconds.
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
        self.app.after_request(self._keep)
        self.app.add_url_rule("/_test/error/<int:code>", view_func=_raise_error)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # "Exit this page" must land somewhere without the internet: this service's home page.
        self.app.config["EXIT_URL"] = f"{self.url}/?from=exit"
        self.app.config["PUBLIC_BASE_URL"] = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _keep(self, response):
        from flask import request

        if response.mimetype == "text/html" and response.status_code < 300:
            body = response.get_data(as_text=True)
            where = f"{request.method} {request.path}"
        elif response.mimetype == "text/html" and response.status_code >= 400:
            body = response.get_data(as_text=True)
            where = f"{request.method} {request.path} ({response.status_code})"
        else:
            return response
        self.pages.setdefault(_fingerprint(body), (where, body))
        if self.recorded is not None:
            self.recorded.append((where, body))
        return response


def _fingerprint(body: str) -> str:
    """Pages differ in their nonce and CSRF token on every request: leave those out, so each
    distinct page is validated once."""
    import hashlib
    import re

    body = re.sub(r'(nonce|value)="[^"]*"', "", body)
    return hashlib.sha256(body.encode()).hexdigest()


@pytest.fixture(scope="session")
def live(_database):
    server = LiveServer(_database)
    server.thread.start()
    yield server
    server.server.shutdown()
    with server.app.app_context():
        db.session.remove()
        _empty_tables()
        for engine in engines(server.app):
            engine.dispose()


@pytest.fixture(scope="session")
def _driver():
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def site(live, _driver) -> Site:
    """The shared browser, reset to a fresh visitor: no cookies, JavaScript on, desktop width,
    default text size."""
    page = Site(_driver, live)
    page.reset()
    yield page
    page.reset()


@pytest.fixture(scope="session")
def walks(live, _driver) -> Walks:
    """Walks through every public page, one per language and format, each made once."""
    return Walks(_driver, live)


ROOT = Path(__file__).resolve().parents[2]
