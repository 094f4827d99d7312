"""The audit meeting: the organisations' submitted returns side by side with the adult's voice
(only with consent), the flag where scores differ by 2 or more, recording what the meeting
agreed (one record per case, the case moved on to "audited"), the record's page with the total
and band, and its tagged PDF; and who may see any of it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.audit_tool import PRINCIPLES, SCORES
from portal.extensions import db
from portal.models import (
    AuditCase,
    AuditEvent,
    Escalation,
    Meeting,
    MeetingPrinciple,
    ReturnPractitioner,
    ReturnPrinciple,
)
from portal.scoring import BANDS_EXPLAINED
from portal.services import meetings, organisations, returns
from portal.staff.meetings import MeetingForm

from .helpers import CONSENT_AGREE, answer_questions, begin, new_link
from .staff_helpers import fresh_session, make_user, sign_in
from .test_letters import assert_tagged, flat, text_of

REF = "MEET-1"
BASE = "/staff/cases/{id}/audit-meeting"


def _case_id() -> int:
    fresh_session()
    return db.session.scalar(select(AuditCase.id).where(AuditCase.reference == REF))


def _adult_sends(app, consent=None):
    """The adult answers q1 (Empowerment) and q8 (Protection) with a comment each."""
    adult = app.test_client()
    path = new_link(REF)
    begin(adult, path)
    adult.submit("/feedback/who", {"respondent": "adult"})
    consent = consent or CONSENT_AGREE
    adult.submit("/feedback/consent", consent)
    if consent["decision"] == "decline":
        adult.submit("/feedback/anonymous", {"anonymous_feedback": "yes"})
    answer_questions(
        adult,
        {
            "q1": {"q1": "always", "q1_comment": "They heard me every time"},
            "q8": {"q8_comment": "I feel safer at home now"},
        },
    )
    if consent["decision"] == "agree":
        adult.submit("/feedback/contact", {})
    assert adult.submit("/feedback/check").status_code == 302
    fresh_session()


def _submitted_return(case, name, domain, scores, practitioner=None, learning=None):
    """An organisation's return, saved and submitted through the models and services."""
    organisation = organisations.create(name, "other", [domain])
    return_request, _token = returns.request_return(
        case, organisation, "Lead", f"lead@{domain}", ("name",), actor="staff:1"
    )
    for code, score in scores.items():
        return_request.principles.append(
            ReturnPrinciple(
                principle=code,
                considered=[0, 1],
                score=score,
                narrative=f"{name} narrative on {code}",
            )
        )
    if practitioner:
        return_request.practitioners.append(
            ReturnPractitioner(role="Social worker", organisation=name, reflection=practitioner)
        )
    return_request.learning_points = learning
    returns.submit(return_request, actor="staff:1")
    db.session.commit()
    return organisation


@pytest.fixture
def world(app):
    """A facilitator's case with two organisations' submitted returns: Empowerment 2 and 0
    (flagged), Prevention 2 and 1 (not), Proportionality 2 and NA, Protection 0 and NK."""
    facilitator = make_user("facilitator")
    coordinator = make_user("coordinator")
    _adult_sends(app)
    case = db.session.get(AuditCase, _case_id())
    case.facilitator_id = facilitator.id
    police = _submitted_return(
        case,
        "Devon Police",
        "devon.police.uk",
        {"empowerment": "2", "prevention": "2", "proportionality": "2", "protection": "0"},
        practitioner="We should have called back sooner",
        learning="Police learning: share referrals",
    )
    nhs = _submitted_return(
        case,
        "Royal Devon NHS",
        "nhs.net",
        {"empowerment": "0", "prevention": "1", "proportionality": "NA", "protection": "NK"},
        learning="NHS learning: hospital discharge",
    )
    fresh_session()
    return {
        "case": _case_id(),
        "facilitator": facilitator,
        "coordinator": coordinator,
        "orgs": (police.id, nhs.id),
    }


def _section(page, code):
    return page.soup.find("section", attrs={"aria-labelledby": f"principle-{code}"})


def test_the_returns_side_by_side_with_the_adults_voice(client, world):
    sign_in(client, world["facilitator"])
    page = client.get(BASE.format(id=world["case"]))
    assert page.status_code == 200
    empowerment = _section(page, "empowerment")
    cards = empowerment.select(".govuk-summary-card")
    titles = [c.select_one(".govuk-summary-card__title").get_text(strip=True) for c in cards]
    assert titles == ["Devon Police", "Royal Devon NHS"]
    text = " ".join(empowerment.get_text().split())
    assert "2 – Fully met" in text and "0 – Unmet" in text
    assert "Devon Police narrative on empowerment" in text
    assert "Royal Devon NHS narrative on empowerment" in text
    # What the adult said to q1 is beside Empowerment; q8 beside Protection, not Empowerment.
    assert "They heard me every time" in text and "I was always listened to" in text
    assert "I feel safer at home now" not in text
    assert "I feel safer at home now" in _section(page, "protection").get_text()
    body = page.get_data(as_text=True)
    assert "We should have called back sooner" in body
    assert "Police learning: share referrals" in body and "NHS learning: hospital discharge" in body


def test_scores_two_apart_are_flagged_and_na_nk_ignored(client, world):
    sign_in(client, world["coordinator"])
    page = client.get(BASE.format(id=world["case"]))
    flagged = {
        p.code
        for p in PRINCIPLES
        if "Scores differ by 2 or more" in _section(page, p.code).get_text()
    }
    # Empowerment 2 and 0; Prevention 2 and 1 (a difference of 1); Proportionality 2 and NA;
    # Protection 0 and NK.
    assert flagged == {"empowerment"}
    assert meetings.scores_differ(["2", "0"]) and meetings.scores_differ(["0", "1", "2"])
    assert not meetings.scores_differ(["2", "1"])
    assert not meetings.scores_differ(["2", "NA", "NK", None])
    assert not meetings.scores_differ(["2"])


def test_the_adults_voice_is_left_out_without_consent(client, app):
    facilitator = make_user("facilitator")
    _adult_sends(app, consent={"decision": "decline"})
    case = db.session.get(AuditCase, _case_id())
    case.facilitator_id = facilitator.id
    _submitted_return(case, "Devon Police", "devon.police.uk", {"empowerment": "2"})
    sign_in(client, facilitator)
    page = client.get(BASE.format(id=_case_id()))
    body = page.get_data(as_text=True)
    assert "Devon Police narrative on empowerment" in body
    assert "They heard me every time" not in body and "I feel safer" not in body
    assert "left out because they declined or withdrew consent" in body


def _form(world, **changes) -> dict:
    data = {"held_on": ["3", "11", "2026"], "organisations_present": [str(world["orgs"][0])]}
    for p in PRINCIPLES:
        data[f"score_{p.code}"] = "2"
        data[f"narrative_{p.code}"] = f"Agreed on {p.title}"
    data.update(
        summary="Good joint work",
        learning_points="Call back within a day",
        recommendations="A shared referral form",
        practitioners_consulted="Social worker, Devon Police",
    )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _version(client, path: str) -> str:
    """The version of the record the form at ``path`` was opened on."""
    return client.get(path).soup.find("input", attrs={"name": "version"})["value"]


def _scores(codes: tuple[str, ...]) -> dict:
    return {f"score_{p.code}": s for p, s in zip(PRINCIPLES, codes, strict=True)}


def _escalation(i, org_id, by="Jo Facilitator", outcome=""):
    return {
        f"escalations-{i}-organisation": str(org_id),
        f"escalations-{i}-escalated_on": ["4", "11", "2026"],
        f"escalations-{i}-escalated_by": by,
        f"escalations-{i}-outcome": outcome,
    }


def test_recording_errors_are_shown_and_nothing_is_saved(client, world):
    sign_in(client, world["facilitator"])
    path = BASE.format(id=world["case"]) + "/record"
    data = _form(
        world,
        held_on=["31", "2", "2026"],
        score_empowerment=None,
        score_prevention="7",
        organisations_present=["99999"],
        narrative_protection="x" * 2001,
        **_escalation(0, world["orgs"][1], by="y" * 121),
    )
    page = client.submit(path, data)
    assert page.status_code == 200
    summary = page.soup.select_one(".govuk-error-summary").get_text()
    for message in (
        "Date the meeting was held must be a real date",
        "Select the agreed score for Empowerment",
        "Select from the organisations shown",
        "must be 2,000 characters or fewer",
        "Escalated by must be 120 characters or fewer",
    ):
        assert message in summary, message
    assert "Select the agreed score for Prevention" in summary  # its "7"
    assert page.soup.title.get_text().startswith("Error:")
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    # Nothing at all, and a missing date.
    page = client.submit(path, {})
    assert "Enter the date the meeting was held" in page.get_data(as_text=True)
    fresh_session()
    assert db.session.get(AuditCase, world["case"]).status != "audited"


def test_recording_saves_once_moves_the_case_on_and_logs_it(client, world):
    sign_in(client, world["facilitator"])
    path = BASE.format(id=world["case"]) + "/record"
    data = _form(world, **_escalation(0, world["orgs"][1], outcome="Lead reviewing"))
    response = client.submit(path, data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/audit-meeting/minutes?saved=1")
    fresh_session()
    case = db.session.get(AuditCase, world["case"])
    assert case.status == "audited"
    meeting = db.session.scalars(select(Meeting)).one()
    assert meeting.held_on == date(2026, 11, 3)
    assert [o.organisation_id for o in meeting.organisations] == [world["orgs"][0]]
    assert meeting.principle("empowerment").score == "2"
    assert meeting.principle("accountability").narrative == "Agreed on Accountability"
    assert [(e.organisation_id, e.outcome) for e in meeting.escalations] == [
        (world["orgs"][1], "Lead reviewing")
    ]
    # Changed from the form as saved, then sent twice (a double click): one record, updated once.
    data = _form(
        world,
        version=_version(client, path),
        score_empowerment="1",
        organisations_present=[str(o) for o in world["orgs"]],
        **_escalation(0, world["orgs"][1], outcome="Closed"),
        **_escalation(1, world["orgs"][0], by="Sam Coordinator"),
    )
    assert client.submit(path, data).status_code == 303
    assert client.submit(path, data).status_code == 303
    fresh_session()
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    assert db.session.scalar(select(func.count(MeetingPrinciple.meeting_id))) == 6
    meeting = db.session.scalars(select(Meeting)).one()
    db.session.refresh(meeting)
    assert meeting.principle("empowerment").score == "1"
    assert sorted(o.organisation_id for o in meeting.organisations) == sorted(world["orgs"])
    assert [e.escalated_by for e in meeting.escalations] == ["Jo Facilitator", "Sam Coordinator"]
    # An escalation removed: the record keeps the others.
    removed = _form(world, version=_version(client, path), **_escalation(0, world["orgs"][0]))
    assert client.submit(path, removed).status_code == 303
    fresh_session()
    assert db.session.scalar(select(func.count(Escalation.id))) == 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("meeting_%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["meeting_recorded", "meeting_updated", "meeting_updated"]
    # The form shows what was saved.
    page = client.get(path)
    checked = page.soup.find("input", attrs={"name": "score_empowerment", "checked": True})
    assert checked["value"] == "2"
    assert page.soup.select_one("#held_on-day")["value"] == "03"
    assert page.soup.select_one("input[name='escalations-0-escalated_by']")["value"] == (
        "Jo Facilitator"
    )


def test_a_save_from_a_form_opened_before_another_save_is_refused_and_shows_theirs(client, world):
    """Two tabs: the second saves over nothing; it is told, and shown the record as it is."""
    sign_in(client, world["facilitator"])
    path = BASE.format(id=world["case"]) + "/record"
    opened = _version(client, path)  # both tabs open the empty form
    assert client.submit(path, _form(world, version=opened, summary="First tab")).status_code == 303
    page = client.submit(path, _form(world, version=opened, summary="Second tab"))
    assert page.status_code == 409
    assert "Someone else saved this meeting record" in page.soup.select_one("[role=alert]").text
    assert page.soup.find("textarea", attrs={"name": "summary"}).text.strip() == "First tab"
    fresh_session()
    assert db.session.scalars(select(Meeting)).one().summary == "First tab"
    # The form as now shown saves.
    again = _form(world, version=_version(client, path), summary="Second tab")
    assert client.submit(path, again).status_code == 303
    fresh_session()
    assert db.session.scalars(select(Meeting)).one().summary == "Second tab"
    # A stale form whose record is the one saved (a resent form) is not a conflict.
    resent = _form(world, version=opened, summary="Second tab")
    assert client.submit(path, resent).status_code == 303


def test_a_case_further_on_stays_where_it_is(client, world):
    fresh_session()
    db.session.get(AuditCase, world["case"]).status = "feedback_sent"
    db.session.commit()
    sign_in(client, world["coordinator"])
    assert client.submit(BASE.format(id=world["case"]) + "/record", _form(world)).status_code == 303
    fresh_session()
    assert db.session.get(AuditCase, world["case"]).status == "feedback_sent"


def test_add_another_and_remove_escalations_keep_what_was_typed(client, world):
    sign_in(client, world["facilitator"])
    path = BASE.format(id=world["case"]) + "/record"
    page = client.submit(path, _form(world, add_escalation="1"))
    assert page.status_code == 200
    assert page.soup.select("select[name='escalations-0-organisation']")
    data = _form(
        world,
        summary="Typed but not saved",
        add_escalation="1",
        **_escalation(0, world["orgs"][0], by="First person"),
    )
    page = client.submit(path, data)
    assert page.soup.select("select[name='escalations-1-organisation']")
    assert "Typed but not saved" in page.get_data(as_text=True)
    data = _form(
        world,
        remove_escalation="0",
        **_escalation(0, world["orgs"][0], by="First person"),
        **_escalation(1, world["orgs"][1], by="Second person"),
    )
    page = client.submit(path, data)
    body = page.get_data(as_text=True)
    assert "Second person" in body and "First person" not in body
    assert page.soup.select_one("input[name='escalations-0-escalated_by']")["value"] == (
        "Second person"
    )
    # Nothing was saved by adding or removing.
    fresh_session()
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    # A nonsense index is only the form shown again.
    assert client.submit(path, _form(world, remove_escalation="²")).status_code == 200


def test_the_record_shows_total_and_band_and_prints(client, world):
    sign_in(client, world["facilitator"])
    path = BASE.format(id=world["case"]) + "/record"
    scores = _scores(("2", "2", "1", "2", "1", "NA"))
    client.submit(path, _form(world, summary="<b>Joint</b> visit", **scores))
    page = client.get(BASE.format(id=world["case"]) + "/minutes")
    assert "&lt;b&gt;Joint&lt;/b&gt; visit" in page.get_data(as_text=True)  # text, not markup
    text = " ".join(page.soup.select_one("main").get_text().split())
    assert "8 out of 10" in text and "Good" in text
    assert " ".join(BANDS_EXPLAINED.split()) in text
    assert "1 – Partially met" in text and "NA – Not applicable" in text
    # Too few scored: no band, said so.
    scores = _scores(("2", "NA", "NK", "NA", "1", "NA"))
    client.submit(path, _form(world, version=_version(client, path), **scores))
    text = " ".join(client.get(BASE.format(id=world["case"]) + "/minutes").soup.get_text().split())
    assert "3 out of 4" in text and "Too few scored" in text


def test_the_record_downloads_as_a_tagged_pdf_with_the_agreed_scores(client, world):
    sign_in(client, world["facilitator"])
    base = BASE.format(id=world["case"])
    assert client.get(base + "/minutes.pdf").status_code == 303  # nothing recorded yet
    scores = _scores(("2", "1", "0", "NK", "2", "1"))
    client.submit(base + "/record", _form(world, **scores, **_escalation(0, world["orgs"][1])))
    response = client.get(base + "/minutes.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="audit-meeting-record.pdf"'
    assert REF not in disposition and response.headers["Cache-Control"] == "no-store"
    pdf = response.data
    assert_tagged(pdf)
    text = flat(text_of(pdf))
    for p, score in zip(PRINCIPLES, ("2", "1", "0", "NK", "2", "1"), strict=True):
        assert f"{p.title} {score} – {SCORES[score]}" in text, p.title
    assert "6 out of 10" in text and "Requires improvement" in text
    assert "Royal Devon NHS" in text and "Jo Facilitator" in text
    assert "Sam Example" not in text  # the adult is never named in the record


def test_roles(client, world, app):
    case_id = world["case"]
    paths = [BASE.format(id=case_id) + tail for tail in ("", "/record", "/minutes")]
    other = make_user("facilitator", email="other@example.org")
    sign_in(client, other)
    for path in [*paths, paths[0] + "/minutes.pdf"]:
        assert client.get(path).status_code == 404, path
    for role in ("learning_group", "admin"):
        someone = app.test_client()
        sign_in(someone, make_user(role, email=f"{role}@example.org"))
        for path in paths:
            assert someone.get(path).status_code in (403, 404), (role, path)
    # The assigned facilitator and a coordinator reach every page.
    sign_in(client, world["facilitator"])
    assert [client.get(p).status_code for p in paths] == [200, 200, 303]


def test_every_text_box_is_held_to_its_column():
    """Meeting narratives and free text are Text columns (held to 2,000 characters by the
    form); who escalated is String(120) and the form holds it there."""
    from portal.staff.forms import TEXT_MAX
    from portal.staff.meetings import EscalationForm

    assert Escalation.__table__.c.escalated_by.type.length == 120
    by = EscalationForm.escalated_by.kwargs["validators"][-1]
    assert by.max == 120
    for name in ("summary", "learning_points", "recommendations", "practitioners_consulted"):
        assert getattr(MeetingForm, name).kwargs["validators"][-1].max == TEXT_MAX
        assert Meeting.__table__.c[name].type.length is None
    assert MeetingPrinciple.__table__.c.narrative.type.length is None


def test_the_demo_records_a_meeting_once_returns_are_in(world):
    from portal.demo import load_meeting

    from .staff_helpers import make_case

    assert load_meeting(make_case("EMPTY-1")) == []  # no returns yet: no meeting
    case = db.session.get(AuditCase, world["case"])
    assert load_meeting(case) == [f"Recorded the audit meeting for {REF}"]
    assert load_meeting(case) == []
    db.session.commit()
    fresh_session()
    assert db.session.get(AuditCase, world["case"]).status == "audited"
    assert len(db.session.scalars(select(Meeting)).all()) == 1


def test_two_saves_at_once_make_one_record(app, world):
    """Two tabs saved at the same moment: the case's lock lets one create the record and the
    other update it, never two records (nor a unique-constraint error)."""
    import threading

    from portal.services.locks import one_at_a_time

    case_id, errors = world["case"], []
    barrier = threading.Barrier(2)
    fresh_session()

    def save(score):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                one_at_a_time(case_id)
                case = db.session.get(AuditCase, case_id)
                record = meetings.MeetingRecord(
                    held_on=date(2026, 11, 3), scores={"empowerment": score}
                )
                meetings.save(case, record, actor="cli")
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(s,)) for s in ("2", "1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    fresh_session()
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("meeting_%"))
    ).all()
    assert sorted(actions) == ["meeting_recorded", "meeting_updated"]
