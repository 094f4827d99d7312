"""Every page the browser tests were served passes the Nu Html Checker (vnu-jar from npm, run
with Java) with no errors. The pages are the server's own HTML, kept as it sent them, one file
per distinct page, checked in one batch run. It runs after the other browser tests, so it
includes every page they reached; run alone, it walks every language and format first."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from .site import ROOT
from .walks import FORMATS, LANGUAGES

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def require_checker() -> str:
    """Java's path; fails (never skips) when Java or the checker is missing."""
    java = shutil.which("java")
    if not java:
        pytest.fail("The HTML check needs Java: apt-get install default-jre-headless", False)
    if not VNU.exists():
        pytest.fail(f"The HTML check needs {VNU}: run npm ci", pytrace=False)
    return java


@pytest.mark.after_walks
def test_every_page_is_valid_html(walks, live, tmp_path):
    java = require_checker()
    for lang in LANGUAGES:
        for fmt in FORMATS:
            walks.get(lang, fmt)
    walks.returns()

    names = {}
    for number, (where, body) in enumerate(list(live.pages.values())):
        page = tmp_path / f"page{number:04}.html"
        page.write_text(body, encoding="utf-8")
        names[page.as_uri()] = where
    assert len(names) > 60, f"only {len(names)} pages were served"

    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or "{}").get("messages", [])
    problems = [
        f"{names.get(m.get('url'), m.get('url'))} line {m.get('lastLine')}: {m['message']}"
        f"\n    {m.get('extract', '').strip()[:160]}"
        for m in messages
    ]
    assert not problems, f"{len(problems)} HTML errors in {len(names)} pages:\n" + "\n".join(
        problems[:40]
    )


@pytest.mark.after_walks
def test_every_page_of_the_agency_return_is_valid_html(walks, live, tmp_path):
    """The agency's return alone (its pages are in the check above too)."""
    require_checker()
    walked = walks.returns()
    assert walked.error is None, walked.error
    pages = [(where, body) for where, body in live.pages.values() if " /a/" in where]
    assert len(pages) >= 20, f"only {len(pages)} pages of the return were served"
    problems = vnu_problems(pages, tmp_path)
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems[:40])


def vnu_problems(pages: list[tuple[str, str]], folder) -> list[str]:
    """The Nu Html Checker's errors for (where, body) pages, each named by where it was."""
    names = {}
    for number, (where, body) in enumerate(pages):
        page = folder / f"page{number:04}.html"
        page.write_text(body, encoding="utf-8")
        names[page.as_uri()] = where
    run = subprocess.run(
        [shutil.which("java") or "java", "-jar", str(VNU), "--errors-only", "--format", "json"]
        + [str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or "{}").get("messages", [])
    return [
        f"{names.get(m.get('url'), m.get('url'))} line {m.get('lastLine')}: {m['message']}"
        f"\n    {m.get('extract', '').strip()[:160]}"
        for m in messages
    ]
