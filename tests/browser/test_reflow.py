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


# A table far wider than any screen, put into the service's home page, in a box that scrolls
# sideways (as the staff pages' app-table-container does) of the kind given: the check must fail
# on anything but a scroll box keyboard users can reach.
WIDE_TABLE = """
const [region, tabindex, boxWidth] = arguments;
const box = document.createElement("div");
box.style.overflowX = "auto";
box.style.position = "relative";
if (region) box.setAttribute("role", "region");
if (region) box.setAttribute("aria-label", "A wide table");
if (tabindex) box.setAttribute("tabindex", "0");
if (boxWidth) box.style.width = boxWidth;
const table = document.createElement("table");
table.className = "govuk-table";
table.style.width = "2000px";
table.innerHTML = "<tr><td class='govuk-table__cell'>Somewhere-very-long-without-spaces</td></tr>";
box.append(table);
document.querySelector("main").append(box);
"""


@pytest.mark.parametrize(
    ("region", "tabindex", "box_width", "fits"),
    [
        (True, True, None, True),  # the staff pages' data_table macro
        (False, False, None, False),  # a box that scrolls, but is not a named region
        (True, False, None, False),  # a region keyboard users cannot reach
        (True, True, "2000px", False),  # the box itself wider than the screen
    ],
)
def test_the_reflow_check_accepts_only_a_wide_table_in_a_keyboard_scroll_box(
    site, region, tabindex, box_width, fits
):
    site.go("/")
    assert not site.reflow(), "the home page fits before the wide table is added"
    site.run(WIDE_TABLE, region, tabindex, box_width)
    problems = site.reflow()
    if fits:
        assert not problems, problems
    else:
        assert any("the page is" in p or "spans" in p for p in problems), problems
        assert len(problems) >= 3, f"each of the three checks fails: {problems}"
