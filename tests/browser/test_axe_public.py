"""axe-core in Chromium on every public page, in every language and format the portal offers,
empty, with errors and filled in: zero violations of WCAG 2.0, 2.1 and 2.2 A and AA and of axe's
best practices."""

from __future__ import annotations

import pytest

from portal.config import Settings
from portal.questionnaire import FORMATS

from .site import describe, walk

LANGUAGES = Settings().as_flask_config()["LANGUAGES"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_passes_axe(site, lang, fmt):
    problems, seen = [], []

    def visit(label):
        seen.append(label)
        violations = site.axe()
        if violations:
            problems.append(f"{label} ({site.path}):\n{describe(violations)}")

    walk(site, visit, lang, fmt)
    assert len(seen) > 40, seen
    assert not problems, "\n".join(problems)
