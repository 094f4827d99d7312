"""One-time links: secrets, hashing, and the single page every broken link gets."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal import links
from portal.extensions import db
from portal.models import AuditEvent, Invitation, utcnow

from .helpers import begin, full_journey, new_link


def _invitation(path: str) -> Invitation:
    db.session.commit()  # end the test's read snapshot, as a new request would
    token = path.rsplit("/", 1)[1]
    return db.session.scalar(
        select(Invitation).where(Invitation.token_hash == links.hash_token(token))
    )


def test_secret_has_128_bits_and_only_its_hash_is_stored(app):
    path = new_link()
    token = path.rsplit("/", 1)[1]
    assert len(token) == links.TOKEN_LENGTH == 22  # 16 random bytes, base64url
    invitation = _invitation(path)
    assert invitation.token_hash == links.hash_token(token) != token
    stored = db.session.execute(select(Invitation.__table__)).mappings().all()
    assert all(token not in str(dict(row)) for row in stored)


def test_link_and_a_short_sentence_fit_one_text_message(app):
    host = "https://" + "x" * 30
    app.config["PUBLIC_BASE_URL"] = host
    path = new_link()
    message = f"We would like your views on your safeguarding: {host}{path}"
    assert len(message) <= 160


def test_opening_a_link_changes_nothing(client):
    path = new_link()
    before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))
    for _ in range(3):
        page = client.get(path)
        assert page.status_code == 200
        assert "Start now" in page.soup.select_one("main form button").get_text()
    assert db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc())) == before
    invitation = _invitation(path)
    assert invitation.response is None and invitation.session_generation == 0
    assert client.get_cookie("session") is None or "inv" not in str(client.get_cookie("session"))


def test_link_pages_send_no_referrer_elsewhere_and_no_store(client):
    path = new_link()
    page = client.get(path)
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cache-Control"] == "no-store"


def test_beginning_redirects_to_a_url_without_the_secret(client):
    path = new_link()
    started = begin(client, path)
    token = path.rsplit("/", 1)[1]
    assert token not in started.headers["Location"]
    assert _invitation(path).response is not None


def _same_not_working_page(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 404
    assert page.soup.h1.get_text(strip=True) == "This link is not working"
    shown = page.soup.find("main").get_text(" ", strip=True)
    # Pressing "Start now" on such a link (a valid form post) is refused with the same page.
    pressed = client.post(path, data={"csrf_token": client.csrf_token("/")})
    assert pressed.status_code == 404
    assert pressed.soup.find("main").get_text(" ", strip=True) == shown
    return shown


def test_unknown_tampered_expired_and_revoked_links_look_the_same(client):
    unknown = "/r/" + "A" * 22
    good = new_link()
    tampered = good[:-1] + ("B" if good[-1] != "B" else "C")
    expired = new_link("CASE-2")
    invitation = _invitation(expired)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    revoked = new_link("CASE-3")
    links.revoke(_invitation(revoked), actor="test")
    db.session.commit()
    short = "/r/abc"

    pages = {
        p: _same_not_working_page(client, p) for p in (unknown, tampered, expired, revoked, short)
    }
    assert len(set(pages.values())) == 1


def test_expired_link_cannot_begin(client):
    path = new_link()
    invitation = _invitation(path)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    token = client.csrf_token("/")
    assert client.post(path, data={"csrf_token": token}).status_code == 404


def test_revoking_mid_journey_ends_the_session(client):
    path = new_link()
    begin(client, path)
    links.revoke(_invitation(path), actor="test")
    db.session.commit()
    assert client.get("/feedback/who").status_code == 403


def test_link_expiry_defaults_to_the_configured_lifetime(app):
    app.config["LINK_LIFETIME_DAYS"] = 10
    invitation = _invitation(new_link())
    remaining = invitation.expires_at - utcnow()
    assert timedelta(days=9, hours=23) < remaining <= timedelta(days=10)


def test_submitted_link_shows_already_sent_even_to_a_new_browser(app, client):
    path = new_link()
    full_journey(client, path)
    fresh = app.test_client()
    assert "already sent" in fresh.get(path).soup.h1.get_text()
