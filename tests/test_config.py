import secrets

import pytest

from portal.config import DEV_SECRET, ConfigError, Settings


def _production(monkeypatch, **env):
    monkeypatch.setenv("PORTAL_ENV", "production")
    for name in (
        "SECRET_KEYS",
        "DATABASE_URL",
        "PUBLIC_BASE_URL",
        "REDIS_URL",
        "PROXY_HOPS",
        "WTF_CSRF_ENABLED",
        "RATELIMIT_ENABLED",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings().as_flask_config


KEY = secrets.token_urlsafe(32)
GOOD = {
    "SECRET_KEYS": KEY,
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PROXY_HOPS": "1",
    "DATABASE_URL": "postgresql+psycopg://db/portal",
    "PUBLIC_BASE_URL": "https://feedback.example.org",
    "DELIVERY_PROVIDER": "smtp",
    "SMTP_HOST": "smtp.example.org",
    "SMTP_FROM": "noreply@example.org",
}


def test_production_starts_with_every_secret_set(monkeypatch):
    config = _production(monkeypatch, **GOOD)()
    assert config["SECRET_KEY"] == KEY and config["SESSION_COOKIE_SECURE"]
    assert config["RATELIMIT_STORAGE_URI"] == GOOD["REDIS_URL"] and config["PROXY_HOPS"] == 1
    assert config["WTF_CSRF_ENABLED"] and config["RATELIMIT_ENABLED"]


def test_production_may_say_there_is_no_proxy(monkeypatch):
    assert _production(monkeypatch, **{**GOOD, "PROXY_HOPS": "0"})()["PROXY_HOPS"] == 0


@pytest.mark.parametrize(
    "change",
    [
        {"SECRET_KEYS": ""},
        {"SECRET_KEYS": DEV_SECRET},
        {"SECRET_KEYS": "short"},
        {"DATABASE_URL": ""},
        {"PUBLIC_BASE_URL": "http://feedback.example.org"},
        # Limits kept in each worker's memory let through as many times the limit as workers.
        {"REDIS_URL": ""},
        # Left at 0 behind a proxy, everyone shares the proxy's address.
        {"PROXY_HOPS": ""},
        {"PROXY_HOPS": "²"},
        {"WTF_CSRF_ENABLED": "0"},
        {"RATELIMIT_ENABLED": "0"},
        # Long enough, but guessable: one character, a short alphabet, a phrase.
        {"SECRET_KEYS": "a" * 40},
        {"SECRET_KEYS": "ab" * 32},
        {"SECRET_KEYS": "correct horse battery staple 123"},
        # Every key counts, the ones that only verify too.
        {"SECRET_KEYS": f"{KEY},{'b' * 40}"},
    ],
)
def test_production_refuses_missing_or_default_secrets(monkeypatch, change):
    with pytest.raises(ConfigError):
        _production(monkeypatch, **{**GOOD, **change})()


def test_keys_rotate(monkeypatch):
    new, old = secrets.token_urlsafe(32), secrets.token_hex(32)
    config = _production(monkeypatch, **{**GOOD, "SECRET_KEYS": f"{new},{old}"})()
    assert config["SECRET_KEY"] == new and config["SECRET_KEY_FALLBACKS"] == [old]


def test_development_needs_nothing(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.delenv("SECRET_KEYS", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = Settings().as_flask_config()
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_board_details_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("BOARD_NAME", "Somewhere Safeguarding Adults Board")
    monkeypatch.setenv("BOARD_ADDRESS", "1 High Street|Town|AB1 2CD")
    board = Settings().as_flask_config()["BOARD"]
    assert board.name == "Somewhere Safeguarding Adults Board"
    assert board.address == ("1 High Street", "Town", "AB1 2CD")


def test_every_signed_value_has_a_maximum_age(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    config = Settings().as_flask_config()
    assert config["WTF_CSRF_TIME_LIMIT"] == 12 * 60 * 60
    assert config["PERMANENT_SESSION_LIFETIME"] == 12 * 60 * 60
