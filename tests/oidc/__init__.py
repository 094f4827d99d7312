"""A real OpenID provider for the tests (npm oidc-provider, started by provider.mjs), and the steps
a browser takes through it, done with requests where no browser is needed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
CLIENT_ID = "safeguarding-portal"
CLIENT_SECRET = "test-only-client-secret-for-the-portal"
# The role values an Entra ID app registration would define, as provider.mjs gives them.
ROLE_MAP = (
    "Portal.Admin=admin,Portal.Coordinator=coordinator,"
    "Portal.Facilitator=facilitator,Portal.LearningGroup=learning_group"
)
# The login name (provider.mjs) of a person with each portal role, and their email address.
PEOPLE = {
    "admin": ("admin", "admin@example.org"),
    "coordinator": ("coordinator", "coordinator@example.org"),
    "facilitator": ("facilitator", "facilitator@example.org"),
    "learning_group": ("learning", "learning@example.org"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process = process
        self.issuer = f"http://127.0.0.1:{port}"

    def settings(self) -> dict[str, str]:
        """The portal's environment for single sign-on through this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_ROLE_MAP": ROLE_MAP,
            "OIDC_PROVIDER_NAME": "Test Council ID",
        }

    def next_token(self, fault: str | None) -> None:
        """Make the provider's next ID token wrong in one way (provider.mjs's FAULTS)."""
        response = requests.post(
            f"{self.issuer}/test/next-token", data=json.dumps({"fault": fault}), timeout=5
        )
        response.raise_for_status()


@contextmanager
def running_provider(portal_url: str, port: int | None = None):
    """provider.mjs on ``port`` (or a free one), with the portal at ``portal_url`` as its
    client; stopped afterwards."""
    port = port or free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": f"{portal_url}/staff/sign-in/callback",
        "POST_LOGOUT_REDIRECT_URIS": f"{portal_url}/staff/signed-out",
    }
    process = subprocess.Popen(
        ["node", str(HERE / "provider.mjs")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        provider = Provider(process, port)
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oidc-provider did not start (npm ci?)") from None
                time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_at_provider(authorize_url: str, login: str, browser=None) -> str:
    """What a person does at the provider: open its sign-in page, give their login (the
    development form takes any password), and come back. Returns the address the provider
    sends the browser back to (the portal's callback, with the code and state)."""
    browser = browser or requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)
    form = BeautifulSoup(response.text, "html.parser").find("form")
    action = urljoin(response.url, form["action"])
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    data.update(login=login, password="any password")
    response = browser.post(action, data=data, allow_redirects=False, timeout=10)
    while response.is_redirect:
        target = urljoin(response.url, response.headers["Location"])
        if not target.startswith("http://127.0.0.1"):
            return target
        response = browser.get(target, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider did not send the browser back: {response.status_code}")
