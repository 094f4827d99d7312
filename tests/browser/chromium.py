"""Debian's headless Chromium under Selenium, started the same way by every browser test.

A missing browser or driver fails the test with a clear message. It never skips: a green run
must mean the pages were checked in a real browser.
"""

from __future__ import annotations

import os
import shutil

import pytest

from .site import Site

os.environ.setdefault("SE_AVOID_STATS", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=en-GB",
)


def require_chromium() -> None:
    """Fail (never skip) when Chromium or its driver is missing."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        pytest.fail(
            f"Browser tests need Chromium and its driver; missing: {', '.join(missing)}. "
            "Install them with scripts/setup.sh (as root) or "
            "`apt-get install chromium chromium-driver`.",
            pytrace=False,
        )


def start_chromium(extra_flags: tuple[str, ...] = (), capabilities: dict | None = None):
    """A new headless Chromium at the desktop window size, with FLAGS and ``extra_flags``, and
    any extra WebDriver ``capabilities`` (such as ``goog:loggingPrefs``)."""
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + tuple(extra_flags):
        options.add_argument(flag)
    for name, value in (capabilities or {}).items():
        options.set_capability(name, value)
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except WebDriverException as error:
        pytest.fail(f"Chromium would not start: {error.msg}", pytrace=False)
    driver.set_window_size(*Site.DESKTOP)
    return driver
