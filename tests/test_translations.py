"""Languages: the catalogs are complete and in step with the code, and every public page, message
and letter comes out in the person's language.

Languages are read from the configuration (LANGUAGES), so a new language is tested as soon as its
code is added there and its catalog exists. Until a catalog is complete its tests fail, naming what
is missing.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask import g, render_template

from portal import delivery
from portal.config import ROOT, Settings
from portal.extensions import db
from portal.locale import babel_locale, safe_next, select
from portal.questionnaire import COMMENT_MAX, EASY_READ, STANDARD

from .delivery_support import participant
from .helpers import CONSENT_AGREE, begin, new_link, response_for

SETTINGS = Settings().as_flask_config()
DEFAULT = SETTINGS["BABEL_DEFAULT_LOCALE"]
# Every language but the one the code is written in; each needs a complete catalog.
LANGUAGES = [code for code in SETTINGS["LANGUAGES"] if code != DEFAULT]
FORMATS = (STANDARD, EASY_READ)
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def load_po(path: Path, lang: str | None = None):
    with open(path, "rb") as f:
        return read_po(f, locale=lang)


def catalog(lang: str):
    path = po_path(lang)
    if not path.exists():
        pytest.fail(f"{lang}: no catalog at {path}: run `scripts/translations.sh init {lang}`")
    return load_po(path, lang)


def forms(value) -> list[str]:
    if isinstance(value, (tuple, list)):
        return list(value)
    return [value]


def test_languages_come_from_the_configuration(app):
    assert app.config["LANGUAGES"][0] == DEFAULT
    assert [c for c in app.config["LANGUAGES"] if c != DEFAULT] == LANGUAGES
    for lang in LANGUAGES:
        assert po_path(lang).exists(), f"{lang} is in LANGUAGES but has no catalog"
    on_disk = {p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    assert on_disk <= set(LANGUAGES), f"catalogs not in LANGUAGES: {on_disk - set(LANGUAGES)}"


# --- The catalogs ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_message(lang):
    messages = [m for m in catalog(lang) if m.id]
    untranslated = [m.id for m in messages if not all(forms(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, (
        f"{lang}: {len(untranslated)} of {len(messages)} messages untranslated, e.g. "
        f"{untranslated[:5]}"
    )
    assert not fuzzy, (
        f"{lang}: {len(fuzzy)} fuzzy messages (check, then remove the flag): {fuzzy[:5]}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_every_message_in_messages_pot(lang):
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in load_po(POT) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang) if m.id}
    missing = wanted - have
    assert not missing, (
        f"{lang}: {len(missing)} messages of messages.pot are not in the catalog: run "
        f"`scripts/translations.sh update {lang}` and translate them, e.g. {sorted(missing)[:5]}"
    )


def test_extracting_anew_adds_no_message(tmp_path):
    """Every marked string is in messages.pot: the code has not moved on without the catalogs."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [str(ROOT / "scripts" / "translations.sh"), "extract"],
        check=True,
        env={**os.environ, "POT": str(fresh), "PYBABEL": str(ROOT / ".venv" / "bin" / "pybabel")},
    )
    ids = lambda path: {m.id if isinstance(m.id, str) else m.id for m in load_po(path) if m.id}  # noqa: E731
    new = ids(fresh) - ids(POT)
    assert not new, (
        f"{len(new)} marked strings are not in messages.pot: run `scripts/translations.sh` "
        f"(extract, update, compile) and translate them: {sorted(map(str, new))[:10]}"
    )


def _from_template(message) -> bool:
    return any(path.endswith((".html", ".txt")) for path, _line in message.locations)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(lang):
    problems = []
    for message in catalog(lang):
        if not message.id:
            continue
        ids = forms(message.id)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0])))
        formatted = message.python_format or _from_template(message)
        for text in forms(message.string):
            if not text:
                continue
            found = sorted(set(PLACEHOLDER.findall(text)))
            # A plural form may leave the number out ("one" says it in words); nothing else.
            allowed_missing = {"num", "count"} if len(ids) > 1 else set()
            if set(found) - set(wanted) or set(wanted) - set(found) - allowed_missing:
                problems.append(f"{ids[0]!r}: {found} in {text!r}, want {wanted}")
                continue
            if formatted:
                try:
                    text % {name: "x" for name in wanted}
                except (ValueError, TypeError, KeyError) as error:
                    problems.append(f"{text!r} does not format ({error}); write % as %%")
    assert not problems, f"{lang}: placeholders differ:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_matches_the_catalog(lang):
    """The app reads the compiled .mo; scripts/setup.sh (and scripts/test.sh) compile it."""
    mo = po_path(lang).with_suffix(".mo")
    assert mo.exists(), f"{lang}: {mo} is missing: run `scripts/translations.sh compile`"
    with open(mo, "rb") as f:
        compiled = {tuple(forms(m.id)): tuple(forms(m.string)) for m in read_mo(f) if m.id}
    stale = [
        m.id
        for m in catalog(lang)
        if m.id
        and all(forms(m.string))
        and not m.fuzzy
        and compiled.get(tuple(forms(m.id))) != tuple(forms(m.string))
    ]
    assert not stale, f"{lang}: the .mo is out of date: run `scripts/translations.sh compile`"


# --- Pages ------------------------------------------------------------------------------------


def english_phrases(lang: str) -> list[str]:
    """Runs of 4 or more words from the English messages (placeholders cut out), except those
    the translation itself keeps (names of laws, organisations and products)."""
    translated = " ".join(
        " ".join(forms(m.string)) for m in catalog(lang) if m.id and all(forms(m.string))
    )
    phrases = set()
    for message in load_po(POT):
        for text in forms(message.id) if message.id else ():
            for piece in PLACEHOLDER.split(text.replace("%%", "%"))[::2]:
                piece = " ".join(piece.split()).strip(" ,.:;")
                if len(piece.split()) >= 4 and piece not in translated:
                    phrases.add(piece)
    return sorted(phrases)


def page_words(soup) -> str:
    """The words a person (or their screen reader) meets: text, titles, labels, alternatives and
    the character count's messages, which its script shows."""
    parts = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if name in ("aria-label", "alt", "title", "placeholder") or name.startswith(
                "data-i18n"
            ):
                parts.append(value if isinstance(value, str) else " ".join(value))
    return " ".join(" ".join(parts).split())


def english_left(app, lang: str, soup) -> list[str]:
    words = page_words(soup)
    board = app.config["BOARD"]
    for own in (board.name, board.council, board.area, *board.address, board.email):
        words = words.replace(own, " ")
    return [p for p in english_phrases_cached(lang) if p in words]


_PHRASES: dict[str, list[str]] = {}


def english_phrases_cached(lang: str) -> list[str]:
    if lang not in _PHRASES:
        _PHRASES[lang] = english_phrases(lang)
    return _PHRASES[lang]


def choose(client, lang: str | None = None, fmt: str | None = None, here: str = "/") -> None:
    """Press the switcher on ``here``, as a person would."""
    data = {"csrf_token": client.csrf_token(here), "next": here}
    if lang:
        data["lang"] = lang
    if fmt:
        data["format"] = fmt
    response = client.post("/preferences", data=data)
    assert response.status_code == 302 and response.headers["Location"] == here


def walk(app, client, lang: str, fmt: str):
    """Every public page, in ``lang`` and ``fmt``: the journey as a representative who declines
    and gives anonymous feedback (with every kind of error on the way), as an adult who agrees,
    then the pages around it. Yields (name, response)."""
    choose(client, lang, fmt)
    yield "index", client.get("/")
    yield "link not working", client.get("/r/" + "x" * 22)
    yield "session ended", client.get("/feedback/who")
    yield "not found", client.get("/no-such-page")
    yield "enter your code", client.get("/code")
    yield "enter your code, error", client.submit("/code", {"code": ""})
    yield "enter your code, wrong", client.submit("/code", {"code": "ABCD-EFGH-JKLM"})
    for endpoint, path in (
        ("pages.accessibility", "/accessibility"),
        ("pages.privacy", "/privacy"),
        ("pages.cookies", "/cookies"),
        ("pages.credits", "/credits"),
    ):
        if endpoint in app.view_functions:
            yield path, client.get(path)

    path = new_link(f"CASE-{lang}-{fmt}-1", recipient="representative")
    yield "start", client.get(path)
    begin(client, path)
    yield "who", client.get("/feedback/who")
    yield "who, error", client.submit("/feedback/who", {})
    client.submit("/feedback/who", {"respondent": "representative"})
    yield "representative", client.get("/feedback/representative")
    yield "representative, errors", client.submit("/feedback/representative", {})
    client.submit(
        "/feedback/representative",
        {
            "representative_name": "Alex Example",
            "representative_relationship": "Son",
            "representative_basis": "family",
        },
    )
    yield "consent", client.get("/feedback/consent")
    yield "consent, errors", client.submit("/feedback/consent", {"decision": "agree"})
    client.submit("/feedback/consent", {"decision": "decline"})
    yield "anonymous", client.get("/feedback/anonymous")
    yield "anonymous, error", client.submit("/feedback/anonymous", {})
    client.submit("/feedback/anonymous", {"anonymous_feedback": "yes"})
    for number in range(1, 13):
        yield f"q{number}", client.get(f"/feedback/q{number}")
        if number == 1:
            too_long = {"q1_comment": "a" * (COMMENT_MAX + 1), "q1": "nonsense"}
            yield "q1, errors", client.submit("/feedback/q1", too_long)
        if number == 11:
            yield "q11, error", client.submit("/feedback/q11", {"q11": ["forum", "no"]})
        client.submit(f"/feedback/q{number}", {})
    yield "check", client.get("/feedback/check")
    client.submit("/feedback/check")
    yield "confirmation, declined", client.get("/feedback/confirmation")
    yield "already sent", client.get(path)

    path = new_link(f"CASE-{lang}-{fmt}-2")
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    for number in range(1, 13):
        client.submit(f"/feedback/q{number}", {})
    yield "contact", client.get("/feedback/contact")
    bad = {"contact_email": "not an address", "contact_phone": "12"}
    yield "contact, errors", client.submit("/feedback/contact", bad)
    client.submit("/feedback/contact", {})
    yield "check, agreed", client.get("/feedback/check")
    client.submit("/feedback/check")
    confirmation = client.get("/feedback/confirmation")
    yield "confirmation, agreed", confirmation
    withdraw = next(
        a["href"] for a in confirmation.soup.find_all("a", href=True) if "/w/" in a["href"]
    )
    yield "stop sharing", client.get(withdraw)
    yield "stopped sharing", client.submit(withdraw)


def rendered(app, template: str, lang: str, fmt: str):
    """Error pages that are hard to cause on purpose (too many tries, a broken service, an
    expired form), rendered as their handlers render them."""
    from bs4 import BeautifulSoup

    with app.test_request_context("/"):
        g.lang_override, g.format_override = lang, fmt
        html = render_template(template)
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_is_in_the_language(app, client, lang, fmt):
    problems = []
    seen = 0
    for name, response in walk(app, client, lang, fmt):
        seen += 1
        assert response.status_code not in (302, 303, 500), f"{name}: {response.status_code}"
        soup = response.soup
        html_lang = soup.html.get("lang")
        if html_lang != lang:
            problems.append(f"{name}: <html lang={html_lang!r}>")
        left = english_left(app, lang, soup)
        if left:
            problems.append(f"{name}: English left: {left[:3]}")
    for template in (
        "errors/400.html",
        "errors/429.html",
        "errors/500.html",
        "errors/session_expired.html",
        "public/session_ended.html",
    ):
        soup = rendered(app, template, lang, fmt)
        assert soup.html.get("lang") == lang, template
        left = english_left(app, lang, soup)
        if left:
            problems.append(f"{template}: English left: {left[:3]}")
    assert seen > 40
    assert not problems, f"{lang} ({fmt}): {len(problems)} pages not fully in {lang}:\n" + (
        "\n".join(problems[:25])
    )


def test_english_pages_are_found_out(app, client):
    """The check above finds English when it is there (so a pass means something)."""
    page = client.get("/")
    assert page.soup.html["lang"] == DEFAULT
    for lang in LANGUAGES:
        assert english_left(app, lang, page.soup)


def test_switcher_names_each_language_in_itself(client):
    from portal.languages import OWN_NAMES as LANGUAGE_NAMES

    page = client.get("/")
    switcher = page.soup.find("nav", class_="app-switcher")
    for code in SETTINGS["LANGUAGES"]:
        item = switcher.find(attrs={"lang": code})
        assert item is not None, f"no switcher entry for {code}"
        assert item.get_text(strip=True) == LANGUAGE_NAMES[code]
    current = switcher.find(attrs={"aria-current": "true"})
    assert current["lang"] == DEFAULT


# --- Choosing a language -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_switching_language_mid_journey_keeps_every_answer(app, client, lang):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    client.submit("/feedback/q1", {"q1": "always", "q1_comment": "They listened"})
    client.submit("/feedback/q2", {"q2": "a_lot"})

    choose(client, lang=lang, here="/feedback/q1")
    page = client.get("/feedback/q1")
    assert page.soup.html["lang"] == lang
    assert page.soup.find("input", attrs={"name": "q1", "value": "always"}).has_attr("checked")
    assert page.soup.find("textarea", attrs={"name": "q1_comment"}).get_text() == "They listened"
    choose(client, fmt=EASY_READ, here="/feedback/q2")
    page = client.get("/feedback/q2")
    assert page.soup.html["lang"] == lang
    assert page.soup.find("input", attrs={"name": "q2", "value": "a_lot"}).has_attr("checked")
    consent = client.get("/feedback/consent").soup
    assert consent.find("input", attrs={"name": "signature"})["value"] == "Sam Example"

    client.submit("/feedback/q3", {"q3": "all"})
    response = response_for(path)
    assert response.language == lang  # the language used is stored with the response
    assert {a.question_id: a.codes for a in response.answers}["q1"] == "always"
    for number in range(4, 13):
        client.submit(f"/feedback/q{number}", {})
    client.submit("/feedback/contact", {})
    text = client.get("/feedback/check").soup.get_text(" ")
    assert "They listened" in text
    choose(client, lang=DEFAULT, here="/feedback/check")
    client.submit("/feedback/check")
    response = response_for(path)
    assert response.status == "submitted" and response.language == DEFAULT
    assert {a.question_id: a.codes for a in response.answers}["q2"] == "a_lot"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_invitations_language_is_the_default(app, client, lang):
    person = participant("email", language=lang, reference="CASE-LANG")
    from portal import links

    _invitation, token = links.issue(person, actor="test")
    db.session.commit()
    path = f"/r/{token}"
    assert client.get(path).soup.html["lang"] == lang
    begin(client, path)
    page = client.get("/feedback/who")
    assert page.soup.html["lang"] == lang  # and it lasts for the visit
    client.submit("/feedback/who", {"respondent": "adult"})
    assert response_for(path).language == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_choice_already_made_beats_the_invitations_language(app, client, lang):
    person = participant("email", language=lang, reference="CASE-CHOSEN")
    from portal import links

    _invitation, token = links.issue(person, actor="test")
    db.session.commit()
    choose(client, lang=DEFAULT)
    assert client.get(f"/r/{token}").soup.html["lang"] == DEFAULT


def test_only_supported_languages_are_accepted(app, client):
    for bad in ("xx", "../en", "EN", "cy-GB", "", "en;q=1"):
        client.post(
            "/preferences", data={"csrf_token": client.csrf_token("/"), "lang": bad, "next": "/"}
        )
        with client.session_transaction() as session:
            assert session.get("lang") in (None, *SETTINGS["LANGUAGES"])
        assert client.get("/").soup.html["lang"] == DEFAULT
    with app.test_request_context("/"):
        g.lang_override = "xx"
        assert str(select()) == babel_locale(DEFAULT)


def test_the_switch_goes_back_only_to_this_site(client):
    for target, expected in (
        ("/feedback/q1?change=1", "/feedback/q1?change=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ):
        response = client.post(
            "/preferences",
            data={"csrf_token": client.csrf_token("/"), "lang": "en", "next": target},
        )
        assert response.headers["Location"] == expected, target
        assert safe_next(target) == expected


def test_switching_needs_the_forms_token(client):
    response = client.post("/preferences", data={"lang": LANGUAGES[0] if LANGUAGES else "en"})
    assert response.status_code == 400


def test_staff_pages_stay_in_english(app):
    with app.test_request_context("/staff/sign-in"):
        from flask import request

        assert request.blueprint == "staff"
        from flask import session

        session["lang"] = LANGUAGES[0] if LANGUAGES else DEFAULT
        assert str(select()) == babel_locale(DEFAULT)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dates_and_numbers_follow_the_language(app, client, lang):
    path = new_link()
    begin(client, path)
    choose(client, lang=lang, here="/feedback/who")
    client.submit("/feedback/who", {"respondent": "adult"})
    consent = client.get("/feedback/consent").soup.get_text(" ")
    flat = lambda text: " ".join(text.split())  # noqa: E731  (no-break spaces too)
    assert flat(babel_format_date(date.today(), "long", locale=lang)) in flat(consent)
    client.submit("/feedback/consent", CONSENT_AGREE)
    errors = client.submit("/feedback/q1", {"q1_comment": "a" * (COMMENT_MAX + 1)})
    text = " ".join(errors.soup.get_text(" ").split())
    assert flat(format_decimal(COMMENT_MAX, locale=lang)) in text
    count = errors.soup.find(attrs={"data-module": "govuk-character-count"})
    assert "%{count}" in count.get("data-i18n.characters-under-limit.other", "")


def test_english_numbers_have_separators(client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    errors = client.submit("/feedback/q1", {"q1_comment": "a" * (COMMENT_MAX + 1)})
    assert "2,000 characters or fewer" in errors.soup.get_text(" ")


# --- Messages and letters -----------------------------------------------------------------------


def _text(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_messages_and_letters_go_out_in_the_adults_language(app, lang, fmt):
    problems = []
    for channel in ("email", "text", "letter"):
        person = participant(channel, language=lang, format=fmt)
        from portal import links

        invitation, token = links.issue(person, actor="test")
        for message in (
            delivery.queue_invitation(invitation, token, actor="test"),
            delivery.queue_reminder(invitation, actor="test"),
        ):
            assert message.language == lang
            if message.letter_html:
                soup = _text(message.letter_html)
                assert soup.html["lang"] == lang
            else:
                soup = _text(f"<p>{message.subject or ''}</p><p>{message.body}</p>")
            left = english_left(app, lang, soup)
            if left:
                problems.append(f"{message.kind} by {channel}: English left: {left[:3]}")
    person = participant("email", language=lang, format=fmt)
    feedback = delivery.queue_feedback(person, "Findings.", "Next steps.", actor="test")
    for html in (feedback.letter_html, f"<p>{feedback.subject}</p><p>{feedback.body}</p>"):
        left = english_left(app, lang, _text(html))
        if left:
            problems.append(f"feedback: English left: {left[:3]}")
    db.session.rollback()
    assert not problems, f"{lang} ({fmt}):\n" + "\n".join(problems)


def test_messages_do_not_change_the_language_around_them(app):
    """A message queued in a staff request is in the adult's language; the page around it is
    not."""
    person = participant("email", language=LANGUAGES[0] if LANGUAGES else DEFAULT)
    from flask_babel import get_locale

    from portal import links

    invitation, token = links.issue(person, actor="test")
    with app.test_request_context("/"):
        delivery.queue_invitation(invitation, token, actor="test")
        assert str(get_locale()) == babel_locale(DEFAULT)
    db.session.rollback()


def test_english_dates_are_written_the_british_way(app, client):
    begin(client, new_link())
    client.submit("/feedback/who", {"respondent": "adult"})
    consent = client.get("/feedback/consent").soup.get_text(" ")
    assert re.search(r"Date: \d{1,2} [A-Z][a-z]+ \d{4}", consent), "day month year"
