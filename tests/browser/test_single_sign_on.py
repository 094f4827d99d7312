"""Staff sign-in through a real OpenID provider (npm oidc-provider, tests/oidc) in Chromium: the
sign-in page with single sign-on passes axe and is usable by keyboard alone; a coordinator signs
in at the provider's own login form and out again through its end-session page; the refusal
and failure pages pass axe."""

from __future__ import annotations

import threading

import pytest
from selenium.webdriver.common.by import By

from portal.extensions import db

from ..conftest import _empty_tables
from ..oidc import free_port, running_provider
from ..staff_helpers import make_user
from .conftest import LiveServer
from .site import Site, describe
from .test_keyboard import Keyboard


@pytest.fixture(scope="module")
def sso_site(_database, _driver):
    """A portal of its own with single sign-on on, and the provider it trusts."""
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OIDC_ISSUER", f"http://127.0.0.1:{port}")
        env.setenv("OIDC_CLIENT_ID", "safeguarding-portal")
        env.setenv("OIDC_CLIENT_SECRET", "test-only-client-secret-for-the-portal")
        env.setenv("OIDC_PROVIDER_NAME", "Test Council ID")
        live = LiveServer(_database)
    with running_provider(live.url, port) as provider:
        assert provider.settings()["OIDC_CLIENT_ID"] == live.app.config["OIDC_CLIENT_ID"]
        thread = threading.Thread(target=live.server.serve_forever, daemon=True)
        thread.start()
        site = Site(_driver, live)
        site.reset()
        yield site
        site.reset()
        live.server.shutdown()
    with live.app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def no_axe_violations(site: Site) -> None:
    violations = site.axe()
    assert not violations, f"{site.path}:\n{describe(violations)}"


def test_a_coordinator_signs_in_and_out_through_the_provider_by_keyboard(sso_site):
    site = sso_site
    with site.live.app.app_context():
        make_user("coordinator")
    site.go("/staff/sign-in")
    no_axe_violations(site)
    keys = Keyboard(site)
    keys.activate("form[action='/staff/sign-in/provider'] button")
    # The provider's own development login form: any password.
    assert site.driver.current_url.startswith(site.live.app.config["OIDC_ISSUER"])
    site.find("input[name=login]").send_keys("coordinator")
    site.find("input[name=password]").send_keys("any password")
    old = site.find("html")
    site.find("button[type=submit]").click()
    site.wait_for_new_page(old)
    site.expect("/staff/cases")
    no_axe_violations(site)
    old = site.find("html")
    site.find("form[action='/staff/sign-out'] button").click()
    site.wait_for_new_page(old)
    # The provider asks whether to sign out of it too.
    assert site.driver.current_url.startswith(site.live.app.config["OIDC_ISSUER"])
    old = site.find("html")
    site.find("button[autofocus], button[type=submit]").click()
    site.wait_for_new_page(old)
    site.expect("/staff/signed-out")
    site.go("/staff/cases")
    site.expect("/staff/sign-in")


def test_refusal_pages_pass_axe(sso_site):
    site = sso_site
    site.reset()
    site.go("/staff/sign-in")
    site.find("form[action='/staff/sign-in/provider'] button").click()
    site.find("input[name=login]").send_keys("stranger")
    site.find("input[name=password]").send_keys("any password")
    old = site.find("html")
    site.find("button[type=submit]").click()
    site.wait_for_new_page(old)
    assert site.h1() == "You cannot sign in to this service"
    no_axe_violations(site)
    site.go("/staff/sign-in/callback?code=made-up&state=made-up")
    assert site.h1() == "Signing in did not work"
    no_axe_violations(site)
    assert not site.driver.find_elements(By.CSS_SELECTOR, "form[action='/staff/sign-out']")
