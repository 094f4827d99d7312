"""Staff sign-in through the organisation's identity provider: a real OpenID provider (npm
oidc-provider, tests/oidc) answers, and the test client plays the browser on the portal's side."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from portal.config import STAFF_ROLES, ConfigError, Settings
from portal.extensions import db
from portal.models import AuditEvent, StaffSession, StaffUser
from portal.models.staff import ROLES
from portal.staff import auth

from .oidc import CLIENT_ID, PEOPLE, sign_in_at_provider
from .staff_helpers import PASSWORD, code_for, fresh_session, make_user, sign_in


@pytest.fixture(autouse=True)
def _single_sign_on(oidc_provider, monkeypatch):
    for name, value in oidc_provider.settings().items():
        monkeypatch.setenv(name, value)


def start(client) -> str:
    """Press "Sign in with ..." and return the provider's address it sends the browser to."""
    token = client.csrf_token("/staff/sign-in")
    response = client.post("/staff/sign-in/provider", data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def come_back(client, address: str):
    """The browser arriving back at the portal from the provider."""
    parts = urlsplit(address)
    return client.get(f"{parts.path}?{parts.query}")


def through_provider(client, login: str):
    return come_back(client, sign_in_at_provider(start(client), login))


def sessions() -> int:
    fresh_session()
    return db.session.scalar(select(func.count()).select_from(StaffSession))


def events(action: str) -> list[AuditEvent]:
    fresh_session()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_roles_in_settings_are_the_accounts_roles():
    assert set(STAFF_ROLES) == set(ROLES)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_role_signs_in_through_the_provider(client, app, role):
    login, email = PEOPLE[role]
    # The account's own role differs: the provider's role claim decides.
    user = make_user("facilitator" if role != "facilitator" else "coordinator", email=email)
    response = through_provider(client, login)
    assert response.status_code == 303
    fresh_session()
    user = db.session.get(StaffUser, user.id)
    assert user.role == role
    assert user.oidc_subject == login  # linked: from now on the subject identifies them
    assert sessions() == 1
    home = client.get(response.headers["Location"])
    assert home.status_code == 200
    [signed_in] = events("staff_signed_in")
    assert (signed_in.actor, signed_in.detail) == (user.actor, "single sign-on")


def test_the_sign_in_page_offers_the_provider(client, app):
    page = client.get("/staff/sign-in")
    button = page.soup.find("form", action="/staff/sign-in/provider").find("button")
    assert " ".join(button.get_text().split()) == "Sign in with Test Council ID"
    # Chromium applies form-action to the redirect after the button: the provider is allowed.
    assert (
        f"form-action 'self' {app.config['OIDC_ISSUER']}" in page.headers["Content-Security-Policy"]
    )


def test_the_flow_uses_pkce_state_and_nonce_and_keeps_its_secrets_off_the_cookie(client, app):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["state"] and query["nonce"] and query["code_challenge"]
    cookie = client.get_cookie("session").value
    from itsdangerous import URLSafeTimedSerializer

    from portal.cookie_session import CookieSessions

    signer = CookieSessions().get_signing_serializer(app)
    assert isinstance(signer, URLSafeTimedSerializer)
    held = signer.loads(cookie)
    flow = {key: value for key, value in held.items() if key.startswith("_state_")}
    assert list(flow.values()) and all(set(value) == {"exp"} for value in flow.values())
    assert query["nonce"][0] not in cookie


def test_the_subject_identifies_a_linked_account_even_after_an_email_change(client, app):
    user = make_user("coordinator", email="renamed@example.org")
    user.oidc_subject = "coordinator"
    db.session.commit()
    assert through_provider(client, "coordinator").status_code == 303
    assert sessions() == 1


def refused(response, heading: str, status: int = 403):
    assert response.status_code == status
    assert response.soup.h1.get_text(strip=True) == heading
    assert sessions() == 0


def test_an_unknown_person_is_refused(client, app):
    make_user("coordinator")  # someone else
    refused(through_provider(client, "stranger"), "You cannot sign in to this service")
    [event] = events("staff_sso_refused")
    assert (event.actor, event.detail) == ("system", "no_account")
    fresh_session()
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 1


def test_a_deactivated_account_is_refused(client, app):
    user = make_user("coordinator", email="departed@example.org")
    user.active = False
    db.session.commit()
    response = through_provider(client, "departed")
    refused(response, "You cannot sign in to this service")
    assert "deactivated" in response.get_data(as_text=True)
    [event] = events("staff_sso_refused")
    assert (event.actor, event.detail) == (user.actor, "deactivated")


def test_an_email_the_provider_has_not_verified_is_not_matched(client, app):
    make_user("coordinator")
    refused(through_provider(client, "unverified"), "You cannot sign in to this service")
    assert events("staff_sso_refused")[0].detail == "email_not_verified"


def test_no_role_from_the_provider_is_refused(client, app):
    make_user("coordinator")
    refused(through_provider(client, "norole"), "You cannot sign in to this service")
    assert events("staff_sso_refused")[0].detail == "no_role"


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("audience", "invalid_claim:aud"),
        ("issuer", "invalid_claim:iss"),
        ("expired", "expired_token:exp"),
        ("signature", "bad_signature"),
        ("nonce", "invalid_claim:nonce"),
    ],
)
def test_a_wrong_id_token_is_refused(client, app, oidc_provider, fault, reason):
    make_user("coordinator")
    address = sign_in_at_provider(start(client), "coordinator")
    oidc_provider.next_token(fault)
    try:
        response = come_back(client, address)
    finally:
        oidc_provider.next_token(None)
    refused(response, "Signing in did not work", 400)
    [event] = events("staff_sso_failed")
    assert event.detail == reason
    assert not events("staff_signed_in")


def test_a_state_that_does_not_match_is_refused(client, app):
    make_user("coordinator")
    address = sign_in_at_provider(start(client), "coordinator")
    refused(come_back(client, address.replace("state=", "state=x")), "Signing in did not work", 400)
    assert events("staff_sso_failed")[0].detail == "mismatching_state"


def test_a_callback_from_another_browser_is_refused(client, app):
    """Login CSRF: the state was never this browser's."""
    make_user("coordinator")
    address = sign_in_at_provider(start(app.test_client()), "coordinator")
    refused(come_back(client, address), "Signing in did not work", 400)


def test_an_authorization_code_used_twice_is_refused(client, app):
    make_user("coordinator")
    address = sign_in_at_provider(start(client), "coordinator")
    assert come_back(client, address).status_code == 303
    client.submit("/staff/sign-out")
    # The same answer again: its state is used up.
    refused(come_back(client, address), "Signing in did not work", 400)
    # The same code with a fresh state of this browser's: the provider refuses the code.
    fresh = parse_qs(urlsplit(start(client)).query)["state"][0]
    code = parse_qs(urlsplit(address).query)["code"][0]
    response = client.get(f"/staff/sign-in/callback?code={code}&state={fresh}")
    refused(response, "Signing in did not work", 400)
    assert [e.detail for e in events("staff_sso_failed")] == ["mismatching_state", "invalid_grant"]


def test_a_person_who_cancels_at_the_provider_is_told_so(client, app):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(f"/staff/sign-in/callback?error=access_denied&state={state}")
    refused(response, "Signing in did not work", 400)
    assert events("staff_sso_failed")[0].detail == "access_denied"


def test_no_token_is_ever_in_the_audit_log(client, app):
    make_user("coordinator")
    address = sign_in_at_provider(start(client), "coordinator")
    come_back(client, address)
    code = parse_qs(urlsplit(address).query)["code"][0]
    fresh_session()
    for event in db.session.scalars(select(AuditEvent)):
        assert code not in (event.detail or "")
        assert "eyJ" not in (event.detail or "")  # the start of any JWT


def test_a_provider_that_is_down_gives_try_again_later(client, app, monkeypatch):
    from tests.oidc import free_port

    monkeypatch.setenv("OIDC_ISSUER", f"http://127.0.0.1:{free_port()}")
    from portal import create_app

    down = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    down.test_client_class = type(client)
    browser = down.test_client()
    token = browser.csrf_token("/staff/sign-in")
    response = browser.post("/staff/sign-in/provider", data={"csrf_token": token})
    assert response.status_code == 503
    assert response.soup.h1.get_text(strip=True) == (
        "Sorry, signing in is not working at the moment"
    )
    assert "Try again later." in response.get_data(as_text=True)
    assert sessions() == 0


def test_a_provider_that_goes_down_after_sign_in_gives_try_again_later(client, app, oidc_provider):
    make_user("coordinator")
    address = sign_in_at_provider(start(client), "coordinator")
    # The token endpoint stops answering between the provider's page and the way back.
    provider_client = app.extensions["portal_oidc"]
    metadata = provider_client.load_server_metadata()
    real = metadata["token_endpoint"]
    from tests.oidc import free_port

    metadata["token_endpoint"] = f"http://127.0.0.1:{free_port()}/token"
    try:
        response = come_back(client, address)
    finally:
        metadata["token_endpoint"] = real
    refused(response, "Sorry, signing in is not working at the moment", 503)
    assert events("staff_sso_failed")[0].detail == "provider_unreachable"


def test_password_sign_in_is_off_except_for_break_glass_accounts(client, app):
    everyday = make_user("coordinator")
    response = client.submit(
        "/staff/sign-in",
        {"email": everyday.email, "password": PASSWORD, "code": code_for(everyday)},
    )
    assert response.status_code == 200 and response.soup.select(".govuk-error-summary")
    assert sessions() == 0
    spare = make_user("admin", email="break-glass@example.org")
    spare.break_glass = True
    db.session.commit()
    response = client.submit(
        "/staff/sign-in", {"email": spare.email, "password": PASSWORD, "code": code_for(spare)}
    )
    assert response.status_code == 303
    assert sessions() == 1


def test_signing_out_ends_the_session_and_the_providers(client, app, oidc_provider):
    make_user("coordinator")
    assert through_provider(client, "coordinator").status_code == 303
    response = client.submit("/staff/sign-out")
    assert response.status_code == 303
    address = urlsplit(response.headers["Location"])
    assert f"{address.scheme}://{address.netloc}" == oidc_provider.issuer
    assert address.path == "/session/end"
    query = parse_qs(address.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["post_logout_redirect_uri"] == ["https://feedback.example.org/staff/signed-out"]
    assert "id_token_hint" not in query
    assert sessions() == 0
    assert events("staff_signed_out")


def test_a_password_session_signs_out_here_only(client, app):
    spare = make_user("admin")
    spare.break_glass = True
    db.session.commit()
    client.submit(
        "/staff/sign-in", {"email": spare.email, "password": PASSWORD, "code": code_for(spare)}
    )
    response = client.submit("/staff/sign-out")
    assert response.headers["Location"] == "/staff/signed-out"


def test_the_idle_timeout_still_applies(client, app):
    make_user("coordinator")
    assert through_provider(client, "coordinator").status_code == 303
    fresh_session()
    row = db.session.scalar(select(StaffSession))
    row.last_seen_at = row.last_seen_at.replace(year=row.last_seen_at.year - 1)
    db.session.commit()
    response = client.get("/staff/cases")
    assert response.status_code == 303
    assert sessions() == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OIDC_ISSUER": "https://login.example.org"}, "OIDC_CLIENT_ID, OIDC_CLIENT_SECRET"),
        ({"OIDC_CLIENT_SECRET": "x"}, "OIDC_ISSUER, OIDC_CLIENT_ID"),
        ({"OIDC_ROLE_MAP": "Portal.Admin=superuser"}, "OIDC_ROLE_MAP"),
    ],
)
def test_half_set_single_sign_on_stops_the_portal(monkeypatch, env, message):
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_MAP"):
        monkeypatch.delenv(name, raising=False)
    if "OIDC_ROLE_MAP" in env:
        env = {
            "OIDC_ISSUER": "https://login.example.org",
            "OIDC_CLIENT_ID": "a",
            "OIDC_CLIENT_SECRET": "b",
            **env,
        }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        Settings(env="test").as_flask_config()


def test_an_admin_makes_a_break_glass_account_and_can_undo_it(client, app):
    admin = make_user("admin")
    admin.break_glass = True
    db.session.commit()
    sign_in(client, admin)
    response = client.submit(
        "/staff/accounts/new",
        {"email": "spare@example.org", "name": "Spare", "role": "admin", "break_glass": "yes"},
    )
    assert response.status_code == 200
    fresh_session()
    spare = auth.find_user("spare@example.org")
    assert spare.break_glass
    page = client.get("/staff/accounts")
    assert "Break-glass" in page.get_data(as_text=True)
    token = client.csrf_token("/staff/accounts")
    client.post(f"/staff/accounts/{spare.id}/break-glass", data={"csrf_token": token})
    fresh_session()
    assert not db.session.get(StaffUser, spare.id).break_glass
    assert [e.detail for e in events("staff_break_glass_off")] == [spare.actor]


def test_an_account_for_single_sign_on_has_no_set_up_link(client, app):
    admin = make_user("admin")
    admin.break_glass = True
    db.session.commit()
    sign_in(client, admin)
    response = client.submit(
        "/staff/accounts/new",
        {"email": "new@example.org", "name": "New", "role": "facilitator", "break_glass": "no"},
    )
    assert response.soup.h1.get_text(strip=True) == "Account created"
    assert "/staff/set-up/" not in response.get_data(as_text=True)
    fresh_session()
    assert auth.find_user("new@example.org").setup_token_hash is None


def test_without_single_sign_on_the_account_form_does_not_ask(client, app, monkeypatch):
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        monkeypatch.delenv(name)
    from portal import create_app

    plain = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    plain.test_client_class = type(client)
    browser = plain.test_client()
    sign_in(browser, make_user("admin"))
    page = browser.get("/staff/accounts/new")
    assert not page.soup.find(attrs={"name": "break_glass"})
    assert browser.post("/staff/sign-in/provider").status_code in (400, 404)
    assert not browser.get("/staff/sign-in").soup.find("form", action="/staff/sign-in/provider")


def test_with_redis_the_flow_is_kept_there_for_every_worker(client, app, monkeypatch):
    """Production's store: a sign-in started by one worker finishes at another."""
    import redis

    from portal import create_app

    url = "redis://127.0.0.1:6379/11"
    monkeypatch.setenv("REDIS_URL", url)
    workers = [
        create_app(
            {
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "PUBLIC_BASE_URL": "https://feedback.example.org",
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.test_client_class = type(client)
    first, second = (worker.test_client() for worker in workers)
    make_user("coordinator")
    address = sign_in_at_provider(start(first), "coordinator")
    state = parse_qs(urlsplit(address).query)["state"][0]
    store = redis.Redis.from_url(url)
    assert store.exists(f"_state_provider_{state}")
    second.set_cookie("session", first.get_cookie("session").value)
    assert come_back(second, address).status_code == 303
    assert not store.exists(f"_state_provider_{state}")  # used once
    assert sessions() == 1


def test_production_wants_the_provider_over_https(monkeypatch):
    monkeypatch.setenv("OIDC_ISSUER", "http://login.example.org")
    from portal.config import single_sign_on_settings

    with pytest.raises(ConfigError, match="https"):
        single_sign_on_settings(production=True)


def test_without_a_role_map_the_accounts_role_stands(client, app, monkeypatch):
    monkeypatch.delenv("OIDC_ROLE_MAP")
    from portal import create_app

    plain = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PUBLIC_BASE_URL": "https://feedback.example.org",
        }
    )
    plain.test_client_class = type(client)
    browser = plain.test_client()
    user = make_user("facilitator", email="admin@example.org")
    assert through_provider(browser, "admin").status_code == 303  # the provider says admin
    fresh_session()
    assert db.session.get(StaffUser, user.id).role == "facilitator"
    assert not events("staff_role_changed")
