"""Appendix 1 as data: wording word for word from the source, and the adult's voice mapping."""

from __future__ import annotations

import re
from pathlib import Path

from portal import audit_tool
from portal.questionnaire import QUESTIONS_BY_ID

# The source document as plain text (../shared/spec/000_4aca16a907b92f57.txt), kept with the
# tests so that a clone anywhere can check the wording against it.
SOURCE = Path(__file__).resolve().parent / "data" / "source_document.txt"


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _source() -> str:
    return _normal(SOURCE.read_text(encoding="utf-8"))


def test_six_principles_in_the_source_order():
    assert audit_tool.PRINCIPLE_CODES == (
        "empowerment",
        "prevention",
        "proportionality",
        "protection",
        "partnership",
        "accountability",
    )
    assert [p.title for p in audit_tool.PRINCIPLES] == [
        c.title() for c in audit_tool.PRINCIPLE_CODES
    ]


def test_each_principle_has_five_guidance_questions_word_for_word():
    source = _source()
    for principle in audit_tool.PRINCIPLES:
        assert len(principle.guidance) == audit_tool.GUIDANCE_COUNT == 5
        for number, question in enumerate(principle.guidance, start=1):
            assert f"{number}. {_normal(question)}" in source, question


def test_guidance_is_listed_under_its_own_principle():
    source = _source()
    guidance = source[source.index("Guidance Empowerment") :]
    positions = [guidance.index(_normal(p.guidance[0])) for p in audit_tool.PRINCIPLES]
    assert positions == sorted(positions)


def test_principle_summaries_and_questions_come_from_the_source():
    source = _source()
    for principle in audit_tool.PRINCIPLES:
        assert _normal(principle.summary) in source
        # The source drops "the" once and a question mark once; the rest is its wording.
        words = principle.question.rstrip("?").replace("the principle of ", "")
        assert _normal(words).replace("Has the response adhered to ", "") in source


def test_scores_in_the_tools_order_with_its_wording():
    assert list(audit_tool.SCORES) == ["2", "1", "0", "NA", "NK"]
    source = _source().lower()
    for label in audit_tool.SCORES.values():
        assert label.lower() in source
    assert set(audit_tool.NUMERIC_SCORES) | set(audit_tool.NOT_SCORED) == set(audit_tool.SCORES)


def test_case_identifiers_and_return_fields_are_the_tools():
    source = _source()
    for identifier in audit_tool.CASE_IDENTIFIERS:
        if identifier.code not in ("address", "concern_raised_on"):
            assert f"{identifier.label}:" in source
    for code, label in audit_tool.RETURN_FIELDS.items():
        if code not in ("learning_points", "recommendations"):
            assert label in source, label
    assert "Learning points and recommendations" in source
    assert len(audit_tool.IDENTIFIERS) == len(audit_tool.CASE_IDENTIFIERS)


def test_case_identifiers_name_real_columns():
    from portal.models import AuditCase, Participant

    for identifier in audit_tool.CASE_IDENTIFIERS:
        model, _, column = identifier.attribute.rpartition(".")
        table = Participant if model == "adult" else AuditCase
        assert column in table.__table__.columns, identifier


def test_adult_voice_names_real_questions_for_every_principle():
    assert list(audit_tool.ADULT_VOICE) == list(audit_tool.PRINCIPLE_CODES)
    for principle, questions in audit_tool.ADULT_VOICE.items():
        assert questions, principle
        for qid in questions:
            assert qid in QUESTIONS_BY_ID, (principle, qid)
    assert "q1" in audit_tool.ADULT_VOICE["empowerment"]  # "listened to"
    assert "q8" in audit_tool.ADULT_VOICE["protection"]  # "feel safer"
