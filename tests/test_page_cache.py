"""Question pages come from a cache of rendered markup, filled in per request. They must be
exactly what a full render gives, and never carry one person's answers into another's page."""

from __future__ import annotations

import re

import pytest
from jinja2 import ChoiceLoader, DictLoader

from portal.journey.page_cache import PageCache
from portal.questionnaire import QUESTION_IDS

from .helpers import CONSENT_AGREE, answer_questions, begin, new_link

VOLATILE = re.compile(r'(nonce="|nonce-|name="csrf_token" value=")[^"\']+')


def _normalised(html: str) -> str:
    return VOLATILE.sub(r"\1X", html)


def _filled_journey(client, comment: str) -> str:
    """Every page up to check answers saved, with ``comment`` in free text; the link's path."""
    link = new_link(reference=comment[:10])
    begin(client, link)
    client.submit("/feedback/who", {"respondent": "representative"})
    client.submit(
        "/feedback/representative",
        {
            "representative_name": comment,
            "representative_relationship": "Friend",
            "representative_basis": "family",
        },
    )
    client.submit("/feedback/consent", {**CONSENT_AGREE, "restrictions": comment})
    answer_questions(
        client,
        {
            "q1": {"q1": "quite_a_bit", "q1_comment": comment},
            "q11": {"q11": ["forum", "know_more"]},
            "q12": {"q12_comment": comment},
        },
    )
    client.submit("/feedback/contact", {"contact_email": "a@example.com"})
    return link


@pytest.mark.parametrize(
    ("fmt", "lang"), [("standard", "en"), ("easy_read", "en"), ("standard", "cy")]
)
def test_cached_pages_equal_a_full_render(app, client, fmt, lang):
    _filled_journey(client, 'Tricky <b>"answer"</b> & more')
    client.submit("/preferences", {"format": fmt, "lang": lang, "next": "/"})
    for page in ("who", "representative", "consent", *QUESTION_IDS, "contact"):
        for path in (f"/feedback/{page}", f"/feedback/{page}?change=1", f"/feedback/{page}?x=<y>"):
            app.config["PAGE_CACHE"] = True
            cached = client.get(path).get_data(as_text=True)
            cached_again = client.get(path).get_data(as_text=True)
            app.config["PAGE_CACHE"] = False
            full = client.get(path).get_data(as_text=True)
            assert _normalised(cached) == _normalised(full), path
            assert cached != cached_again  # a fresh nonce each time
    app.config["PAGE_CACHE"] = True


def _same_as_a_full_render(app, client, path: str) -> None:
    app.config["PAGE_CACHE"] = True
    cached = client.get(path).get_data(as_text=True)
    cached_again = client.get(path).get_data(as_text=True)
    app.config["PAGE_CACHE"] = False
    full = client.get(path).get_data(as_text=True)
    app.config["PAGE_CACHE"] = True
    assert _normalised(cached) == _normalised(full), path
    assert cached != cached_again  # a fresh nonce each time


@pytest.mark.parametrize(
    ("fmt", "lang"), [("standard", "en"), ("easy_read", "en"), ("standard", "cy")]
)
@pytest.mark.parametrize("decision", ["agree", "decline"])
def test_pages_without_forms_equal_a_full_render(app, client, fmt, lang, decision):
    """The link's page, check answers and the confirmation come from the cache too, with the
    person's answers, reference and stop-sharing link put in per request."""
    link = _filled_journey(client, 'Tricky <b>"answer"</b> & more')
    if decision == "decline":
        client.submit("/feedback/consent", {"decision": "decline"})
        client.submit("/feedback/anonymous", {"anonymous_feedback": "yes"})
    client.submit("/preferences", {"format": fmt, "lang": lang, "next": "/"})
    for path in (link, "/feedback/check"):
        _same_as_a_full_render(app, client, path)
    assert "Tricky &lt;b&gt;&#34;answer&#34;&lt;/b&gt; &amp; more" in client.get(
        "/feedback/check"
    ).get_data(as_text=True)
    client.submit("/feedback/check")
    _same_as_a_full_render(app, client, "/feedback/confirmation")
    page = client.get("/feedback/confirmation").get_data(as_text=True)
    assert ("/w/" in page) == (decision == "agree")  # the stop-sharing link, if consent was given


def test_answers_never_cross_between_people(app, client):
    other = app.test_client()
    _filled_journey(client, "Alpha answer")
    _filled_journey(other, "Bravo answer")
    mine = client.get("/feedback/q1")
    theirs = other.get("/feedback/q1")
    assert mine.soup.find("textarea").get_text() == "Alpha answer"
    assert theirs.soup.find("textarea").get_text() == "Bravo answer"
    assert "Bravo" not in mine.get_data(as_text=True)
    q11 = client.get("/feedback/q11").soup
    ticked = sorted(i["value"] for i in q11.select("input[type=checkbox][checked]"))
    assert ticked == ["forum", "know_more"]


def test_saved_text_is_escaped_in_cached_pages(client):
    _filled_journey(client, "<script>alert(1)</script>")
    page = client.get("/feedback/q1")
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
    assert page.soup.find("textarea").get_text() == "<script>alert(1)</script>"


def test_a_page_is_rendered_once_per_set_of_values_it_reads(app, client):
    cache = app.extensions["page_cache"]
    _filled_journey(client, "An answer")
    client.get("/feedback/q1")
    pages = len(cache)
    client.get("/feedback/q1")
    assert len(cache) == pages  # nothing made afresh per request is in the key
    client.submit("/preferences", {"lang": "cy", "next": "/"})
    client.get("/feedback/q1")
    assert len(cache) == pages + 1


def test_the_key_holds_every_variable_the_template_reads(app):
    """Nobody lists what the key holds: a variable a template starts to read (here one a new
    context processor gives, read beside an included template's) is in the key by itself."""
    extra = {"new_value": "one"}
    app.context_processor(lambda: dict(extra))
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"probe.html": "{% include 'public/_switchers.html' %}{{ new_value }}"}),
            app.jinja_env.loader,
        ]
    )
    cache = PageCache()
    with app.test_request_context("/feedback/q1"):
        reads = cache.reads("probe.html")
        assert {"new_value", "current_lang", "language_names"} <= set(reads)
        first = cache.key("probe.html", {})
        assert cache.key("probe.html", {}) == first
        extra["new_value"] = "two"
        assert cache.key("probe.html", {}) != first
