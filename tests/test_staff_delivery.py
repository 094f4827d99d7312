"""The staff side of delivery: inviting queues the message by the person's channel, resending
cancels the old one, reminders (one invitation, or every link about to expire), the feedback
letter (write, preview in the person's format and language, PDF, queue once), the invitation
timeline's sent/delivered/failed events, and the audit log without personal data."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pypdf
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal import links
from portal.delivery import print_batch, worker
from portal.delivery.receipts import apply_receipt
from portal.extensions import db
from portal.models import (
    AuditCase,
    AuditEvent,
    ConsentRecord,
    Invitation,
    OutboxMessage,
    Participant,
    Response,
    utcnow,
)

from .staff_helpers import fresh_session, make_case, make_user, sign_in

SCRIPT = "<script>alert('x')</script>"
CONTACT = {
    "email": {"email": "peggy@example.org"},
    "text": {"phone": "07700 900982"},
    "letter": {"address": "1 High Street\nExeter\nEX1 1AA"},
}


def _person(client, case, channel="email", role="adult", **data):
    form = {
        "name": "Margaret Example",
        "channel": channel,
        "format": "easy_read",
        "language": "cy",
        **CONTACT[channel],
    }
    if role == "representative":
        form["relationship"] = "Daughter"
    form.update(data)
    response = client.submit(f"/staff/cases/{case.id}/people/{role}", form)
    assert response.status_code == 303, response.soup.select_one(".govuk-error-summary")


def _invite(client, case, role="adult"):
    response = client.submit(f"/staff/cases/{case.id}/people/{role}/invite")
    assert response.status_code == 200
    return response, urlsplit(response.soup.find(id="new-link").get_text(strip=True)).path


def _messages(**where):
    fresh_session()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return db.session.scalars(query).all()


def _timeline(client, case_id, invitation_id):
    page = client.get(f"/staff/cases/{case_id}/invitations/{invitation_id}")
    assert page.status_code == 200
    return [li.get_text(" ", strip=True) for li in page.soup.select(".staff-timeline li")]


def _coordinator_case(client, channel="email", **person):
    sign_in(client, make_user("coordinator"))
    case = make_case()
    _person(client, case, channel, **person)
    return case


# --- Inviting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "queued_as"), [("email", "email"), ("text", "text"), ("letter", "print")]
)
def test_inviting_queues_one_message_by_the_persons_channel(app, client, channel, queued_as):
    case = _coordinator_case(client, channel)
    page, path = _invite(client, case)
    assert "Invitation queued" in page.soup.h1.get_text()
    token = path.rsplit("/", 1)[1]
    fresh_session()
    invitation = links.find(token)
    assert invitation is not None  # the link works
    [message] = _messages()
    assert (message.kind, message.channel) == ("invitation", queued_as)
    assert (message.language, message.format) == ("cy", "easy_read")
    assert message.invitation_id == invitation.id and message.status == "queued"
    content = message.letter_html if channel == "letter" else message.body
    assert f"https://feedback.example.org{path}" in content
    assert db.session.get(AuditCase, case.id).status == "waiting_for_views"
    # The worker (or the post room's print batch) sends it; the timeline says so.
    if channel == "letter":
        assert print_batch.make_batch(actor="staff:1") is not None
        db.session.commit()
    else:
        assert worker.run_once() == {"sent": 1}
    entries = _timeline(client, case.id, invitation.id)
    assert entries[0].startswith("Invitation created")
    assert entries[1].startswith("Invitation queued to send (invitation by ")
    assert entries[2].startswith("Sent (invitation by ")


def test_resend_cancels_the_old_unsent_message_and_queues_a_new_one(app, client):
    case = _coordinator_case(client, "email")
    _page, path = _invite(client, case)
    fresh_session()
    old = links.find(path.rsplit("/", 1)[1])
    resent = client.submit(f"/staff/cases/{case.id}/invitations/{old.id}/resend")
    assert resent.status_code == 200 and "The old link has stopped working" in resent.soup.text
    new_path = urlsplit(resent.soup.find(id="new-link").get_text(strip=True)).path
    first, second = _messages()
    assert (first.invitation_id, first.status) == (old.id, "cancelled")
    assert first.body is None  # the old link is not kept
    assert second.status == "queued" and second.invitation_id != old.id
    assert f"https://feedback.example.org{new_path}" in second.body
    assert links.find(path.rsplit("/", 1)[1]) is None
    assert links.find(new_path.rsplit("/", 1)[1]).id == second.invitation_id


def test_no_contact_details_for_the_channel_means_nothing_is_issued(app, client):
    sign_in(client, make_user("coordinator"))
    case = make_case()
    fresh_session()
    db.session.add(Participant(case_id=case.id, role="adult", name="Sam", channel="letter"))
    db.session.commit()
    response = client.submit(f"/staff/cases/{case.id}/people/adult/invite")
    assert response.status_code == 409
    assert "cannot be sent" in response.soup.h1.get_text()
    fresh_session()
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
    assert _messages() == []


# --- Sent, delivered and failed on the invitation's timeline ----------------------------------


def test_receipts_record_delivered_and_failed_against_the_invitation(app, client):
    case = _coordinator_case(client, "text")
    _page, path = _invite(client, case)
    worker.run_once()
    [message] = _messages()
    apply_receipt(message, "delivered")
    db.session.commit()
    invitation_id = message.invitation_id
    assert _timeline(client, case.id, invitation_id)[-1].startswith(
        "Delivered (invitation by text message)"
    )
    # A reminder that fails permanently at the provider.
    reminder = client.submit(f"/staff/cases/{case.id}/invitations/{invitation_id}/reminder")
    assert reminder.status_code == 303
    worker.run_once()
    reminder_message = _messages(kind="reminder")[0]
    apply_receipt(reminder_message, "permanent-failure")
    db.session.commit()
    entries = _timeline(client, case.id, invitation_id)
    assert entries[-1].startswith("Delivery failed (reminder by text message)")
    fresh_session()
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.invitation_id == invitation_id)
    ).all()
    for action in ("created", "invitation_queued", "sent", "delivered", "reminder_queued"):
        assert action in actions
    assert actions.count("failed") == 1


def test_a_permanent_failure_at_sending_is_on_the_timeline(app, client, monkeypatch):
    from portal.delivery import providers

    case = _coordinator_case(client, "email")
    _invite(client, case)

    class Refusing:
        name = "development"

        def lookup(self, message):
            return None

        def send(self, message, pdf):
            raise providers.PermanentFailure("The address was refused")

    monkeypatch.setattr(worker, "provider_for", lambda channel: Refusing())
    assert worker.run_once() == {"failed": 1}
    [message] = _messages()
    assert message.status == "failed" and message.body is None
    assert _timeline(client, case.id, message.invitation_id)[-1].startswith("Delivery failed")


# --- Reminders --------------------------------------------------------------------------------


def test_a_reminder_for_one_invitation_is_queued_once(app, client):
    case = _coordinator_case(client, "email")
    _invite(client, case)
    invitation_id = _messages()[0].invitation_id
    url = f"/staff/cases/{case.id}/invitations/{invitation_id}"
    page = client.get(url)
    buttons = [b.get_text(strip=True) for b in page.soup.select("form button")]
    assert "Send a reminder" in buttons
    token = client.csrf_token(url)
    first = client.post(f"{url}/reminder", data={"csrf_token": token})
    assert first.status_code == 303 and first.headers["Location"].endswith("?done=reminder")
    again = client.post(f"{url}/reminder", data={"csrf_token": token})  # a double click
    assert again.headers["Location"].endswith("?done=reminder-waiting")
    [reminder] = _messages(kind="reminder")
    assert (reminder.channel, reminder.language, reminder.format) == ("email", "cy", "easy_read")
    assert "https://feedback.example.org/code" in reminder.body
    shown = client.get(first.headers["Location"])
    assert "Reminder queued" in shown.soup.select_one(".govuk-notification-banner").text


def test_no_reminder_button_for_answered_or_revoked_links(app, client):
    case = _coordinator_case(client, "email")
    _invite(client, case)
    invitation_id = _messages()[0].invitation_id
    url = f"/staff/cases/{case.id}/invitations/{invitation_id}"
    client.submit(f"{url}/revoke")
    page = client.get(url)
    assert "Send a reminder" not in [b.get_text(strip=True) for b in page.soup.select("button")]
    token = client.csrf_token(url)
    refused = client.post(f"{url}/reminder", data={"csrf_token": token})
    assert refused.status_code == 303
    assert _messages(kind="reminder") == []


def test_outbox_queues_reminders_for_links_expiring_soon(app, client):
    case = _coordinator_case(client, "email")
    _invite(client, case)
    later = make_case("CASE-2")
    _person(client, later, "text")
    _invite(client, later)
    fresh_session()
    soon, not_soon = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    soon.expires_at = utcnow() + timedelta(days=3)
    not_soon.expires_at = utcnow() + timedelta(days=20)
    db.session.commit()
    page = client.get("/staff/outbox")
    assert "1 link expires within 7 days" in page.soup.get_text(" ", strip=True)
    done = client.submit("/staff/outbox/reminders", {"days": "7"})
    assert done.status_code == 303
    [reminder] = _messages(kind="reminder")
    assert reminder.invitation_id == soon.id
    banner = client.get(done.headers["Location"]).soup.select_one(".govuk-notification-banner")
    assert "1 reminder queued" in banner.get_text()
    # Again: that link has had its reminder.
    client.submit("/staff/outbox/reminders", {"days": "7"})
    assert len(_messages(kind="reminder")) == 1
    # A wider window takes in the other.
    client.submit("/staff/outbox/reminders", {"days": "30"})
    assert [m.invitation_id for m in _messages(kind="reminder")] == [soon.id, not_soon.id]
    bad = client.submit("/staff/outbox/reminders", {"days": "lots"})
    assert "reminders-invalid" in bad.headers["Location"]


# --- The feedback letter ----------------------------------------------------------------------


LETTER = {
    "recipient": "adult",
    "findings": f"The agencies worked well together.\n\n{SCRIPT} & more",
    "next_steps": "We will train staff on self-neglect.",
}


def _preview(client, case, **data):
    page = client.get(f"/staff/cases/{case.id}/feedback")
    assert page.status_code == 200
    form = {
        "csrf_token": page.soup.find("input", attrs={"name": "csrf_token"})["value"],
        "submission": page.soup.find("input", attrs={"name": "submission"})["value"],
        **LETTER,
        **data,
    }
    return client.post(f"/staff/cases/{case.id}/feedback/preview", data=form)


def _carried(preview) -> dict:
    form = preview.soup.select_one("form[action$='/feedback/queue']")
    return {i["name"]: i["value"] for i in form.find_all("input")}


def _text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_feedback_letter_preview_pdf_and_queue_once(app, client):
    case = _coordinator_case(client, "email", format="standard", language="en")
    page = client.get(f"/staff/cases/{case.id}/feedback")
    counts = page.soup.select(".govuk-character-count textarea")
    assert [t["name"] for t in counts] == ["findings", "next_steps"]
    preview = _preview(client, case)
    assert preview.status_code == 200, preview.soup.select_one(".govuk-error-summary")
    text = preview.soup.get_text(" ", strip=True)
    assert "Email, with the letter attached as a PDF" in text and "Standard" in text
    # The letter, escaped: the payload is text, not a script, in the preview...
    frame = preview.soup.find("iframe")
    assert frame.has_attr("sandbox") and frame["title"]
    letter = BeautifulSoup(frame["srcdoc"], "html.parser")
    assert letter.find("script") is None
    assert SCRIPT in letter.get_text() and "The agencies worked well together." in letter.text
    assert "What we found" in letter.get_text()  # the standard wording
    # ... and in the PDF, which is exactly what will be sent.
    carried = _carried(preview)
    assert carried["findings"] == LETTER["findings"]
    pdf = client.post(f"/staff/cases/{case.id}/feedback/letter.pdf", data=carried)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert pdf.headers["Cache-Control"] == "no-store"
    assert SCRIPT in _text_of(pdf.data)
    assert _messages() == []  # previews change nothing
    # Queue it; a second click (or the back button) queues nothing more.
    queued = client.post(f"/staff/cases/{case.id}/feedback/queue", data=carried)
    assert queued.status_code == 303
    again = client.post(f"/staff/cases/{case.id}/feedback/queue", data=carried)
    assert again.status_code == 303
    [message] = _messages()
    assert (message.kind, message.channel, message.attachment_name) == (
        "feedback",
        "email",
        "letter.pdf",
    )
    assert "&lt;script&gt;" in message.letter_html and SCRIPT not in message.letter_html
    banner = client.get(queued.headers["Location"]).soup.select_one(".govuk-notification-banner")
    assert "feedback letter is queued" in banner.get_text()
    # The case moves to "feedback sent" once the letter has gone.
    fresh_session()
    assert db.session.get(AuditCase, case.id).status != "feedback_sent"
    assert worker.run_once() == {"sent": 1}
    fresh_session()
    assert db.session.get(AuditCase, case.id).status == "feedback_sent"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id)
    ).all()
    assert "message_sent" in actions and "feedback_letter_queued" in actions


def test_paragraphs_from_a_browser_textarea(app, client):
    """Browsers send line breaks as CRLF: a blank line still starts a paragraph, and the count
    is of characters as the person sees them."""
    case = _coordinator_case(client, "email")
    findings = "First paragraph.\r\n\r\nSecond paragraph."
    preview = _preview(client, case, findings=findings, next_steps="n" * 2999 + "\r\n")
    assert preview.status_code == 200 and preview.soup.find("iframe") is not None
    letter = BeautifulSoup(preview.soup.find("iframe")["srcdoc"], "html.parser")
    paragraphs = [p.get_text() for p in letter.find_all("p")]
    assert "First paragraph." in paragraphs and "Second paragraph." in paragraphs


def test_feedback_letter_in_easy_read_welsh_by_post(app, client):
    case = _coordinator_case(client, "letter")  # Easy Read, Welsh
    preview = _preview(client, case)
    text = preview.soup.get_text(" ", strip=True)
    assert "print batch" in text and "Easy Read" in text and "Welsh" in text
    letter = BeautifulSoup(preview.soup.find("iframe")["srcdoc"], "html.parser")
    assert letter.html["lang"] == "cy"
    client.post(f"/staff/cases/{case.id}/feedback/queue", data=_carried(preview))
    [message] = _messages()
    assert (message.channel, message.format, message.language) == ("print", "easy_read", "cy")
    made = print_batch.make_batch(actor="staff:1")
    db.session.commit()
    assert made is not None and SCRIPT in _text_of(made[0])
    fresh_session()
    assert db.session.get(AuditCase, case.id).status == "feedback_sent"


def test_feedback_letter_form_checks_its_fields(app, client):
    case = _coordinator_case(client, "email")
    empty = _preview(client, case, findings="", next_steps="x" * 3001)
    assert empty.status_code == 200
    errors = empty.soup.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Enter what the audit found" in errors and "3,000 characters or fewer" in errors
    assert empty.soup.title.get_text().startswith("Error:")
    # Changing the letter from the preview brings the text back into the form.
    preview = _preview(client, case)
    back = client.post(f"/staff/cases/{case.id}/feedback", data=_carried(preview))
    assert back.status_code == 200
    assert SCRIPT in back.soup.find("textarea", attrs={"name": "findings"}).get_text()
    assert _messages() == []


def test_feedback_letter_needs_an_address(app, client):
    sign_in(client, make_user("coordinator"))
    case = make_case()
    fresh_session()
    db.session.add(Participant(case_id=case.id, role="adult", name="Sam", channel="text"))
    db.session.commit()
    preview = _preview(client, case)
    assert "No email address or postal address" in preview.soup.select_one(
        ".govuk-error-summary"
    ).get_text(" ", strip=True)
    nobody = make_case("CASE-2")
    page = client.get(f"/staff/cases/{nobody.id}/feedback")
    assert "There is nobody to write to yet" in page.soup.get_text()


def test_feedback_letter_warns_when_consent_was_withdrawn(app, client):
    case = _coordinator_case(client, "email")
    fresh_session()
    person = db.session.scalar(select(Participant))
    invitation, _token = links.issue(person, actor="test")
    response = Response(invitation_id=invitation.id, reference="REF-W1", status="submitted")
    response.submitted_at = utcnow()
    db.session.add(response)
    db.session.flush()
    db.session.add(ConsentRecord(response_id=response.id, decision="agree", withdrawn_at=utcnow()))
    db.session.commit()
    page = client.get(f"/staff/cases/{case.id}/feedback")
    assert "Consent was withdrawn" in page.soup.select_one(".govuk-warning-text").get_text()
    preview = _preview(client, case)
    assert "Consent was withdrawn" in preview.soup.get_text()
    client.post(f"/staff/cases/{case.id}/feedback/queue", data=_carried(preview))
    assert len(_messages(kind="feedback")) == 1  # still sent


# --- Who may do these -------------------------------------------------------------------------


def test_facilitators_may_not_send_and_others_cases_are_not_found(app, client):
    facilitator = make_user("facilitator", email="fac@example.org")
    other = make_user("facilitator", email="other@example.org")
    mine = make_case("MINE", facilitator=facilitator)
    theirs = make_case("THEIRS", facilitator=other)
    sign_in(client, facilitator)
    token = client.csrf_token("/staff/cases")
    # Sending to the adult is a coordinator's job: refused on every case alike, so the answer
    # says nothing about whether a case exists or whose it is.
    for case, expected in ((mine, 403), (theirs, 403)):
        assert client.get(f"/staff/cases/{case.id}/feedback").status_code == expected
        for path in ("feedback/preview", "feedback/letter.pdf", "feedback/queue"):
            response = client.post(
                f"/staff/cases/{case.id}/{path}", data={"csrf_token": token, **LETTER}
            )
            assert response.status_code == expected, path
    assert client.post("/staff/outbox/reminders", data={"csrf_token": token}).status_code == 403
    case_page = client.get(f"/staff/cases/{mine.id}")
    assert "Feedback letter" not in case_page.soup.get_text()
    # The pages they may use are not found for a case not theirs.
    assert client.get(f"/staff/cases/{theirs.id}").status_code == 404
    assert client.get(f"/staff/cases/{theirs.id}/messages").status_code == 404
    assert _messages() == []


def test_without_a_csrf_token_nothing_is_queued(app, client):
    case = _coordinator_case(client, "email")
    preview = _preview(client, case)
    carried = _carried(preview)
    del carried["csrf_token"]
    assert client.post(f"/staff/cases/{case.id}/feedback/queue", data=carried).status_code == 400
    assert client.post(f"/staff/cases/{case.id}/people/adult/invite").status_code == 400
    assert _messages() == []


def test_the_audit_log_names_actions_never_the_data(app, client):
    case = _coordinator_case(client, "email")
    _invite(client, case)
    invitation_id = _messages()[0].invitation_id
    client.submit(f"/staff/cases/{case.id}/invitations/{invitation_id}/reminder")
    preview = _preview(client, case)
    client.post(f"/staff/cases/{case.id}/feedback/letter.pdf", data=_carried(preview))
    client.post(f"/staff/cases/{case.id}/feedback/queue", data=_carried(preview))
    client.submit("/staff/outbox/reminders", {"days": "7"})
    worker.run_once()
    fresh_session()
    events = db.session.scalars(select(AuditEvent)).all()
    pairs = {(e.action, e.detail) for e in events}
    assert ("viewed", "feedback letter preview") in pairs
    assert ("viewed", "feedback letter PDF") in pairs
    actions = {e.action for e in events}
    for action in (
        "invitation_queued",
        "reminder_queued",
        "feedback_queued",
        "feedback_letter_queued",
        "reminders_queued",
        "sent",
        "message_sent",
    ):
        assert action in actions, action
    everything = " ".join(f"{e.action} {e.actor} {e.detail}" for e in events)
    for secret in ("Margaret", "peggy@example.org", "agencies worked", "script", "/r/"):
        assert secret not in everything
