"""Reading and writing one response's answers, whoever gives them: the adult's session
(portal/journey/saving.py) or staff recording answers given by phone or on a visit.

Respondent and contact fields live on Response, consent fields on ConsentRecord, questions in
Answer rows (option codes and a comment), and each saved page is a SavedPage row. Which store a
page uses comes from its step's ``store``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, fields, replace
from datetime import date
from functools import cache
from types import SimpleNamespace

from sqlalchemy import Insert, String, bindparam, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Answer, ConsentRecord, Response, SavedPage, utcnow
from ..models.events import record
from ..questionnaire import QUESTION_IDS, STEPS, Progress, Step
from .runner import route

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, so it reads back over the phone


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


class Shown(SimpleNamespace):
    """A response as a page shows it, read as plain values rather than ORM objects (loading the
    objects cost check answers a sixth of its time): its own columns as attributes, as a
    Response has them, ``consent`` (a namespace of its columns, or None) and ``answers`` (by
    question). What current_values, summary_rows and the confirmation read of a response; pages
    that change it use the Response itself."""

    def answer(self, question_id: str) -> SimpleNamespace | None:
        return self.answers.get(question_id)


@dataclass(frozen=True)
class Draft:
    """What every journey page needs to know about this browser's draft, read in one query."""

    response_id: int
    invitation_id: int
    case_id: int
    submitted: bool
    progress: Progress
    # The answer saved for the question asked about, if any: (option codes, comment).
    answer: tuple[str, str | None] | None
    # The response with its consent (and answers, if asked for), if it was read with the draft:
    # a Response when it is to be changed, else as Shown.
    whole: Response | Shown | None = None

    def response(self) -> Response | Shown:
        """The response with its consent and answers, for the pages that show or change more
        than this: as read with the draft (Shown on a page that only shows it, ORM objects when
        sending), or else as ORM objects in one query (read afresh: saving writes past the
        ORM), for a save that sends."""
        if self.whole is not None:
            return self.whole
        return db.session.get(
            Response,
            self.response_id,
            options=(joinedload(Response.consent), joinedload(Response.answers)),
            populate_existing=True,
        )


# The answers that choose a person's route, named as the fields that give them.
ROUTE_CHOICES = tuple(f.name for f in fields(Progress) if f.name != "answered")


def progress(response: Response) -> Progress:
    consent = response.consent
    return Progress(
        respondent=response.respondent,
        decision=consent.decision if consent else None,
        anonymous_feedback=consent.anonymous_feedback if consent else None,
        answered=response.saved,
    )


def current_values(step: Step, response: Response | Shown) -> dict:
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


def _defaults(step: Step, response: Response | Shown) -> dict:
    """A representative has told us their name and relationship already: offer them again."""
    if step.id == "consent" and response.respondent == "representative":
        return {
            "completed_by": response.representative_name,
            "relationship": response.representative_relationship,
        }
    return {}


def stored_values(step: Step, data: dict) -> dict:
    """A page's form values as its store keeps them: a question's option codes (space
    separated) and comment; otherwise a column per field, and for consent when it was given."""
    if step.store == "answer":
        main = step.fields[0]
        value = data.get(main.id) if main.kind in ("radios", "checkboxes") else None
        return {
            "codes": " ".join(value) if isinstance(value, list) else (value or ""),
            "comment": data.get(f"{step.id}_comment") or None,
        }
    values = {}
    for spec in step.fields:
        value = data.get(spec.id)
        values[spec.id] = bool(value) if spec.kind == "declaration" else value or None
    if step.id == "consent":
        values["recorded_at"] = utcnow()
        values["signed_on"] = date.today() if values["decision"] == "agree" else None
    return values


@cache
def _writes(dialect: str, store: str, names: tuple[str, ...]) -> tuple[tuple, Insert]:
    """The statements that write a page's values (the columns ``names`` of its ``store``) and
    its format, language and time on the response; and the one that marks it saved. Built once
    per kind of page: building them cost a save more than the database's work. Each value is
    bound as v_<name>."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    answer, consent, response, saved = (
        model.__table__ for model in (Answer, ConsentRecord, Response, SavedPage)
    )
    values = {name: bindparam(f"v_{name}") for name in names}
    on_response = {
        "updated_at": bindparam("now", type_=response.c.updated_at.type),
        "format": func.coalesce(bindparam("format", type_=String), response.c.format),
        "language": func.coalesce(bindparam("language", type_=String), response.c.language),
    }
    statements = []
    if store == "answer":
        upsert = insert(answer).values(
            response_id=bindparam("response_id"), question_id=bindparam("page"), **values
        )
        keys = [answer.c.response_id, answer.c.question_id]
    elif store == "consent":
        upsert = insert(consent).values(response_id=bindparam("response_id"), **values)
        keys = [consent.c.response_id]
    else:
        on_response.update(values)
    if store in ("answer", "consent"):
        excluded = {name: upsert.excluded[name] for name in names}
        statements.append(upsert.on_conflict_do_update(index_elements=keys, set_=excluded))
    statements.append(
        update(response).where(response.c.id == bindparam("response_id")).values(on_response)
    )
    mark = (
        insert(saved)
        .values(response_id=bindparam("response_id"), page=bindparam("page"))
        .on_conflict_do_nothing()
    )
    return tuple(statements), mark


def write_page(
    draft: Draft,
    step: Step,
    data: dict,
    format: str | None = None,
    language: str | None = None,
) -> Progress:
    """Write one page's values and mark the page saved (in which format and language, if
    given), in the current transaction; returns the progress after it. The caller has checked
    that the page may be saved. Upserts, so a page saved again keeps one row."""
    values = stored_values(step, data)
    params = {
        "response_id": draft.response_id,
        "page": step.id,
        "now": utcnow(),
        "format": format,
        "language": language,
        **{f"v_{name}": value for name, value in values.items()},
    }
    dialect = db.session.get_bind().dialect.name
    writes, mark = _writes(dialect, step.store, tuple(values))
    for statement in writes:
        db.session.execute(statement, params)
    before = draft.progress
    # A page saved before has its mark already (marks are only ever added, and the journey read
    # its draft under the draft's lock): saving it again is one statement fewer.
    if step.id not in before.answered:
        db.session.execute(mark, params)
    after = replace(
        before,
        answered=before.answered | {step.id},
        **{name: values[name] for name in ROUTE_CHOICES if name in values},
    )
    ids = {"case_id": draft.case_id, "invitation_id": draft.invitation_id}
    if not before.answered:
        record("started", **ids)
    if step.id == "consent" and after.decision and after.decision != before.decision:
        record("consent_given" if after.decision == "agree" else "consent_declined", **ids)
    return after


def save_step(step: Step, response: Response, data: dict) -> None:
    """A page staff record for ``response`` (answers given by phone or visit), written as the
    journey writes it, in the current transaction. Staff pages check the route themselves."""
    draft = Draft(
        response_id=response.id,
        invitation_id=response.invitation_id,
        case_id=response.invitation.case_id,
        submitted=response.status == "submitted",
        progress=progress(response),
        answer=None,
    )
    write_page(draft, step, data)
    db.session.expire(response)  # written past the ORM: read afresh


def discard_off_route(response: Response, state: Progress | None = None) -> None:
    """On submit, drop answers to pages this person's final choices took them past, so a
    decision to decline never carries earlier answers along with it. ``state`` is the
    response's progress, if the caller has read it already."""
    pages = set(route(state or progress(response)))
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
