"""'Enter your code': a letter's short code leads into the same journey as the link, with
attempts limited per code and per address."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from portal import delivery, links
from portal.delivery import codes
from portal.extensions import db
from portal.models import InvitationCode, utcnow

from .delivery_support import invite, participant


def _code(app, **kwargs) -> str:
    invitation, _token = invite(participant("letter"))
    for key, value in kwargs.items():
        setattr(invitation, key, value)
    code = codes.issue(invitation)
    db.session.commit()
    return code


def test_codes_are_grouped_and_unambiguous(app):
    code = _code(app)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert not set(code) & set("01IO")
    assert codes.normalise(code.lower().replace("-", " ")) == code.replace("-", "")
    assert codes.normalise("ABCD-EFGH-JKL0") is None  # 0 is not in the alphabet
    row = db.session.scalars(select(InvitationCode)).one()
    assert code.replace("-", "")[4:] not in row.verifier_hash  # only an HMAC is kept


def test_the_page_is_a_form(client):
    page = client.get("/code")
    assert page.status_code == 200
    assert page.soup.h1.get_text(strip=True) == "Enter your code"
    field = page.soup.find("input", attrs={"name": "code"})
    assert field["autocomplete"] == "off" and field["spellcheck"] == "false"


def test_a_right_code_begins_the_journey(app, client):
    code = _code(app)
    typed = code.lower().replace("-", "")  # case and hyphens do not matter
    answer = client.submit("/code", {"code": f" {typed[:6]} {typed[6:]} "})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/feedback/who")
    assert client.get("/feedback/who").status_code == 200  # the session is the journey's


def test_a_wrong_code_says_so_without_saying_why(app, client):
    code = _code(app)
    wrong = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    page = client.submit("/code", {"code": wrong})
    assert page.status_code == 400
    assert page.soup.title.get_text().startswith("Error: Enter your code")
    assert "not right, or it no longer works" in page.soup.get_text()
    unknown = client.submit(
        "/code", {"code": "ZZZZ-ZZZZ-ZZZZ" if code[:4] != "ZZZZ" else "YYYY-YYYY-YYYY"}
    )
    assert (
        unknown.soup.find(class_="govuk-error-summary").get_text()
        == page.soup.find(class_="govuk-error-summary").get_text()
    )
    assert client.submit("/code", {"code": "nonsense"}).status_code == 400


def test_a_code_locks_after_five_failures(app, client):
    code = _code(app)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    for _ in range(codes.MAX_FAILURES):
        assert client.submit("/code", {"code": wrong}).status_code == 400
    db.session.rollback()
    assert db.session.scalars(select(InvitationCode)).one().locked_at is not None
    assert client.submit("/code", {"code": code}).status_code == 400  # even the right one


def test_attempts_are_limited_per_address(app, client):
    _code(app)
    for n in range(codes.ADDRESS_FAILURES):
        assert (
            client.submit("/code", {"code": f"ZZZZ-ZZZZ-ZZ{'ABCDEFGHJK'[n]}Z"}).status_code == 400
        )
    assert client.submit("/code", {"code": "ZZZZ-ZZZZ-ZZZZ"}).status_code == 429


def test_a_code_for_an_expired_or_revoked_link_does_not_work(app, client):
    code = _code(app, expires_at=utcnow() - timedelta(minutes=1))
    assert client.submit("/code", {"code": code}).status_code == 400
    invitation, _ = invite(participant("letter"))
    code = codes.issue(invitation)
    links.revoke(invitation, actor="test")
    db.session.commit()
    assert client.submit("/code", {"code": code}).status_code == 400


def test_the_letter_code_opens_the_letter_invitation(app, client):
    app.config["LETTER_ROUTE"] = "print"
    invitation, token = invite(participant("letter"))
    message = delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    code = re.search(r'class="code">([A-Z2-9-]{14})<', message.letter_html).group(1)
    assert client.submit("/code", {"code": code}).status_code == 302
