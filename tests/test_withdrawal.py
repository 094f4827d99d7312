"""The adult can stop their information being shared through a link from their confirmation."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent

from .helpers import begin, full_journey, new_link, response_for


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
