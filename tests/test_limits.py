"""Rate limits on staff sign-in and code entry (issue 8 §1), and limits shared through Redis
when REDIS_URL is set, so they hold across gunicorn workers and servers.

The Redis test needs Redis at 127.0.0.1:6379 (database 15 is flushed); it fails, never skips,
when Redis is not there.
"""

from __future__ import annotations

import pytest

from portal import create_app
from portal.journey.code_entry import CODE_LIMIT
from portal.staff.sign_in import SIGN_IN_LIMIT

from .checking_client import CheckingClient

REDIS_URL = "redis://127.0.0.1:6379/15"
TOO_MANY = "Sorry, there have been too many attempts"


def per_minute(limit: str) -> int:
    return int(limit.split(";")[0].split()[0])


def attempt_sign_in(client, n: int, address: str = "192.0.2.10"):
    return client.submit(
        "/staff/sign-in",
        {"email": f"nobody{n}@example.org", "password": "not the password", "code": "123456"},
        environ_base={"REMOTE_ADDR": address},
    )


def assert_limited(page) -> None:
    assert page.status_code == 429
    assert page.soup.h1.get_text(strip=True) == TOO_MANY
    assert "Traceback" not in page.get_data(as_text=True)


def test_staff_sign_in_is_limited_per_address(client):
    allowed = per_minute(SIGN_IN_LIMIT)
    for n in range(allowed):
        page = attempt_sign_in(client, n)
        assert page.status_code == 200, (n, page.status_code)  # the form, with its message
    assert_limited(attempt_sign_in(client, allowed))
    # Only POSTs count: the form itself still shows, and another address may still try.
    assert client.get("/staff/sign-in").status_code == 200
    assert attempt_sign_in(client, 0, address="192.0.2.11").status_code == 200


def test_code_entry_is_limited_per_address(client):
    allowed = per_minute(CODE_LIMIT)
    for n in range(allowed):
        # Empty entries: refused with a message, and not counted as wrong codes in the
        # database, so the limit seen here is the request limit.
        page = client.submit("/code", {"code": ""}, environ_base={"REMOTE_ADDR": "192.0.2.20"})
        assert page.status_code == 400, (n, page.status_code)
    limited = client.submit("/code", {"code": ""}, environ_base={"REMOTE_ADDR": "192.0.2.20"})
    assert_limited(limited)
    other = client.submit("/code", {"code": ""}, environ_base={"REMOTE_ADDR": "192.0.2.21"})
    assert other.status_code == 400


@pytest.fixture
def redis_db():
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        connection.flushdb()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis is needed at {REDIS_URL} for the shared rate limit test: {error}")
    yield connection
    connection.flushdb()
    connection.close()


def test_limits_are_shared_through_redis(redis_db, _database, monkeypatch):
    """Two app instances (as two gunicorn workers or two servers would be) with the same
    REDIS_URL count one address's attempts together. The second app is made after the first
    has counted: with in-memory storage it would start again from nothing."""
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    allowed = per_minute(SIGN_IN_LIMIT)
    first = create_app({"SQLALCHEMY_DATABASE_URI": _database})
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    first.test_client_class = CheckingClient
    client_one = first.test_client()
    half = allowed // 2
    for n in range(half):
        assert attempt_sign_in(client_one, n).status_code == 200
    assert redis_db.keys("*"), "the limiter wrote nothing to Redis"

    second = create_app({"SQLALCHEMY_DATABASE_URI": _database})
    second.test_client_class = CheckingClient
    client_two = second.test_client()
    for n in range(half, allowed):
        assert attempt_sign_in(client_two, n).status_code == 200, n
    assert_limited(attempt_sign_in(client_two, allowed))
    assert_limited(attempt_sign_in(client_one, allowed + 1))
