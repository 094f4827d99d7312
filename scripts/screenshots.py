"""Screenshots of every public page, in each format, at phone and desktop widths.

    .venv/bin/python scripts/screenshots.py screenshots/

writes PNG files such as ``screenshots/standard/375/07-q1.png`` (whole pages, not just the
top of the screen) so anyone can review the pages at a glance. It starts the portal on a
throwaway SQLite database and walks the same journeys as the browser tests (tests/browser),
in English; ``--lang cy`` or ``--lang pl`` for another language, ``--widths 320,desktop`` for
the narrowest screen WCAG's reflow asks for.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["PORTAL_ENV"] = "test"
os.environ.setdefault("SE_AVOID_STATS", "true")

WIDTHS = {"320": 320, "375": 375, "desktop": 1280}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where to write the PNG files")
    parser.add_argument("--lang", default="en", help="language code (default en)")
    parser.add_argument(
        "--widths", default="375,desktop", help=f"comma-separated, of {', '.join(WIDTHS)}"
    )
    args = parser.parse_args()

    from flask_migrate import upgrade

    from portal.questionnaire import FORMATS
    from tests.browser.chromium import start_chromium
    from tests.browser.conftest import LiveServer
    from tests.browser.site import Site, walk

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'screens.db'}"
        live = LiveServer(url)
        with live.app.app_context():
            upgrade()
        live.thread.start()
        driver = start_chromium()
        site = Site(driver, live)
        count = 0
        try:
            for fmt in FORMATS:
                site.reset()
                number = iter(range(1, 1000))

                def shoot(label: str, fmt: str = fmt, number=number) -> None:
                    nonlocal count
                    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
                    name = f"{next(number):02}-{slug}"
                    for folder in args.widths.split(","):
                        width = WIDTHS[folder]
                        site.viewport(width, 800)
                        height = site.run("return document.documentElement.scrollHeight")
                        site.viewport(width, height)
                        out = args.folder / fmt / folder / f"{name}.png"
                        out.parent.mkdir(parents=True, exist_ok=True)
                        driver.save_screenshot(str(out))
                        count += 1
                    site.cdp("Emulation.clearDeviceMetricsOverride")

                walk(site, shoot, args.lang, fmt)
        finally:
            driver.quit()
            live.server.shutdown()
    print(f"wrote {count} screenshots to {args.folder}/")


if __name__ == "__main__":
    main()
