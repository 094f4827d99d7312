"""Easy Read: the whole adult journey in Easy Read, with pictures, from the same definition.

The wording rules are the Department of Health's and Mencap's: one idea per sentence, 15 words
or fewer, no acronyms. Pictures are decorative (alt=""), because the words beside them say the
same thing.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale

from portal.answers.forms import MESSAGES
from portal.config import ROOT
from portal.easy_read import definition_texts, page_texts, pictures_used
from portal.extensions import db
from portal.languages import CODES as LANGUAGE_CODES
from portal.questionnaire import EASY_READ, FACES, QUESTIONS, STANDARD, STEPS
from portal.services.cases import create_case
from portal.services.invitations import invite
from portal.wording import say

from .helpers import CONSENT_AGREE, response_for

MAX_WORDS = 15
PICTURES = ROOT / "static" / "easy_read"
FACE_FILES = ROOT / "templates" / "public" / "faces"
# Words in capitals that are not acronyms.
NOT_ACRONYMS = {"I", "OK"}


def easy_link(reference: str = "CASE-ER", recipient: str = "adult", fmt: str = EASY_READ) -> str:
    case = create_case(reference)
    link = invite(case, recipient, name="Sam Example", format=fmt)
    db.session.commit()
    return urlsplit(link).path


def sentences(text: str) -> list[str]:
    text = " ".join(str(text).split())
    # A full stop inside an address (name@example.com) or a number does not end a sentence.
    parts = re.split(r"(?<=[.?!])\s+(?=[^a-z])", text)
    return [p for p in parts if p.strip()]


def too_long(text: str) -> list[str]:
    return [s for s in sentences(text) if len(s.split()) > MAX_WORDS]


def acronyms(text: str) -> list[str]:
    words = re.findall(r"\b[A-Z]{2,}\b", text)
    return [w for w in words if w not in NOT_ACRONYMS]


def fill(text) -> str:
    """Easy Read words with every placeholder filled, as a page would show them."""
    if not has_request_context():
        with current_app.test_request_context():
            return fill(text)
    # The option an "only this one" message names, in the language being checked.
    exclusive = next(
        o.text for s in STEPS.values() for f in s.fields for o in f.options if o.exclusive
    )
    longest_name = max(
        (say(f.name, EASY_READ) for s in STEPS.values() for f in s.fields if f.name), key=len
    )
    return say(
        text,
        EASY_READ,
        count="12",
        phone="01392 383000",
        name=longest_name,
        max="2,000",
        option=say(exclusive, EASY_READ).rstrip("."),
    )


def main_words(soup: BeautifulSoup) -> list[str]:
    """The Easy Read words on a page: headings, blocks, labels, hints and messages (not the
    person's own answers, nor links such as an email address)."""
    main = soup.select_one("main")
    selectors = (
        "h1, h2, .app-er-block__words p, .app-er-label__words, .govuk-hint, "
        ".govuk-error-message, .govuk-error-summary__list a, .govuk-checkboxes__label"
    )
    found = []
    for element in main.select(selectors):
        hidden = element.select("a[href^='mailto:'], a[href^='tel:'], .govuk-visually-hidden")
        for part in hidden:
            part.decompose()
        found.append(" ".join(element.get_text(" ").split()))
    return found


def assert_easy_read_page(page, min_pictures: int = 1) -> BeautifulSoup:
    """An Easy Read page: the Easy Read styles, pictures beside the words (decorative), every
    sentence 15 words or fewer, and no acronyms."""
    soup = page.soup
    assert "app-easy-read" in soup.body["class"], page.request.path
    pictures = soup.select("main img.app-er-picture")
    faces = soup.select("main .app-er-face")
    assert len(pictures) + len(faces) >= min_pictures, page.request.path
    for img in pictures:
        assert img["alt"] == "", img
        name = Path(unquote(urlsplit(img["src"]).path)).name
        assert (PICTURES / name).is_file(), name
    for face in faces:
        assert face_in(face.parent) in FACES
    for words in main_words(soup):
        assert not too_long(words), (page.request.path, too_long(words))
        assert not acronyms(words), (page.request.path, words)
    return soup


def face_in(label) -> str | None:
    """Which of the feeling scales' faces a label draws inline (the face's file, drawn in the
    page), hidden from screen readers."""
    svg = label.select_one(".app-er-picture.app-er-face > svg")
    if svg is None:
        return None
    assert svg["aria-hidden"] == "true" and svg["focusable"] == "false"
    for name in FACES:
        drawn = BeautifulSoup((FACE_FILES / f"{name}.svg").read_text(), "html.parser").svg
        if str(drawn) == str(svg):
            return name
    raise AssertionError(f"a face that is none of FACES: {svg}")


def option_labels(soup: BeautifulSoup, field_id: str) -> dict[str, str]:
    """Each radio or checkbox's value and the words of its label."""
    labels = {}
    for box in soup.select(f"input[name='{field_id}']"):
        label = soup.select_one(f"label[for='{box['id']}']")
        labels[box["value"]] = " ".join(label.get_text(" ").split())
    return labels


# --- The definition -------------------------------------------------------------------------


def test_every_text_in_the_definition_has_easy_read_wording():
    missing = [where for where, words in definition_texts() if words is None]
    assert missing == []


def test_every_step_field_and_option_has_a_picture():
    missing = []
    for step in STEPS.values():
        if not step.picture:
            missing.append(step.id)
        missing += [f"{step.id}.intro{i}" for i, p in enumerate(step.intro) if not p.picture]
        for spec in step.fields:
            missing += [f"{spec.id}.{o.code}" for o in spec.options if not o.picture]
            if spec.kind in ("text", "textarea", "email", "phone") and not spec.picture:
                missing.append(spec.id)
    assert missing == []


def test_easy_read_options_are_the_standard_option_codes(app):
    """Both forms are counted together: same questions, same codes, in the same order, each
    with its own words in each form."""
    with app.test_request_context():
        for step in QUESTIONS:
            for spec in step.fields:
                if not spec.options:
                    continue
                codes = [o.code for o in spec.options]
                assert len(set(codes)) == len(codes)
                easy = [say(o.text, EASY_READ) for o in spec.options]
                standard = [say(o.text, STANDARD) for o in spec.options]
                assert all(easy) and all(standard)
                assert len(set(easy)) == len(easy), step.id


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("source", ["definition", "pages", "messages"])
def test_every_easy_read_sentence_has_15_words_or_fewer(app, source, lang):
    with app.test_request_context(), force_locale(lang):
        if source == "definition":
            texts = list(definition_texts())
        elif source == "pages":
            texts = list(page_texts())
        else:
            texts = [(str(m.standard), m.easy) for m in MESSAGES]
        assert texts
        long = [(where, s) for where, words in texts for s in too_long(fill(words))]
        assert long == []
        found = [(where, acronyms(fill(words))) for where, words in texts if acronyms(fill(words))]
        assert found == []


def test_the_sentence_rule_is_checked():
    assert too_long("One two three. " + " ".join(["word"] * 16) + ".")
    assert not too_long("Check your email address. It should look like name@example.com")
    assert acronyms("Advocate or IMCA") == ["IMCA"]


# --- The pictures and credits ---------------------------------------------------------------


def test_only_the_pictures_used_are_served_and_none_has_scripts():
    used = {f"{name}.svg" for name in pictures_used()}
    served = {p.name for p in PICTURES.glob("*.svg")}
    assert used == served
    for path in PICTURES.glob("*.svg"):
        svg = path.read_text().lower()
        assert "<script" not in svg and "javascript:" not in svg and "<foreignobject" not in svg
        assert not re.search(r"\son[a-z]+\s*=", svg), path.name
        assert "http://" not in svg.replace("http://www.w3.org/", "")


def test_pictures_are_stored_small():
    """Each later page's budget is 10 KB (BENCHMARKS.md) and some pages show five new pictures:
    pictures are kept through `npm run pictures` (whole-number coordinates, no editor
    leftovers) and carry no embedded fonts, which one Mulberry file did (31 of its 32 KB)."""
    for path in PICTURES.glob("*.svg"):
        svg = path.read_text()
        assert "@font-face" not in svg and "base64" not in svg, path.name
        assert not re.search(r'\sd="[^"]*\d\.\d', svg), f"{path.name}: run npm run pictures"
        assert len(svg.encode()) <= 14_000, path.name


def test_credits_page_gives_the_licence_and_lists_every_picture(client):
    page = client.get("/credits")
    assert page.status_code == 200
    text = " ".join(page.soup.get_text(" ").split())
    assert "Mulberry Symbols, (c) Steve Lee, CC BY-SA 4.0" in text
    assert "mulberrysymbols.org" in text and "not changed" in text
    for name in pictures_used():
        assert name in text
    # The footer links to it.
    assert page.soup.select_one("footer a[href='/credits'], .govuk-footer a[href='/credits']")


# --- The journey in Easy Read ---------------------------------------------------------------


def test_the_whole_journey_in_easy_read(client):
    path = easy_link()
    start = client.get(path)
    soup = assert_easy_read_page(start, min_pictures=8)
    text = soup.get_text(" ")
    assert "This check is called an audit." in text
    assert "Then we ask you 12 questions." in text
    assert "Call us on" in text and "Call 999." in text

    client.submit(path)
    page = client.get("/feedback/who")
    soup = assert_easy_read_page(page, min_pictures=3)
    assert option_labels(soup, "respondent") == {
        "adult": "Me. The safeguarding was about me.",
        "representative": "I am filling it in for someone else.",
    }
    # Leaving it empty gives the Easy Read message.
    error = client.submit("/feedback/who", {})
    assert "Choose who is filling in this form." in assert_easy_read_page(error).get_text()
    client.submit("/feedback/who", {"respondent": "adult"})

    page = client.get("/feedback/consent")
    soup = assert_easy_read_page(page, min_pictures=8)
    heading = " ".join(soup.select_one("h1").get_text(" ").split())
    assert heading == "Can we share your information?"
    for statement in STEPS["consent"].intro:
        assert fill(statement) in " ".join(soup.get_text(" ").split())
    error = client.submit("/feedback/consent", {"decision": "agree"})
    messages = [a.get_text() for a in error.soup.select(".govuk-error-summary__list a")]
    assert "Type your full name to sign the form." in messages
    assert_easy_read_page(error)
    assert client.submit("/feedback/consent", CONSENT_AGREE).status_code == 302

    for step in QUESTIONS:
        page = client.get(f"/feedback/{step.id}")
        soup = assert_easy_read_page(page, min_pictures=1 + len(step.main.options))
        heading = " ".join(soup.select_one("h1").get_text(" ").split())
        assert heading == fill(step.title)
        # The h1 carries the question's picture.
        assert soup.select_one("h1 img.app-er-picture")
        if step.main.options:
            labels = option_labels(soup, step.main.id)
            assert list(labels) == [o.code for o in step.main.options]
            assert list(labels.values()) == [fill(o.text) for o in step.main.options]
            for option in step.main.options:
                box = soup.select_one(f"input[name='{step.main.id}'][value='{option.code}']")
                if option.picture in FACES:
                    assert face_in(soup.select_one(f"label[for='{box['id']}']")) == option.picture
                    continue
                img = soup.select_one(f"label[for='{box['id']}'] img")
                src = urlsplit(img["src"])
                assert src.path.endswith(f"/{option.picture}.svg")
                assert src.query.startswith("v="), "pictures are cached for a year: hashed URLs"
        answer = {}
        if step.main.kind == "radios":
            answer = {step.id: step.main.options[0].code}
        elif step.main.kind == "checkboxes":
            answer = {step.id: [step.main.options[0].code]}
        assert client.submit(f"/feedback/{step.id}", answer).status_code == 302

    page = client.get("/feedback/contact")
    assert_easy_read_page(page, min_pictures=8)
    bad = client.submit("/feedback/contact", {"contact_email": "sam@", "contact_phone": "12"})
    text = assert_easy_read_page(bad).get_text(" ")
    assert "Check your email address." in text and "Check your phone number." in text
    client.submit("/feedback/contact", {"contact_phone": "07700 900 982"})

    check = client.get("/feedback/check")
    soup = assert_easy_read_page(check, min_pictures=2)
    text = " ".join(soup.get_text(" ").split())
    assert "People always listened to me." in text  # answers shown in Easy Read words
    assert client.submit("/feedback/check").status_code == 302

    done = client.get("/feedback/confirmation")
    text = " ".join(assert_easy_read_page(done, min_pictures=5).get_text(" ").split())
    assert "We will share your views at the audit meeting." in text

    response = response_for(path)
    assert response.status == "submitted" and response.format == EASY_READ
    assert {a.question_id: a.codes for a in response.answers}["q6"] == "very_happy"

    again = client.get(path)
    assert "We have your answers." in assert_easy_read_page(again).get_text()


def test_representative_and_declining_in_easy_read(client):
    path = easy_link(recipient="representative")
    client.submit(path)
    client.submit("/feedback/who", {"respondent": "representative"})
    page = client.get("/feedback/representative")
    soup = assert_easy_read_page(page, min_pictures=8)
    assert "An advocate helps someone say what they want." in soup.get_text()
    assert "IMCA" not in soup.get_text()
    client.submit(
        "/feedback/representative",
        {
            "representative_name": "Alex Carer",
            "representative_relationship": "Son",
            "representative_basis": "advocate",
        },
    )
    page = client.get("/feedback/consent")
    assert "How do you know the person?" in assert_easy_read_page(page).get_text()
    client.submit("/feedback/consent", {"decision": "decline"})
    page = client.get("/feedback/anonymous")
    soup = assert_easy_read_page(page, min_pictures=3)
    assert option_labels(soup, "anonymous_feedback") == {
        "yes": "Yes. I will answer the questions.",
        "no": "No. Send my choice now.",
    }
    assert client.submit("/feedback/anonymous", {"anonymous_feedback": "no"}).status_code == 302
    done = client.get("/feedback/confirmation")
    text = assert_easy_read_page(done).get_text()
    assert "We will not share your information at the audit meeting." in text
    assert response_for(path).format == EASY_READ


def test_validation_messages_in_easy_read(client):
    path = easy_link()
    client.submit(path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", {**CONSENT_AGREE, "restrictions": "x" * 2001})
    page = client.submit("/feedback/consent", {**CONSENT_AGREE, "restrictions": "x" * 2001})
    assert "What we must not share: you wrote too much. Use 2,000 letters or fewer." in (
        assert_easy_read_page(page).get_text()
    )
    client.submit("/feedback/consent", CONSENT_AGREE)
    for number in range(1, 11):
        client.submit(f"/feedback/q{number}", {})
    page = client.submit("/feedback/q11", {"q11": ["forum", "not_interested"]})
    text = " ".join(assert_easy_read_page(page).get_text(" ").split())
    assert (
        "You cannot choose ‘I do not want to be contacted about this’ and another answer." in text
    )
    page = client.submit("/feedback/q11", {"q11": "made_up"})
    assert "Choose from the answers on this page." in page.soup.get_text()


def test_service_pages_in_easy_read(client, app):
    # A link that does not work, in the Easy Read chosen before.
    path = easy_link()
    client.submit(path)
    broken = client.get("/r/" + "x" * len(path.rsplit("/", 1)[1]))
    assert broken.status_code == 404
    assert "The link may be copied wrong." in assert_easy_read_page(broken).get_text()
    missing = client.get("/no-such-page")
    assert "We cannot find this page." in assert_easy_read_page(missing).get_text()
    expired = client.post("/feedback/who", data={"respondent": "adult"})  # no CSRF token
    assert expired.status_code == 400
    assert "This page was too old" in assert_easy_read_page(expired).get_text()
    too_large = client.post(
        "/preferences",
        data="a" * (app.config["MAX_CONTENT_LENGTH"] + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert too_large.status_code == 413
    assert "You sent us too much at once." in assert_easy_read_page(too_large).get_text()
    client.get("/exit")
    with client.session_transaction() as session:
        session["format"] = EASY_READ
    ended = client.get("/feedback/q1")
    assert ended.status_code == 403
    assert "open the link we sent you again" in assert_easy_read_page(ended).get_text()

    # Pages that cannot be reached on demand: rendered directly.
    for template, words in (
        ("errors/400.html", "Go back and try again."),
        ("errors/429.html", "Wait a few minutes."),
        ("errors/500.html", "We kept the answers you saved."),
    ):
        with app.test_request_context("/"):
            g.format_override = EASY_READ
            soup = BeautifulSoup(render_template(template), "html.parser")
        assert words in soup.get_text()
        assert soup.select("main img.app-er-picture")
        for text in main_words(soup):
            assert not too_long(text), (template, text)


# --- The feeling scales' faces --------------------------------------------------------------

FEELING_SCALES = ("q6", "q7", "q8")


def test_the_feeling_scales_are_the_four_step_scales_with_faces():
    for step in QUESTIONS:
        pictures = [o.picture for o in step.main.options]
        assert (step.id in FEELING_SCALES) == (pictures[:4] == list(FACES)), step.id
    # Our own drawings, not Mulberry's: not served as pictures, not credited to Mulberry.
    assert not set(FACES) & set(pictures_used())
    assert {f"{name}.svg" for name in FACES} == {p.name for p in FACE_FILES.glob("*.svg")}


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_language_shows_the_faces_on_the_feeling_scales(client, lang):
    case = create_case(f"CASE-FACES-{lang}")
    path = urlsplit(invite(case, "adult", name="Sam Example", format=EASY_READ, language=lang))
    db.session.commit()
    client.submit(path.path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    for step in QUESTIONS:
        page = client.get(f"/feedback/{step.id}")
        assert page.soup.html["lang"] == lang
        labels = page.soup.select(".app-er-choices .govuk-radios__label")
        faces = [face_in(label) for label in labels]
        if step.id in FEELING_SCALES:
            # One face to each step, in order, and the Mulberry picture for "not answered".
            assert faces == [*FACES, None], step.id
            assert labels[-1].select_one("img.app-er-picture")["alt"] == ""
        else:
            assert faces == [None] * len(labels), step.id
        assert client.submit(f"/feedback/{step.id}", {}).status_code == 302


# --- Choosing and switching the format ------------------------------------------------------


def switch(client, fmt: str, back_to: str):
    return client.post(
        "/preferences",
        data={"csrf_token": client.csrf_token(back_to), "format": fmt, "next": back_to},
    )


def test_switching_format_mid_journey_keeps_every_answer(client):
    path = easy_link(fmt=STANDARD)
    client.submit(path)
    page = client.get("/feedback/who")
    assert "app-easy-read" not in page.soup.body.get("class", [])
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", {**CONSENT_AGREE, "restrictions": "Not my GP"})
    client.submit("/feedback/q1", {"q1": "quite_a_bit", "q1_comment": "Mostly"})
    client.submit("/feedback/q2", {"q2": "none"})

    # Switch to Easy Read on question 2: the answers given are still there, in Easy Read words.
    moved = switch(client, EASY_READ, "/feedback/q2")
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/feedback/q2")
    page = client.get("/feedback/q2")
    assert_easy_read_page(page)
    checked = page.soup.select_one("input[name='q2'][checked]")
    assert checked["value"] == "none"
    page = client.get("/feedback/q1")
    assert page.soup.select_one("input[name='q1'][checked]")["value"] == "quite_a_bit"
    assert page.soup.select_one("textarea[name='q1_comment']").get_text() == "Mostly"
    page = client.get("/feedback/consent")
    assert page.soup.select_one("input[name='decision'][checked]")["value"] == "agree"
    assert page.soup.select_one("input[name='signature']")["value"] == "Sam Example"

    for number in range(3, 13):
        answer = {"q6": {"q6": "not_very_happy"}, "q8": {"q8": "a_lot_safer"}}.get(f"q{number}")
        client.submit(f"/feedback/q{number}", answer or {})
    client.submit("/feedback/contact", {"contact_name": "Sam"})
    assert response_for(path).format == EASY_READ

    # And back to the standard form before sending: everything is still there.
    switch(client, STANDARD, "/feedback/check")
    check = client.get("/feedback/check")
    assert "app-easy-read" not in check.soup.body.get("class", [])
    text = " ".join(check.soup.get_text(" ").split())
    for words in (
        "I was listened to quite a bit",
        "Mostly",
        "I did not get any information",
        "I am not very happy with end result",
        "I feel a lot safer now",
        "Not my GP",
        "Sam",
    ):
        assert words in text
    sent = client.submit("/feedback/check")
    assert sent.headers["Location"].endswith("/feedback/confirmation")
    db.session.rollback()
    response = response_for(path)
    assert response.status == "submitted" and response.format == STANDARD
    stored = {a.question_id: a.codes for a in response.answers}
    assert stored["q1"] == "quite_a_bit" and stored["q2"] == "none"
    assert stored["q6"] == "not_very_happy" and stored["q8"] == "a_lot_safer"


def test_the_invitations_format_is_the_default(client):
    path = easy_link()
    assert "app-easy-read" in client.get(path).soup.body["class"]
    client.submit(path)
    assert "app-easy-read" in client.get("/feedback/who").soup.body["class"]
    client.submit("/feedback/who", {"respondent": "adult"})
    assert response_for(path).format == EASY_READ
