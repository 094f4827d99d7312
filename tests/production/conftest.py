"""The production deployment, started once for these tests, and one Chromium that reaches it
over https by its made-up host name and trusts only its certificate."""

from __future__ import annotations

import pytest

from ..browser.chromium import require_chromium, start_chromium
from ..browser.site import Site
from .deployment import HOST, Deployment


@pytest.fixture(scope="package")
def deployment(tmp_path_factory):
    require_chromium()  # before a minute of starting everything else
    deployment = Deployment(tmp_path_factory.mktemp("production"))
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture(scope="package")
def _driver(deployment):
    driver = start_chromium(
        (
            f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
            # This certificate only, not a blanket "ignore certificate errors".
            f"--ignore-certificate-errors-spki-list={deployment.certificate.spki_sha256}",
        ),
        # The console, to look for mixed-content warnings.
        {"goog:loggingPrefs": {"browser": "ALL"}},
    )
    yield driver
    driver.quit()


@pytest.fixture
def site(deployment, _driver) -> Site:
    """The shared browser as a fresh visitor (no cookies), at https://portal.test:<port>."""
    page = Site(_driver, deployment)
    page.reset()
    _driver.get_log("browser")  # start each test with an empty console
    yield page
    page.reset()
