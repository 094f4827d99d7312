"""Settings, read once from the environment.

Development and test get safe defaults so a newcomer needs nothing set. Production refuses to start
when a secret is missing or still at its development default, because a guessable key would let
anyone forge a session and walk into an adult's answers.
"""

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import languages

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "development-only-secret-key-change-me"  # noqa: S105 - refused in production


class ConfigError(RuntimeError):
    """A production setting is missing or unsafe."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


# A signing key must be as hard to guess as 128 random bits. Its characters' spread is a
# lower bound a person can check: "a" * 40 scores 0, a key from `secrets.token_urlsafe(32)`
# about 200, a memorable phrase of 32 characters less than 128.
KEY_MIN_LENGTH = 32
KEY_MIN_BITS = 128


def key_strength(key: str) -> float:
    """The key's length times the Shannon entropy of its characters, in bits."""
    counts = Counter(key)
    return -sum(n * math.log2(n / len(key)) for n in counts.values())


def weak_keys(keys: list[str]) -> bool:
    return any(
        key == DEV_SECRET or len(key) < KEY_MIN_LENGTH or key_strength(key) < KEY_MIN_BITS
        for key in keys
    )


def _switch(name: str, production: bool) -> bool:
    """An on/off setting that protects people (CSRF, rate limits): tests may turn it off,
    production may not."""
    on = _env(name, "1") == "1"
    if production and not on:
        raise ConfigError(f"{name} cannot be turned off in production")
    return on


@dataclass(frozen=True)
class Board:
    """Who runs the audit. Everything here is configuration, so any board can run the portal."""

    name: str
    council: str
    area: str
    address: tuple[str, ...]
    phone: str
    email: str
    website: str


def load_board() -> Board:
    return Board(
        name=_env("BOARD_NAME", "Devon Safeguarding Adults Board"),
        council=_env("BOARD_COUNCIL", "Devon County Council"),
        area=_env("BOARD_AREA", "Devon"),
        address=tuple(
            line.strip()
            for line in _env(
                "BOARD_ADDRESS",
                "First floor, The Annexe|County Hall|Topsham Road|Exeter|EX2 4QD",
            ).split("|")
            if line.strip()
        ),
        phone=_env("BOARD_PHONE", "01392 383000"),
        email=_env("BOARD_EMAIL", "safeguardingadultsboardsecure-mailbox@devon.gcsx.gov.uk"),
        website=_env("BOARD_WEBSITE", "https://new.devon.gov.uk/devonsafeguardingadultsboard/"),
    )


@dataclass
class Settings:
    env: str = field(default_factory=lambda: _env("PORTAL_ENV", "development"))

    def as_flask_config(self) -> dict:
        env = self.env
        if env not in ("development", "test", "production"):
            raise ConfigError(f"PORTAL_ENV must be development, test or production, not {env!r}")
        production = env == "production"

        keys = [k.strip() for k in (_env("SECRET_KEYS") or "").split(",") if k.strip()]
        if not keys:
            if production:
                raise ConfigError("SECRET_KEYS must be set in production")
            keys = [DEV_SECRET]
        if production and weak_keys(keys):
            raise ConfigError(
                "SECRET_KEYS must each be at least 32 random characters, such as "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))' prints"
            )

        database_url = _env("DATABASE_URL")
        if not database_url:
            if production:
                raise ConfigError("DATABASE_URL must be set in production")
            database_url = f"sqlite:///{ROOT / 'instance' / 'portal.db'}"

        base_url = _env("PUBLIC_BASE_URL", "http://localhost:5000")
        if production and not base_url.startswith("https://"):
            raise ConfigError("PUBLIC_BASE_URL must be an https:// address in production")

        redis_url = _env("REDIS_URL")
        if production and not redis_url:
            # In memory, each worker counts alone: 4 workers let through 4 times the limit.
            raise ConfigError("REDIS_URL must be set in production, so rate limits hold")

        proxy_hops = _env("PROXY_HOPS")
        if production and proxy_hops is None:
            # Behind a proxy with the default 0, every person shares the proxy's address, and
            # one person's wrong codes would block code entry for everyone.
            raise ConfigError(
                "PROXY_HOPS must be set in production: 1 behind one reverse proxy, 0 with none"
            )
        if not (proxy_hops or "0").isascii() or not (proxy_hops or "0").isdecimal():
            raise ConfigError("PROXY_HOPS must be a whole number")

        return {
            "PORTAL_ENV": env,
            "TESTING": env == "test",
            # The first key signs; the others still verify, so keys can be rotated without
            # ending every session and link at once.
            "SECRET_KEY": keys[0],
            "SECRET_KEY_FALLBACKS": keys[1:],
            "SECRET_KEYS": keys,
            "SQLALCHEMY_DATABASE_URI": database_url,
            # hide_parameters keeps personal data out of error messages and logs.
            # Dead pooled connections are caught on checkout (portal/database.py).
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_recycle": 1800,
                "hide_parameters": True,
            },
            # Links in messages are built from this, never from the request's Host header.
            "PUBLIC_BASE_URL": base_url.rstrip("/"),
            "LINK_LIFETIME_DAYS": int(_env("LINK_LIFETIME_DAYS", "28")),
            # How long personal data is kept after its audit case is closed: the privacy notice
            # says so, and `flask --app wsgi retention purge` enforces it.
            "RETENTION_MONTHS": int(_env("RETENTION_MONTHS", "12")),
            "EXIT_URL": _env("EXIT_URL", "https://www.bbc.co.uk/weather"),
            "BOARD": load_board(),
            "SESSION_COOKIE_NAME": "session",
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": production,
            "PERMANENT_SESSION_LIFETIME": 12 * 60 * 60,
            # Signed values always have a maximum age: CSRF tokens live as long as a session.
            "WTF_CSRF_TIME_LIMIT": 12 * 60 * 60,
            "WTF_CSRF_ENABLED": _switch("WTF_CSRF_ENABLED", production),
            "BABEL_DEFAULT_LOCALE": "en",
            "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
            "LANGUAGES": languages.CODES,
            "HSTS": production,
            "REDIS_URL": redis_url,
            "RATELIMIT_STORAGE_URI": redis_url or "memory://",
            "RATELIMIT_ENABLED": _switch("RATELIMIT_ENABLED", production),
            "RATELIMIT_STRATEGY": "moving-window",
            # How many proxies in front of us set X-Forwarded-For; 0 trusts none of it.
            "PROXY_HOPS": int(proxy_hops or "0"),
            # Request bodies are refused with a 413 before they are read. The largest real form
            # is the staff case form: nine 2,000-character boxes in 4-byte characters, sent
            # percent-encoded (12 bytes a character), come to about 230 KB; a question page to
            # 24 KB. 1 MiB leaves four times that, and is nginx's client_max_body_size 1m.
            "MAX_CONTENT_LENGTH": 1024 * 1024,
            # Multipart only (no form here uses it): the longest field is a 3,000-character
            # letter paragraph (12 KB in 4-byte characters); the most parts, about 40 (case form).
            "MAX_FORM_MEMORY_SIZE": 64 * 1024,
            "MAX_FORM_PARTS": 200,
            **delivery_settings(production),
            **single_sign_on_settings(production),
        }


STAFF_ROLES = ("admin", "coordinator", "facilitator", "learning_group")


def single_sign_on_settings(production: bool) -> dict:
    """Staff sign-in through the organisation's OpenID Connect provider (portal/staff/oidc.py),
    on when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set. Half of them set is
    a mistake that would leave staff with neither way in, so it stops the portal anywhere.

    OIDC_ROLE_MAP pairs the provider's role values with the portal's roles, such as
    "Portal.Admin=admin,Portal.Coordinator=coordinator"; when it is set, the role claim decides
    each person's role at every sign-in, else the account's own role stands."""
    names = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
    values = {name: _env(name) for name in names}
    missing = [name for name, value in values.items() if not value]
    if len(missing) not in (0, len(names)):
        raise ConfigError(f"{', '.join(missing)} must be set as well for single sign-on")
    issuer = (values["OIDC_ISSUER"] or "").rstrip("/")
    if production and issuer and not issuer.startswith("https://"):
        raise ConfigError("OIDC_ISSUER must be an https:// address in production")
    role_map = {}
    for pair in (_env("OIDC_ROLE_MAP") or "").split(","):
        if not pair.strip():
            continue
        value, _sep, role = (part.strip() for part in pair.rpartition("="))
        if not value or role not in STAFF_ROLES:
            raise ConfigError(
                "OIDC_ROLE_MAP must be pairs like Portal.Admin=admin, each naming one of "
                + ", ".join(STAFF_ROLES)
            )
        role_map[value] = role
    return {
        "OIDC_ISSUER": issuer or None,
        "OIDC_ORIGIN": "/".join(issuer.split("/")[:3]) if issuer else None,
        "OIDC_CLIENT_ID": values["OIDC_CLIENT_ID"],
        "OIDC_CLIENT_SECRET": values["OIDC_CLIENT_SECRET"],
        "OIDC_ROLE_CLAIM": _env("OIDC_ROLE_CLAIM", "roles"),
        "OIDC_ROLE_MAP": role_map,
        # The button says "Sign in with <this>".
        "OIDC_PROVIDER_NAME": _env("OIDC_PROVIDER_NAME", "your organisation's account"),
    }


PROVIDERS = ("development", "notify", "smtp")


def delivery_settings(production: bool) -> dict:
    """How emails, texts and letters go out (see portal/delivery/). The development provider only
    keeps messages for the staff outbox page, so production must name a real one."""
    provider = _env("DELIVERY_PROVIDER", None if production else "development")
    if provider not in PROVIDERS:
        raise ConfigError(
            "DELIVERY_PROVIDER must be notify or smtp (or development, not in production)"
        )
    if production and provider == "development":
        raise ConfigError("DELIVERY_PROVIDER=development cannot be used in production")
    settings = {
        "DELIVERY_PROVIDER": provider,
        # Letters: "notify" sends them as precompiled PDFs through GOV.UK Notify; "print" keeps
        # them for the post room's print batch.
        "LETTER_ROUTE": _env("LETTER_ROUTE", "notify" if provider == "notify" else "print"),
        "NOTIFY_API_KEY": _env("NOTIFY_API_KEY"),
        "NOTIFY_BASE_URL": _env("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        # Notify templates hold only placeholders, so our wording (in every language and format)
        # is what is sent: email ((subject)) and ((body)); with a file ((subject)), ((body)) and
        # ((link_to_file)); text ((body)).
        "NOTIFY_EMAIL_TEMPLATE_ID": _env("NOTIFY_EMAIL_TEMPLATE_ID"),
        "NOTIFY_EMAIL_FILE_TEMPLATE_ID": _env("NOTIFY_EMAIL_FILE_TEMPLATE_ID"),
        "NOTIFY_SMS_TEMPLATE_ID": _env("NOTIFY_SMS_TEMPLATE_ID"),
        "NOTIFY_CALLBACK_TOKEN": _env("NOTIFY_CALLBACK_TOKEN"),
        "NOTIFY_LETTER_POSTAGE": _env("NOTIFY_LETTER_POSTAGE", "second"),
        "SMTP_HOST": _env("SMTP_HOST"),
        "SMTP_PORT": int(_env("SMTP_PORT", "587")),
        "SMTP_USERNAME": _env("SMTP_USERNAME"),
        "SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _env("SMTP_STARTTLS", "1") == "1",
        "SMTP_FROM": _env("SMTP_FROM"),
        "SMTP_TIMEOUT": float(_env("SMTP_TIMEOUT", "30")),
        "OUTBOX_MAX_ATTEMPTS": int(_env("OUTBOX_MAX_ATTEMPTS", "8")),
        "OUTBOX_BACKOFF_SECONDS": float(_env("OUTBOX_BACKOFF_SECONDS", "30")),
        "OUTBOX_LEASE_SECONDS": float(_env("OUTBOX_LEASE_SECONDS", "300")),
        "OUTBOX_POLL_SECONDS": float(_env("OUTBOX_POLL_SECONDS", "5")),
        "REMINDER_DAYS_BEFORE_EXPIRY": int(_env("REMINDER_DAYS_BEFORE_EXPIRY", "7")),
    }
    if settings["LETTER_ROUTE"] not in ("notify", "print"):
        raise ConfigError("LETTER_ROUTE must be notify or print")
    if production:
        needed = {
            "notify": (
                "NOTIFY_API_KEY",
                "NOTIFY_EMAIL_TEMPLATE_ID",
                "NOTIFY_SMS_TEMPLATE_ID",
                "NOTIFY_EMAIL_FILE_TEMPLATE_ID",
                "NOTIFY_CALLBACK_TOKEN",
            ),
            "smtp": ("SMTP_HOST", "SMTP_FROM"),
        }[provider]
        missing = [name for name in needed if not settings[name]]
        if missing:
            raise ConfigError(f"{', '.join(missing)} must be set for DELIVERY_PROVIDER={provider}")
        token = settings["NOTIFY_CALLBACK_TOKEN"]
        if token and len(token) < 32:
            raise ConfigError("NOTIFY_CALLBACK_TOKEN must be at least 32 characters")
    return settings
