"""Letters as PDF: the text holds the link, the code and the board's details, and the PDF is
tagged (a structure tree, marked content, a language and a title)."""

from __future__ import annotations

import io
import re

import pypdf
from sqlalchemy import select

from portal import delivery, letters, links
from portal.delivery import codes, print_batch
from portal.extensions import db
from portal.models import InvitationCode, OutboxMessage

from .delivery_support import invite, participant


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_tagged(pdf: bytes) -> None:
    root = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"]
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def _consent_letter(app, fmt="standard"):
    app.config["LETTER_ROUTE"] = "print"
    invitation, token = invite(participant("letter", format=fmt))
    message = delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    return message, token


def test_consent_letter_holds_link_code_and_board_details(app):
    message, token = _consent_letter(app)
    html = message.letter_html
    pdf = letters.render_pdf(html)
    assert_tagged(pdf)
    text = flat(text_of(pdf))
    assert links.link_for(token) in text.replace(" ", "") or links.link_for(token) in text
    code = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b", text).group(1)
    assert codes.normalise(code)
    row = db.session.scalars(select(InvitationCode)).one()
    assert row.selector == code[:4] and code.replace("-", "")[4:] not in row.verifier_hash
    board = app.config["BOARD"]
    for detail in (board.name, *board.address, board.phone, board.email):
        assert detail in text, detail
    assert "https://feedback.example.org/code" in text
    # Appendix 3's wording and Appendix 4's form are both there.
    assert "Your safeguarding Enquiry has been selected for an audit." in text
    assert (
        "After the audit, we will let you know what we have found out and what we intend to do."
        in text
    )
    assert "Information Sharing Consent Form/ Feedback Form" in text
    assert "Name of person completing this form" in text
    assert "Dear Sam Example" in text and "1 High Street" in text
    # The QR code image has alt text, so the tagged PDF can say what it is.
    assert 'alt="QR code' in html


def test_easy_read_consent_letter(app):
    message, _token = _consent_letter(app, fmt="easy_read")
    text = flat(text_of(letters.render_pdf(message.letter_html)))
    assert "We would like to know what you think. Good or bad." in text
    assert "Your safeguarding Enquiry has been selected" not in text  # the standard wording
    from flask_babel import force_locale

    from portal.delivery.outbox import words
    from portal.questionnaire import CONSENT

    with force_locale("en"):
        agree = words(CONSENT.field("decision").option("agree").text, "easy_read")
    assert flat(agree) in text


def test_feedback_letter_preview_in_format_and_language(app):
    person = participant("letter", format="easy_read")
    pdf = delivery.feedback_letter_pdf(person, "Everyone listened to you.", "We will meet again.")
    assert_tagged(pdf)
    text = flat(text_of(pdf))
    assert "Everyone listened to you." in text and "We will meet again." in text
    assert "What we will do next" in text  # the Easy Read layout
    standard = flat(text_of(delivery.feedback_letter_pdf(person, "F.", "N.", fmt="standard")))
    assert "What will happen next" in standard
    assert app.config["BOARD"].phone in standard
    welsh = delivery.feedback_letter_html(person, "F.", "N.", language="cy")
    assert '<html lang="cy">' in welsh


def test_print_batch_holds_every_letter_and_stays_tagged(app):
    app.config["LETTER_ROUTE"] = "print"
    tokens = []
    for _ in range(2):
        invitation, token = invite(participant("letter"))
        delivery.queue_invitation(invitation, token, actor="staff:1")
        tokens.append(token)
    db.session.commit()
    pdf, ids = print_batch.make_batch(actor="staff:1")
    db.session.commit()
    assert_tagged(pdf)
    text = text_of(pdf).replace("\n", "")
    for token in tokens:
        assert links.link_for(token) in text
    assert db.session.scalars(select(OutboxMessage.status)).all() == ["sent", "sent"]
