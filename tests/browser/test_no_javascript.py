"""With JavaScript turned off in the browser, the whole journey works: both routes through it,
the language and format switchers, and the Exit this page button. Clicks and typing like a
person, no scripts filling forms."""

from __future__ import annotations

from .site import agreeing_journey, declining_journey


def test_the_whole_journey_works_without_javascript(site):
    site.javascript(False)
    site.real = True
    seen = []

    def visit(label):
        assert "js-enabled" not in site.find("body").get_attribute("class"), "JavaScript ran"
        assert site.h1(), f"{label}: no heading"
        seen.append(label)

    site.go("/")
    site.prefer("cy", "easy_read")  # the switchers are forms: they work without scripts
    site.prefer("en", "standard")
    agreeing_journey(site, visit, states=False)
    declining_journey(site, visit, states=False)
    assert "confirmation (declined)" in seen and "already sent" in seen

    # Exit this page is a link to /exit: it still leaves at once.
    site.go(site.new_link())
    site.send()
    site.follow(site.find(".govuk-exit-this-page__button"))
    assert site.driver.current_url == site.live.app.config["EXIT_URL"]
