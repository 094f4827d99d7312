"""Property-based tests: whatever arrives in a form (arbitrary unicode, very long values,
missing or repeated fields), the answer is a page with a clear error or a redirect, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.questionnaire import STEPS

from .helpers import CONSENT_AGREE, answer_questions, begin, new_link

# Browsers cannot send lone surrogates, so neither do we.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=3000)
VALUE = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=4), st.sampled_from(["", " ", "y"]))


def fields_of(step_id: str) -> list[str]:
    step = STEPS[step_id]
    return [spec.id for spec in step.fields] + ["csrf_token_extra", "unexpected"]


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
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_input_to_any_page_is_handled(ready, step_id, data):
    names = fields_of(step_id)
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    form = {name: data.draw(VALUE) for name in chosen}
    form["csrf_token"] = ready.csrf_token("/")
    response = ready.post(f"/feedback/{step_id}", data=form)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        # Back on the page: the reason is shown in a GOV.UK error summary.
        assert response.soup.select(".govuk-error-summary__list a")
