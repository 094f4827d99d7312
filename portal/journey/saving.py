"""Moving a page's values between the definition's fields and the database.

Respondent and contact fields live on Response, consent fields on ConsentRecord, questions in
Answer rows (option codes and a comment). Which is which comes from each step's ``store``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from itertools import product

from sqlalchemy import (
    Insert,
    String,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from ..database import Prepared, run
from ..extensions import db
from ..models import Answer, ConsentRecord, Invitation, Response, utcnow
from ..models.events import record
from ..questionnaire import QUESTION_IDS, STEPS, Progress, Step
from .runner import route
from .state import session_ids


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
_NOW = bindparam("now", type_=Response.updated_at.type)
# The saved pages with a space either side, so " q1 " is found in it and not inside " q12 ".
_SPACE = literal_column("' '", String)
_PADDED_PAGES = _SPACE + Response.pages_saved + _SPACE
# The page added to the response's list of saved pages in the database itself, with when and
# (if given) in which format and language.
_MARKED = {
    "pages_saved": case(
        (_PADDED_PAGES.like("% " + _PAGE + " %"), Response.pages_saved),
        else_=func.trim(Response.pages_saved + " " + _PAGE),
    ),
    "updated_at": _NOW,
    "format": func.coalesce(bindparam("format"), Response.format),
    "language": func.coalesce(bindparam("language"), Response.language),
}
_MARK_SAVED = Prepared(
    update(Response).where(Response.id == bindparam("response_id")).values(_MARKED)
)


def _answer(step: Step, data: dict) -> dict:
    """A question's values as stored: its option codes (space-separated) and its comment."""
    main = step.fields[0]
    value = data.get(main.id) if main.kind in ("radios", "checkboxes") else None
    return {
        "question_id": step.id,
        "codes": " ".join(value) if isinstance(value, list) else (value or ""),
        "comment": data.get(f"{step.id}_comment") or None,
    }


def save_answer(response_id: int, step: Step, data: dict) -> None:
    """Store one question's answer as option codes and a comment. One upsert, so two tabs
    saving the same question at once leave one row (the unique constraint's) with the last."""
    run(_SAVE_ANSWER[db.engine.dialect.name], {"response_id": response_id, **_answer(step, data)})


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


def _constant(value: str):
    """A page id or option code written into a statement rather than bound: they are fixed by
    the definition, so they belong in the statement PostgreSQL prepares once, not among the
    values sent with every save (``_may_save`` has a hundred or so)."""
    if not re.fullmatch(r"[a-z0-9_% ]+", value):
        raise ValueError(value)
    return literal_column(f"'{value}'", String)


def _saved_page(page: str):
    return _PADDED_PAGES.like(_constant(f"% {page} %"))


def _choices(step: str, field: str) -> tuple[str | None, ...]:
    return (*(option.code for option in STEPS[step].field(field).options), None)


def route_choices() -> list[tuple[str | None, str | None, str | None]]:
    """Every combination of the answers that choose a person's route: who is answering, the
    consent decision and the anonymous-feedback choice, each possibly not given yet."""
    return list(
        product(
            _choices("who", "respondent"),
            _choices("consent", "decision"),
            _choices("anonymous", "anonymous_feedback"),
        )
    )


def _may_save(page: str):
    """``runner.allowed(page, progress)`` as SQL over the draft's own columns. The route is
    worked out by the runner for every combination of the answers that choose it, so runner.py
    stays the one place that decides which pages may be opened (tests/test_saving.py holds the
    two equal)."""

    def same(column, value):
        return column.is_(None) if value is None else column == _constant(value)

    # The pages that must be saved first -> the combinations of answers that ask for them.
    needs: dict[tuple[str, ...], list] = {}
    for respondent, decision, anonymous in route_choices():
        pages = route(Progress(respondent, decision, anonymous))
        if page in pages:
            needs.setdefault(tuple(pages[: pages.index(page)]), []).append(
                and_(
                    same(Response.respondent, respondent),
                    same(ConsentRecord.decision, decision),
                    same(ConsentRecord.anonymous_feedback, anonymous),
                )
            )
    return or_(
        false(),
        *(
            and_(or_(*answers), *(_saved_page(earlier) for earlier in earlier_pages))
            for earlier_pages, answers in needs.items()
        ),
    )


@cache
def _save_question(page: str) -> Prepared:
    """Check, save the answer and mark the page saved, as one statement (PostgreSQL). Built on
    first use: building all twelve when the module loads cost every start-up 25 ms."""
    draft = (
        select(
            Response.id,
            Response.respondent,
            ConsentRecord.decision,
            ConsentRecord.anonymous_feedback,
        )
        .select_from(Invitation)
        .join(Response, Response.invitation_id == Invitation.id)
        .outerjoin(ConsentRecord, ConsentRecord.response_id == Response.id)
        .where(
            Invitation.id == bindparam("invitation_id"),
            Invitation.session_generation == bindparam("generation"),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > _NOW,
            Response.status == "draft",
            _may_save(page),
        )
        # Waits for a submit under way in another tab, then sees it and saves nothing.
        .with_for_update(of=Response)
        .cte("draft")
    )
    upsert = postgresql.insert(Answer).from_select(
        ["response_id", "question_id", "codes", "comment"],
        select(draft.c.id, bindparam("question_id"), bindparam("codes"), bindparam("comment")),
    )
    upsert = upsert.on_conflict_do_update(
        index_elements=["response_id", "question_id"],
        set_={"codes": upsert.excluded.codes, "comment": upsert.excluded.comment},
    )
    return Prepared(
        update(Response)
        .where(Response.id == draft.c.id)
        .values(_MARKED)
        .returning(
            Response.pages_saved, draft.c.respondent, draft.c.decision, draft.c.anonymous_feedback
        )
        .add_cte(upsert.cte("saved"))
    )


def save_question(step: Step, data: dict, format: str, language: str) -> Progress | None:
    """Save a question page in one round trip, if this browser's session may save it now: the
    session is the link's live one, the draft is not sent yet, and every earlier page on the
    person's route is saved. Returns the progress after saving, or None if nothing was saved;
    the caller then reads the draft to tell the person why. PostgreSQL only: SQLite, in the
    same process, has no round trips to save and always returns None."""
    ids = session_ids()
    if ids is None or db.engine.dialect.name != "postgresql":
        return None
    row = run(
        _save_question(step.id),
        {
            "invitation_id": ids[0],
            "generation": ids[1],
            "now": utcnow(),
            "page": step.id,
            "format": format,
            "language": language,
            **_answer(step, data),
        },
    )
    if row is None:
        return None
    return Progress(
        respondent=row.respondent,
        decision=row.decision,
        anonymous_feedback=row.anonymous_feedback,
        answered=set(row.pages_saved.split()),
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
