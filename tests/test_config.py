import pytest

from portal.config import DEV_SECRET, ConfigError, Settings


def _production(monkeypatch, **env):
    monkeypatch.setenv("PORTAL_ENV", "production")
    for name in ("SECRET_KEYS", "DATABASE_URL", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings().as_flask_config


GOOD = {
    "SECRET_KEYS": "a" * 40,
    "DATABASE_URL": "postgresql+psycopg://db/portal",
    "PUBLIC_BASE_URL": "https://feedback.example.org",
    "DELIVERY_PROVIDER": "smtp",
    "SMTP_HOST": "smtp.example.org",
    "SMTP_FROM": "noreply@example.org",
}


def test_production_starts_with_every_secret_set(monkeypatch):
    config = _production(monkeypatch, **GOOD)()
    assert config["SECRET_KEY"] == "a" * 40 and config["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize(
    "change",
    [
        {"SECRET_KEYS": ""},
        {"SECRET_KEYS": DEV_SECRET},
        {"SECRET_KEYS": "short"},
        {"DATABASE_URL": ""},
        {"PUBLIC_BASE_URL": "http://feedback.example.org"},
    ],
)
def test_production_refuses_missing_or_default_secrets(monkeypatch, change):
    with pytest.raises(ConfigError):
        _production(monkeypatch, **{**GOOD, **change})()


def test_keys_rotate(monkeypatch):
    config = _production(monkeypatch, **{**GOOD, "SECRET_KEYS": f"{'n' * 40},{'o' * 40}"})()
    assert config["SECRET_KEY"] == "n" * 40 and config["SECRET_KEY_FALLBACKS"] == ["o" * 40]


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
