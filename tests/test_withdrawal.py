"""The adult can stop their information being shared through a link from their confirmation."""

import zlib
from http.cookies import SimpleCookie

from itsdangerous.encoding import base64_decode
from sqlalchemy import select

from portal import create_app, links
from portal.delivery import CONSENT_WITHDRAWN, codes
from portal.extensions import db
from portal.models import AuditEvent

from .checking_client import CheckingClient
from .helpers import (
    CONSENT_AGREE,
    answer_questions,
    begin,
    full_journey,
    message_status,
    new_link,
    queue_invitation_email,
    response_for,
)


def _withdraw_link(client) -> str:
    page = client.get("/feedback/confirmation")
    link = page.soup.select_one("a[href^='/w/']")
    assert link is not None, "the confirmation offers a stop-sharing link"
    assert link.get_text(strip=True).startswith("https://feedback.example.org/w/")
    return link["href"]


def test_withdrawing_through_the_confirmation_link(app, client):
    path = new_link()
    full_journey(client, path)
    link = _withdraw_link(client)
    assert _withdraw_link(client) == link  # the same link on reload

    fresh = app.test_client()  # later, in another browser: opening it changes nothing
    page = fresh.get(link)
    assert page.soup.h1.get_text(strip=True) == "Stop sharing your information"
    assert response_for(path).consent.withdrawn_at is None

    done = fresh.submit(link)
    assert "We will not share your information" in done.soup.h1.get_text()
    consent = response_for(path).consent
    assert consent.withdrawn_at is not None and consent.withdrawn_via == "online"
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert events.count("consent_withdrawn") == 1

    again = fresh.submit(link)  # a second press records nothing more
    assert "We will not share your information" in again.soup.h1.get_text()
    assert db.session.scalars(select(AuditEvent.action)).all().count("consent_withdrawn") == 1


def test_withdrawing_cancels_messages_not_yet_sent(client):
    path = new_link()
    unsent = queue_invitation_email(path)
    full_journey(client, path)
    client.submit(_withdraw_link(client))
    assert message_status(unsent) == ("cancelled", CONSENT_WITHDRAWN)


def test_only_a_hash_of_the_withdrawal_secret_is_stored(client):
    path = new_link()
    full_journey(client, path)
    secret = _withdraw_link(client).rsplit("/", 1)[1]
    assert response_for(path).withdraw_token_hash not in (None, secret)


def test_no_withdrawal_link_after_declining(client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", {"decision": "decline"})
    client.submit("/feedback/anonymous", {"anonymous_feedback": "no"})
    assert client.get("/feedback/confirmation").soup.select_one("a[href^='/w/']") is None


def test_unknown_withdrawal_links_get_the_not_working_page(client):
    page = client.get("/w/" + "z" * 22)
    assert page.status_code == 404
    assert page.soup.h1.get_text(strip=True) == "This link is not working"


class CookieWatchingClient(CheckingClient):
    """Keeps every cookie value the server sets, decoded as anyone holding the cookie could:
    Flask's session cookie is base64 JSON (zlib-compressed when it starts with a dot) and a
    signature, which proves who wrote it but hides nothing."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        for header in response.headers.getlist("Set-Cookie"):
            for morsel in SimpleCookie(header).values():
                self.seen.append(morsel.value)
                self.seen.append(decode_cookie(morsel.value))
        return response


def decode_cookie(value: str) -> str:
    compressed = value.startswith(".")
    payload = base64_decode(value.lstrip(".").split(".", 1)[0])
    return (zlib.decompress(payload) if compressed else payload).decode()


def test_no_cookie_ever_holds_a_link_secret(app):
    path = new_link()
    token = path.rsplit("/", 1)[1]
    code = codes.issue(links.find(token))
    db.session.commit()
    client = CookieWatchingClient(app, app.response_class, use_cookies=True)
    client.seen = []

    client.get(path)
    assert client.submit("/code", {"code": code}).status_code == 302  # begins from the code
    begin(client, path)  # and again from the link
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    answer_questions(client, {"q1": {"q1": "always", "q1_comment": "Fine"}})
    client.submit("/feedback/contact", {})
    assert client.submit("/feedback/check").status_code == 302
    withdraw = _withdraw_link(client)
    _withdraw_link(client)  # viewed again, as on a refresh
    client.get(withdraw)
    client.submit(withdraw)
    client.get("/exit")

    secret = withdraw.rsplit("/", 1)[1]
    assert len(client.seen) > 10 and any('"inv"' in value for value in client.seen)
    for value in client.seen:
        for leaked in (token, secret, code, code.replace("-", "")):
            assert leaked not in value, f"a cookie holds a link secret: {value}"


def test_the_link_is_shown_again_after_the_keys_are_rotated(app, client):
    path = new_link()
    full_journey(client, path)
    link = _withdraw_link(client)
    old = app.config["SECRET_KEYS"]
    new_key = "a new signing key, at least 32 characters long"
    rotated = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PUBLIC_BASE_URL": app.config["PUBLIC_BASE_URL"],
            "SECRET_KEY": new_key,
            "SECRET_KEY_FALLBACKS": old,
            "SECRET_KEYS": [new_key, *old],
        }
    )
    browser = CheckingClient(rotated, rotated.response_class, use_cookies=True)
    browser.set_cookie("session", client.get_cookie("session").value)
    with rotated.app_context():
        page = browser.get("/feedback/confirmation")
    assert page.soup.select_one("a[href^='/w/']")["href"] == link
