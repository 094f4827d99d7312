"""Asking organisations for their returns: domains, hash-only secrets, expiry, revoking, new
links, reminders, the email queued through the outbox, and the command line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import links
from portal.extensions import db
from portal.models import (
    AuditEvent,
    CaseOrganisation,
    OutboxMessage,
    Participant,
    ReturnRequest,
    utcnow,
)
from portal.services import organisations, returns

from .staff_helpers import make_case


def _world(**case_fields):
    case = make_case(
        "AUD-1",
        adult_name="Sam Example",
        nhs_number="9434765919",
        date_of_birth=date(1950, 3, 1),
        presenting_concern="Bruising seen at day centre",
        **case_fields,
    )
    police = organisations.create("Devon Police", "police", ["Devon.Police.UK", "@met.police.uk"])
    db.session.commit()
    return case, police


def _request(case, organisation, email="Jo.Lead@devon.police.uk", share=("name", "nhs_number")):
    return_request, token = returns.request_return(
        case, organisation, "Jo Lead", email, share, actor="staff:1"
    )
    db.session.commit()
    return return_request, token


def _messages(return_request) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.return_request_id == return_request.id)
            .order_by(OutboxMessage.id)
        )
    )


def test_domains_are_stored_lower_case_and_matched_exactly(app):
    _case, police = _world()
    assert sorted(d.domain for d in police.domains) == ["devon.police.uk", "met.police.uk"]
    assert organisations.email_allowed(police, "jo@devon.police.uk")
    assert organisations.email_allowed(police, "Jo@DEVON.Police.uk")
    for wrong in (
        "jo@police.uk",
        "jo@evil.devon.police.uk",
        "jo@devon.police.uk.example.com",
        "jo@devon-police.uk",
        "devon.police.uk",
        "@devon.police.uk",
        "",
    ):
        assert not organisations.email_allowed(police, wrong), wrong
    organisations.add_domain(police, " DC.police.uk ")
    assert organisations.email_allowed(police, "x@dc.police.uk")
    assert organisations.find_by_name("  devon POLICE ") is police


def test_bad_organisations_are_refused(app):
    _world()
    with pytest.raises(organisations.OrganisationExists):
        organisations.create("devon police", "police", ["x.org"])
    with pytest.raises(organisations.InvalidOrganisation):
        organisations.create("Acme", "bakery", ["acme.org"])
    with pytest.raises(organisations.InvalidOrganisation):
        organisations.create("Acme", "provider", ["not a domain"])


def test_an_address_outside_the_domains_gets_no_link(app):
    case, police = _world()
    with pytest.raises(returns.AddressNotInOrganisation):
        returns.request_return(case, police, "Jo", "jo@gmail.com", [], actor="staff:1")
    db.session.rollback()
    assert db.session.scalar(select(ReturnRequest)) is None
    assert db.session.scalar(select(OutboxMessage)) is None


def test_unknown_identifiers_are_refused(app):
    case, police = _world()
    with pytest.raises(returns.UnknownIdentifier):
        returns.request_return(case, police, "Jo", "jo@devon.police.uk", ["answers"], "staff:1")


def test_only_the_hash_is_stored_and_the_link_finds_the_return(app):
    case, police = _world()
    return_request, token = _request(case, police, share=("nhs_number", "name", "name"))
    assert len(token) == links.TOKEN_LENGTH == 22
    assert return_request.token_hash == links.hash_token(token) != token
    assert return_request.shared_identifiers == ["name", "nhs_number"]  # the tool's order
    for table in (ReturnRequest.__table__, AuditEvent.__table__):
        rows = db.session.execute(select(table)).mappings().all()
        assert all(token not in str(dict(row)) for row in rows)
    assert returns.find_by_token(token) == return_request
    assert returns.find_by_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert returns.find_by_token("") is None
    assert returns.link_for(token) == f"https://feedback.example.org/a/{token}"
    assert return_request.state == "invited"
    assert return_request.expires_at > utcnow() + timedelta(days=27)
    # Asking for a return adds the organisation to the case.
    assert db.session.get(CaseOrganisation, (case.id, police.id)) is not None
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.return_request_id == return_request.id)
    ).all()
    assert "return_requested" in events and "return_request_queued" in events


def test_the_email_carries_the_link_and_no_case_details(app):
    case, police = _world()
    return_request, token = _request(case, police)
    [message] = _messages(return_request)
    assert message.kind == "return_request" and message.channel == "email"
    assert message.status == "queued"
    assert message.to_address == "Jo.Lead@devon.police.uk"
    assert message.participant_id is None and message.case_id == case.id
    assert returns.link_for(token) in message.body
    assert app.config["BOARD"].name in message.subject
    text = message.subject + message.body
    for detail in ("Sam", "Example", "9434765919", "AUD-1", "Bruising", "Devon Police", "Jo"):
        assert detail not in text, detail


def test_expired_and_revoked_links_find_nothing_and_revoking_cancels_the_email(app):
    case, police = _world()
    return_request, token = _request(case, police)
    assert (
        returns.find_by_token(token, now=return_request.expires_at + timedelta(seconds=1)) is None
    )
    returns.revoke(return_request, actor="staff:1")
    db.session.commit()
    assert returns.find_by_token(token) is None
    assert return_request.state == "revoked"
    [message] = _messages(return_request)
    assert message.status == "cancelled" and message.body is None
    with pytest.raises(returns.ReturnClosed):
        returns.remind(return_request, actor="staff:1")


def test_a_new_link_replaces_the_old_and_is_sent_again(app):
    case, police = _world()
    return_request, old = _request(case, police)
    return_request.summary = "Saved so far"
    db.session.commit()
    same, new = returns.new_link(return_request, actor="staff:1")
    db.session.commit()
    assert same.id == return_request.id and new != old
    assert returns.find_by_token(old) is None
    assert returns.find_by_token(new) == return_request
    assert return_request.summary == "Saved so far"
    first, second = _messages(return_request)
    assert first.status == "cancelled"
    assert second.status == "queued" and returns.link_for(new) in second.body
    # A revoked return can be reopened with a new link.
    returns.revoke(return_request, actor="staff:1")
    _same, newest = returns.new_link(return_request, actor="staff:1")
    db.session.commit()
    assert returns.find_by_token(newest) == return_request


def test_a_reminder_carries_no_link_and_stops_once_submitted(app):
    case, police = _world()
    return_request, token = _request(case, police)
    reminder = returns.remind(return_request, actor="staff:1")
    db.session.commit()
    assert reminder.kind == "return_reminder" and token not in reminder.body
    assert "Sam" not in reminder.body and return_request.reminded_at is not None
    returns.mark_opened(return_request)
    assert return_request.state == "opened"
    return_request.desired_outcome = "To stay at home"
    assert return_request.state == "in_progress"
    returns.submit(return_request)
    db.session.commit()
    assert return_request.state == "submitted"
    assert returns.find_by_token(token) == return_request  # read-only view still reachable
    with pytest.raises(returns.ReturnClosed):
        returns.remind(return_request, actor="staff:1")
    with pytest.raises(returns.ReturnClosed):
        returns.submit(return_request)


def test_shared_identifiers_show_only_what_was_chosen_and_each_view_is_logged(app):
    case, police = _world()
    db.session.add(Participant(case=case, role="adult", address="1 High Street"))
    db.session.commit()
    return_request, _token = _request(case, police, share=("date_of_birth", "address", "name"))
    rows = returns.shared_values(return_request)
    db.session.commit()
    assert rows == [
        ("Name", "Sam Example"),
        ("Date of Birth", "01/03/1950"),
        ("Address", "1 High Street"),
    ]
    viewed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "identifiers_viewed"))
    assert viewed.return_request_id == return_request.id
    assert viewed.actor == f"agency:{return_request.id}"
    assert f"organisation {police.id}" in viewed.detail


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_cli_creates_an_organisation_and_prints_the_link_last(app, client):
    make_case("AUD-9", adult_name="Sam Example")
    created = _cli(
        app,
        *("organisations", "create", "--name", "North NHS Trust", "--kind", "nhs"),
        *("--domain", "nhs.net", "--domain", "NorthTrust.nhs.uk"),
    )
    assert created.exit_code == 0, created.output
    requested = _cli(
        app,
        *("returns", "request", "--case", "AUD-9", "--organisation", "north nhs trust"),
        *("--email", "lead@northtrust.nhs.uk", "--name", "Lee Lead"),
        *("--share", "name", "--share", "date_of_birth"),
    )
    assert requested.exit_code == 0, requested.output
    link = requested.output.strip().splitlines()[-1]
    assert link.startswith("https://feedback.example.org/a/")
    db.session.commit()
    return_request = returns.find_by_token(link.rsplit("/", 1)[1])
    assert return_request.contact_name == "Lee Lead"
    assert return_request.shared_identifiers == ["name", "date_of_birth"]
    assert "Sam" not in requested.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("--case", "NOPE", "--organisation", "Devon Police", "--email", "a@devon.police.uk"),
            "No case",
        ),
        (
            ("--case", "AUD-1", "--organisation", "Nobody", "--email", "a@devon.police.uk"),
            "No organisation",
        ),
        (
            ("--case", "AUD-1", "--organisation", "Devon Police", "--email", "a@gmail.com"),
            "not an address at Devon Police",
        ),
        (
            (
                "--case",
                "AUD-1",
                "--organisation",
                "Devon Police",
                "--email",
                "a@devon.police.uk",
                "--share",
                "answers",
            ),
            "Invalid value",
        ),
    ],
)
def test_cli_errors_are_clean(app, args, says):
    _world()
    result = _cli(app, "returns", "request", *args)
    assert result.exit_code != 0
    assert says in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, ValueError)


def test_cli_refuses_a_duplicate_organisation_or_a_bad_domain_cleanly(app):
    _world()
    again = _cli(app, "organisations", "create", "--name", "DEVON POLICE", "--domain", "x.uk")
    assert again.exit_code != 0 and "already exists" in again.output
    bad = _cli(app, "organisations", "create", "--name", "Acme", "--domain", "acme")
    assert bad.exit_code != 0 and "not an email domain" in bad.output
    assert "Traceback" not in again.output + bad.output


def test_the_worker_sends_the_request_and_puts_it_on_the_returns_timeline(app):
    from portal.delivery import worker
    from portal.models.outbox import DevelopmentMessage

    case, police = _world()
    return_request, token = _request(case, police)
    assert worker.run_once() == {"sent": 1}
    db.session.rollback()
    [message] = _messages(return_request)
    assert message.status == "sent" and message.body is None  # the link is not kept
    [stored] = db.session.scalars(select(DevelopmentMessage)).all()
    assert stored.to_address == "Jo.Lead@devon.police.uk"
    assert returns.link_for(token) in stored.body
    sent = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "message_sent"))
    assert sent.return_request_id == return_request.id


def test_agencies_involved_as_typed_are_kept_and_matched_to_organisations(app):
    case, police = _world(agencies_involved="devon police; GP surgery")
    organisations.create("North NHS Trust", "nhs", ["nhs.net"])
    assert organisations.named_in_agencies_involved(case) == [police]
    assert organisations.for_case(case) == []
    organisations.add_to_case(case, police)
    organisations.add_to_case(case, police)  # once only
    db.session.commit()
    assert organisations.for_case(case) == [police]
    assert case.agencies_involved == "devon police; GP surgery"
