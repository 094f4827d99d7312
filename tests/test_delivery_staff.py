"""The staff outbox pages: messages with status and reason, the development provider's messages,
the print batch, and a case's messages."""

from __future__ import annotations

from portal import delivery
from portal.delivery import worker
from portal.extensions import db
from portal.models import AuditCase, OutboxMessage

from .delivery_support import invite, participant
from .staff_helpers import make_user, sign_in


def _world(app):
    app.config["LETTER_ROUTE"] = "print"
    person = participant("email", reference="OUTBOX-1")
    invitation, token = invite(person)
    delivery.queue_invitation(invitation, token, actor="staff:1")
    letter_person = participant("letter", reference="OUTBOX-2")
    invitation, token = invite(letter_person)
    delivery.queue_invitation(invitation, token, actor="staff:1")
    db.session.commit()
    worker.run_once()
    db.session.commit()
    return person.case_id


def test_coordinator_sees_every_message_and_its_status(app, client):
    _world(app)
    sign_in(client, make_user("coordinator"))
    page = client.get("/staff/outbox")
    assert page.status_code == 200
    text = page.soup.get_text(" ", strip=True)
    assert "OUTBOX-1" in text and "sent" in text and "queued" in text
    assert "1 letter is due to be printed." in text
    dev = client.get("/staff/outbox/development")
    assert "Devon Safeguarding Adults Board would like your views" in dev.soup.get_text()


def test_print_batch_downloads_one_pdf_and_marks_letters_sent(app, client):
    _world(app)
    sign_in(client, make_user("coordinator"))
    token = client.csrf_token("/staff/outbox")
    download = client.post("/staff/outbox/print-batch", data={"csrf_token": token})
    assert download.status_code == 200
    assert download.mimetype == "application/pdf" and download.data.startswith(b"%PDF")
    db.session.rollback()
    assert {m.status for m in db.session.query(OutboxMessage)} == {"sent"}


def test_case_messages_and_who_may_see_them(app, client):
    case_id = _world(app)
    facilitator = make_user("facilitator", email="fac@example.org")
    sign_in(client, facilitator)
    assert client.get("/staff/outbox").status_code == 403
    assert client.get(f"/staff/cases/{case_id}/messages").status_code == 404  # not theirs
    db.session.get(AuditCase, case_id).facilitator_id = facilitator.id
    db.session.commit()
    page = client.get(f"/staff/cases/{case_id}/messages")
    assert page.status_code == 200 and "invitation" in page.soup.get_text()
