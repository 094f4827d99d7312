"""Moving a page's values between the definition's fields and the database.

Respondent and contact fields live on Response, consent fields on ConsentRecord, questions in
Answer rows (option codes and a comment). Which is which comes from each step's ``store``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Insert, String, bindparam, case, delete, func, literal, update
from sqlalchemy.dialects import postgresql, sqlite

from ..database import Prepared, run
from ..extensions import db
from ..models import Answer, ConsentRecord, Response, utcnow
from ..models.events import record
from ..questionnaire import QUESTION_IDS, STEPS, Progress, Step
from .runner import route


def progress(response: Response) -> Progress:
    consent = response.consent
    return Progress(
        respondent=response.respondent,
        decision=consent.decision if consent else None,
        anonymous_feedback=consent.anonymous_feedback if consent else None,
        answered=response.saved,
    )


def current_values(step: Step, response: Response) -> dict:
    """What this person saved on the page before, to fill the form in again."""
    if step.store == "answer":
        answer = response.answer(step.id)
        return answer_values(step, answer.codes, answer.comment) if answer else {}
    target = response if step.store == "response" else response.consent
    if target is None:
        return _defaults(step, response)
    return {spec.id: getattr(target, spec.id) for spec in step.fields}


def answer_values(step: Step, codes: str, comment: str | None) -> dict:
    """A question's form values from its stored option codes and comment."""
    main = step.fields[0]
    values = {f"{step.id}_comment": comment or ""}
    if main.kind == "radios":
        values[main.id] = codes or None
    elif main.kind == "checkboxes":
        values[main.id] = codes.split()
    return values


def _defaults(step: Step, response: Response) -> dict:
    """A representative has told us their name and relationship already: offer them again."""
    if step.id == "consent" and response.respondent == "representative":
        return {
            "completed_by": response.representative_name,
            "relationship": response.representative_relationship,
        }
    return {}


def save_step(
    step: Step,
    response: Response,
    data: dict,
    format: str | None = None,
    language: str | None = None,
) -> None:
    """Save one page's answers in the current transaction, and remember the page was saved
    (and in which format and language, if given)."""
    if step.store == "answer":
        save_answer(response.id, step, data)
        db.session.expire(response, ["answers"])
    elif step.store == "response":
        for spec in step.fields:
            setattr(response, spec.id, data.get(spec.id) or None)
    else:
        consent = response.consent or ConsentRecord(response=response)
        db.session.add(consent)
        before = consent.decision
        for spec in step.fields:
            value = data.get(spec.id)
            setattr(consent, spec.id, bool(value) if spec.kind == "declaration" else value or None)
        if step.id == "consent":
            consent.recorded_at = utcnow()
            consent.signed_on = date.today() if consent.decision == "agree" else None
            if consent.decision != before and consent.decision:
                action = "consent_given" if consent.decision == "agree" else "consent_declined"
                invitation = response.invitation
                record(action, case_id=invitation.case_id, invitation_id=invitation.id)
    if not response.saved:
        invitation = response.invitation
        record("started", case_id=invitation.case_id, invitation_id=invitation.id)
    mark_saved(response.id, step.id, format=format, language=language)
    db.session.expire(response, ["pages_saved", "updated_at", "format", "language"])


def _upsert(dialect) -> Insert:
    upsert = dialect.insert(Answer).values(
        response_id=bindparam("response_id"),
        question_id=bindparam("question_id"),
        codes=bindparam("codes"),
        comment=bindparam("comment"),
    )
    return upsert.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={"codes": upsert.excluded.codes, "comment": upsert.excluded.comment},
    )


# Built once: these run on every question page saved, and building them cost more than running.
_SAVE_ANSWER = {"postgresql": Prepared(_upsert(postgresql)), "sqlite": Prepared(_upsert(sqlite))}
_PAGE = bindparam("page", type_=String)
_MARK_SAVED = Prepared(
    update(Response)
    .where(Response.id == bindparam("response_id"))
    .values(
        pages_saved=case(
            (
                (literal(" ") + Response.pages_saved + " ").like("% " + _PAGE + " %"),
                Response.pages_saved,
            ),
            else_=func.trim(Response.pages_saved + " " + _PAGE),
        ),
        updated_at=bindparam("now", type_=Response.updated_at.type),
        format=func.coalesce(bindparam("format"), Response.format),
        language=func.coalesce(bindparam("language"), Response.language),
    )
)


def save_answer(response_id: int, step: Step, data: dict) -> None:
    """Store one question's answer as option codes and a comment. One upsert, so two tabs
    saving the same question at once leave one row (the unique constraint's) with the last."""
    main = step.fields[0]
    value = data.get(main.id) if main.kind in ("radios", "checkboxes") else None
    run(
        _SAVE_ANSWER[db.engine.dialect.name],
        {
            "response_id": response_id,
            "question_id": step.id,
            "codes": " ".join(value) if isinstance(value, list) else (value or ""),
            "comment": data.get(f"{step.id}_comment") or None,
        },
    )


def mark_saved(
    response_id: int, page: str, format: str | None = None, language: str | None = None
) -> None:
    """Note that ``page`` was saved (and in which format and language, if given), in the
    database itself: two tabs saving different pages at once both count, where reading the
    list and writing it back would keep only one."""
    run(
        _MARK_SAVED,
        {
            "response_id": response_id,
            "page": page,
            "now": utcnow(),
            "format": format,
            "language": language,
        },
    )


def discard_off_route(response: Response) -> None:
    """On submit, drop answers to pages this person's final choices took them past, so a
    decision to decline never carries earlier answers along with it."""
    pages = set(route(progress(response)))
    unused = [q for q in QUESTION_IDS if q not in pages]
    if unused:
        db.session.execute(
            delete(Answer).where(Answer.response_id == response.id, Answer.question_id.in_(unused))
        )
        db.session.expire(response, ["answers"])
    if "contact" not in pages:
        for spec in STEPS["contact"].fields:
            setattr(response, spec.id, None)
    if "representative" not in pages:
        for spec in STEPS["representative"].fields:
            setattr(response, spec.id, None)
