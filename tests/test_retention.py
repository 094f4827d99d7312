"""flask retention purge: personal data goes, anonymised answers stay."""

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditCase, Invitation, Response, SavedPage, utcnow

from .helpers import begin, full_journey, new_link, response_for


def _close(reference: str, days_ago: int) -> AuditCase:
    case = db.session.scalar(select(AuditCase).where(AuditCase.reference == reference))
    case.status = "closed"
    case.closed_at = utcnow() - timedelta(days=days_ago)
    case.adult_name = "Sam Example"
    case.nhs_number = "9434765919"
    db.session.commit()
    return case


def test_purge_removes_personal_data_and_keeps_answer_codes(app, client):
    old, recent = new_link("OLD-1"), new_link("NEW-1")
    answers = {"q1": {"q1": "always", "q1_comment": "Sam helped me"}}
    contact = {"contact_email": "sam@example.com"}
    full_journey(client, old, answers, contact)
    full_journey(app.test_client(), recent, answers, contact)
    _close("OLD-1", days_ago=400)
    _close("NEW-1", days_ago=30)

    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "Removed personal data from 1 closed case(s)" in result.output

    gone = response_for(old)
    assert gone.contact_email is None and gone.consent.signature is None
    assert gone.answer("q1").codes == "always" and gone.answer("q1").comment is None
    case = db.session.scalar(select(AuditCase).where(AuditCase.reference == "OLD-1"))
    assert case.adult_name is None and case.nhs_number is None
    assert case.personal_data_removed_at is not None
    assert all(p.name is None for p in case.participants)

    kept = response_for(recent)
    assert kept.contact_email == "sam@example.com" and kept.answer("q1").comment

    again = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert "Removed personal data from 0 closed case(s)" in again.output


def test_purge_deletes_abandoned_drafts_of_dead_links(app, client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    live = new_link("LIVE-1")
    begin(app.test_client(), live)
    invitation = response_for(path).invitation
    invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert db.session.scalars(select(SavedPage.page)).all() == ["who"]

    result = app.test_cli_runner().invoke(args=["retention", "purge", "--months", "12"])
    assert "Deleted 1 abandoned draft(s)" in result.output
    db.session.commit()
    assert db.session.get(Invitation, invitation.id).response is None
    assert db.session.scalars(select(SavedPage.page)).all() == []  # gone with their draft
    assert response_for(live) is not None
    assert db.session.scalar(select(Response.status)) == "draft"


def test_purge_keeps_scores_and_learning_of_the_audit_and_removes_the_rest(app, client):
    from portal.models.audit import (
        Escalation,
        Meeting,
        MeetingPrinciple,
        Organisation,
        ReturnPractitioner,
        ReturnPrinciple,
        ReturnRequest,
    )

    new_link("AUD-1")
    case = _close("AUD-1", days_ago=400)
    police = Organisation(name="Police", kind="police")
    db.session.add(police)
    db.session.flush()
    request = ReturnRequest(
        case_id=case.id,
        organisation_id=police.id,
        contact_name="Alex Officer",
        contact_email="alex@police.example",
        token_hash="0" * 64,
        shared_identifiers=["name", "nhs_number"],
        expires_at=utcnow(),
        submitted_at=utcnow(),
        desired_outcome="Sam wanted to stay at home",
        summary="Sam's neighbour helped",
        learning_points="Share referrals the same day",
        recommendations="A joint triage",
        documents_reviewed="Sam's file",
    )
    request.principles = [
        ReturnPrinciple(principle="empowerment", considered=[0, 1], narrative="Sam", score="1")
    ]
    request.practitioners = [ReturnPractitioner(role="PC", reflection="I met Sam")]
    meeting = Meeting(
        case_id=case.id,
        summary="Sam's case",
        learning_points="Triage together",
        recommendations="Joint triage",
        practitioners_consulted="Alex Officer",
    )
    meeting.principles = [MeetingPrinciple(principle="empowerment", score="2", narrative="Sam")]
    meeting.escalations = [
        Escalation(
            organisation_id=police.id,
            escalated_on=utcnow().date(),
            escalated_by="Jo Chair",
            outcome="Sam moved",
        )
    ]
    db.session.add_all([request, meeting])
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    purged = db.session.get(ReturnRequest, request.id)
    personal = (
        purged.contact_name,
        purged.contact_email,
        purged.desired_outcome,
        purged.summary,
        purged.documents_reviewed,
        purged.principles[0].narrative,
        purged.practitioners[0].reflection,
    )
    assert personal == (None,) * len(personal) and purged.shared_identifiers == []
    assert purged.principles[0].score == "1" and purged.state == "submitted"
    assert (purged.learning_points, purged.recommendations) == (
        "Share referrals the same day",
        "A joint triage",
    )
    record = db.session.get(Meeting, meeting.id)
    assert record.summary is None and record.practitioners_consulted is None
    assert record.principles[0].score == "2" and record.principles[0].narrative is None
    assert record.learning_points == "Triage together"
    assert record.escalations[0].escalated_by == "(removed)"
    assert record.escalations[0].outcome is None
