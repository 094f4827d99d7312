"""Reflow (WCAG 1.4.10) and resize text (1.4.4): at 320 CSS pixels wide, with text at 200% as
well, and with text at 200% on a desktop-sized window, no page scrolls sideways, sticks out of
the screen or cuts off its own content. Every public page, language and format, in the same
walks as the axe checks."""

from __future__ import annotations

import pytest

from .walks import FORMATS, LANGUAGES


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_scrolls_sideways_or_hides_content(walks, lang, fmt):
    walked = walks.get(lang, fmt)
    walked.check()
    assert not walked.reflow, "\n".join(walked.reflow)


def test_no_page_of_the_agency_return_scrolls_sideways_or_hides_content(walks):
    walked = walks.returns()
    assert walked.error is None, walked.error
    assert not walked.reflow, "\n".join(walked.reflow)
