"""Moving a page's values between the definition's fields and the database.

Respondent and contact fields live on Response, consent fields on ConsentRecord, questions in
Answer rows (option codes and a comment). Which is which comes from each step's ``store``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

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
        if answer is None:
            return {}
        main = step.fields[0]
        values = {f"{step.id}_comment": answer.comment or ""}
        if main.kind == "radios":
            values[main.id] = answer.codes or None
        elif main.kind == "checkboxes":
            values[main.id] = answer.code_list
        return values
    target = response if step.store == "response" else response.consent
    if target is None:
        return _defaults(step, response)
    return {spec.id: getattr(target, spec.id) for spec in step.fields}


def _defaults(step: Step, response: Response) -> dict:
    """A representative has told us their name and relationship already: offer them again."""
    if step.id == "consent" and response.respondent == "representative":
        return {
            "completed_by": response.representative_name,
            "relationship": response.representative_relationship,
        }
    return {}


def save_step(step: Step, response: Response, data: dict) -> None:
    """Save one page's answers in the current transaction, and remember the page was saved."""
    if step.store == "answer":
        _save_answer(step, response, data)
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
    response.mark_saved(step.id)
    response.updated_at = utcnow()


def _save_answer(step: Step, response: Response, data: dict) -> None:
    main = step.fields[0]
    value = data.get(main.id) if main.kind in ("radios", "checkboxes") else None
    codes = " ".join(value) if isinstance(value, list) else (value or "")
    comment = data.get(f"{step.id}_comment") or None
    answer = response.answer(step.id)
    if answer is None:
        # Two tabs saving the same question at once: the unique constraint keeps one row and
        # the loser updates it instead.
        try:
            with db.session.begin_nested():
                db.session.add(Answer(response_id=response.id, question_id=step.id))
        except IntegrityError:
            pass
        db.session.expire(response, ["answers"])
        answer = response.answer(step.id)
    answer.codes = codes
    answer.comment = comment


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
