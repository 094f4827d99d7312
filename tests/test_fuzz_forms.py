"""Property-based tests: whatever arrives in a public form (arbitrary unicode, very long values,
missing fields, fields repeated thousands of times, digits from other scripts, impossible
numbers) or in the delivery receipts callback (JSON of every type), the answer is a page with a
clear error, a redirect or a refusal, never a 500. Staff forms: tests/test_bad_input.py."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal import delivery
from portal.delivery.receipts import RECEIPT_MAX_BYTES
from portal.extensions import db, limiter
from portal.models import Answer
from portal.questionnaire import STEPS

from .delivery_support import CALLBACK_TOKEN, invite, participant
from .helpers import CONSENT_AGREE, answer_questions, begin, new_link
from .strategies import JSON, NUMBER, draw_form, refused_as_too_large, repeated, value

FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fields_of(step_id: str) -> dict[str, st.SearchStrategy]:
    """Each field of the page, with the values it may be sent (its options among them), and
    some it never expects."""
    fields = {spec.id: value(tuple(o.code for o in spec.options)) for spec in STEPS[step_id].fields}
    return {**fields, "csrf_token_extra": value(), "unexpected": value()}


def assert_handled(app, response, form: dict, ok: tuple[int, ...]) -> None:
    if not refused_as_too_large(app, response, form):
        assert response.status_code in ok, response.status_code


@pytest.fixture
def ready(app, client):
    """A journey with every page saved, so every page accepts a POST."""
    begin(client, new_link())
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    answer_questions(client)
    client.submit("/feedback/contact", {})
    return client


@pytest.mark.parametrize("step_id", sorted(STEPS))
@FUZZ
@given(data=st.data())
def test_any_input_to_any_page_is_handled(app, ready, step_id, data):
    fields = fields_of(step_id)
    form = draw_form(data, fields)
    form["csrf_token"] = ready.csrf_token("/")
    response = ready.post(f"/feedback/{step_id}", data=form)
    assert_handled(app, response, form, (200, 302))
    if response.status_code == 200:
        # Back on the page: the reason is shown in a GOV.UK error summary.
        assert response.soup.select(".govuk-error-summary__list a")


CHECKBOXES = [(s.id, f) for s in STEPS.values() for f in s.fields if f.kind == "checkboxes"]


@FUZZ
@given(data=st.data())
def test_options_sent_many_times_are_stored_once(app, ready, data):
    for step_id, spec in CHECKBOXES:
        codes = [option.code for option in spec.options if not option.exclusive]
        sent = data.draw(st.lists(repeated(st.sampled_from(codes)), min_size=1, max_size=3))
        sent = [code for many in sent for code in many]
        form = {spec.id: sent, "csrf_token": ready.csrf_token("/")}
        assert ready.post(f"/feedback/{step_id}", data=form).status_code == 302
        db.session.commit()  # a fresh snapshot, as a new request would have
        stored = db.session.scalars(select(Answer.codes).where(Answer.question_id == step_id))
        assert stored.one() == " ".join(code for code in codes if code in sent)


# The other public forms: the code on a letter, and the language and format switch.
OTHER_FORMS = {"/code": ("code",), "/preferences": ("lang", "format", "next")}


@pytest.mark.parametrize("path", sorted(OTHER_FORMS))
@FUZZ
@given(data=st.data())
def test_any_input_to_the_other_public_forms_is_handled(app, client, path, data):
    fields = {name: value() for name in (*OTHER_FORMS[path], "unexpected")}
    form = draw_form(data, {**fields, "code": value(likely=NUMBER)} if path == "/code" else fields)
    form["csrf_token"] = client.csrf_token("/")
    # A new address each time: wrong codes block the address they come from.
    address = f"10.{data.draw(st.integers(0, 255))}.{data.draw(st.integers(0, 255))}.1"
    limiter.enabled = False  # far more tries than a person could make
    try:
        response = client.post(path, data=form, environ_base={"REMOTE_ADDR": address})
    finally:
        limiter.enabled = True
    assert_handled(app, response, form, (400, 429) if path == "/code" else (302,))


RECEIPTS = "/delivery/notify/receipts"
STATUSES = ("delivered", "permanent-failure", "temporary-failure", "sending", "created")


@pytest.fixture
def sent_reference(app):
    app.config["NOTIFY_CALLBACK_TOKEN"] = CALLBACK_TOKEN
    invitation, token = invite(participant("email"))
    message = delivery.queue_invitation(invitation, token, actor="test")
    message.status = "sent"
    db.session.commit()
    return message.reference


@FUZZ
@given(data=st.data())
def test_any_json_to_the_receipts_callback_is_handled(app, client, sent_reference, data):
    receipt = st.fixed_dictionaries(
        {"reference": st.just(sent_reference) | JSON, "status": st.sampled_from(STATUSES) | JSON},
        optional={"id": JSON, "to": JSON},
    )
    body = json.dumps(data.draw(JSON | receipt)).encode()
    response = client.post(
        RECEIPTS,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"},
    )
    if len(body) > RECEIPT_MAX_BYTES:
        assert response.status_code == 413
        return
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        sent = json.loads(body)
        assert isinstance(sent["reference"], str) and isinstance(sent["status"], str)
