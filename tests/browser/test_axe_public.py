"""axe-core in Chromium on every public page, in every language and format the portal offers,
empty, with errors and filled in: zero violations of WCAG 2.0, 2.1 and 2.2 A and AA, of axe's
best practices, and of WCAG 2 AAA (enhanced contrast, 7:1). The agency's return is held to AA,
in GOV.UK's colours as on staff pages."""

from __future__ import annotations

import pytest

from .walks import FORMATS, LANGUAGES


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_passes_axe(walks, lang, fmt):
    walked = walks.get(lang, fmt)
    walked.check()
    assert not walked.axe, "\n".join(walked.axe)


def test_every_page_of_the_agency_return_passes_axe(walks):
    walked = walks.returns()
    assert walked.error is None, walked.error
    assert len(walked.seen) >= 25, walked.seen
    assert not walked.axe, "\n".join(walked.axe)
