"""The adult's browser session: which invitation it belongs to, and whether it still counts.

The session cookie holds only the invitation's id and the generation it began at. Beginning again
from the link bumps the generation in the database, which ends every older session at once.
"""

from __future__ import annotations

from enum import Enum
from types import SimpleNamespace

from flask import session
from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.orm import joinedload

from ..answers.runner import allowed
from ..answers.saving import Draft, Shown, new_reference
from ..database import read
from ..extensions import db
from ..models import Answer, ConsentRecord, Invitation, Response, SavedPage, utcnow
from ..questionnaire import Progress


def start_session(invitation_id: int, generation: int, language: str, format: str) -> None:
    """A fresh session (and with it a fresh CSRF token) for the person who has just begun on
    this invitation, in its recorded language and format unless they chose others."""
    keep = {k: session[k] for k in ("lang", "format") if k in session}
    session.clear()
    session.update(keep)
    session["inv"] = invitation_id
    session["gen"] = generation
    session.setdefault("lang", language)
    session.setdefault("format", format)


def end_session() -> None:
    """Forget this browser's session and end it on the server too, as beginning again does: the
    generation moves on, so a copy of the cookie stops working. Only the live session moves it,
    so an old copy cannot end the session someone is using now."""
    ids = session_ids()
    if ids is not None:
        inv_id, generation = ids
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == inv_id, Invitation.session_generation == generation)
            .values(session_generation=generation + 1)
        )
        db.session.commit()
    session.clear()


class Refusal(Enum):
    """Why a session may not open or save a page now."""

    SESSION_ENDED = "session ended"  # not the link's live session, or the link stopped working
    SENT = "already sent"
    NOT_YET = "an earlier page on the route is not saved yet"


# The journey's reads are built on the tables, not the mapped classes: a statement of plain
# columns then runs on SQLAlchemy's Core path, which cost a question page a fifth less than the
# ORM's handling of the same statement (it loads no objects, so it needs none of it).
_INVITATION, _RESPONSE_T, _CONSENT, _ANSWER, _SAVED_PAGE = (
    model.__table__ for model in (Invitation, Response, ConsentRecord, Answer, SavedPage)
)
# The pages this response has saved, as one space-separated value (string_agg on PostgreSQL,
# group_concat on SQLite), so the draft is one row however many pages are saved.
_SAVED = (
    select(func.aggregate_strings(_SAVED_PAGE.c.page, " "))
    .where(_SAVED_PAGE.c.response_id == _RESPONSE_T.c.id)
    .scalar_subquery()
    .label("saved")
)
# Whether this browser's session is the link's live one, and the pages saved.
_SESSION = (
    _INVITATION.c.case_id,
    _INVITATION.c.session_generation,
    _INVITATION.c.revoked_at,
    _INVITATION.c.expires_at,
    _SAVED,
)
# A question page, shown or saved: plain columns, with the saved answer to question "q" if any
# (one row). Built once, as it runs on every journey page.
_DRAFT = (
    select(
        *_SESSION,
        _RESPONSE_T.c.id.label("response_id"),
        _RESPONSE_T.c.status,
        _RESPONSE_T.c.respondent,
        _CONSENT.c.decision,
        _CONSENT.c.anonymous_feedback,
        _ANSWER.c.codes,
        _ANSWER.c.comment,
    )
    .join(_RESPONSE_T, _RESPONSE_T.c.invitation_id == _INVITATION.c.id)
    .outerjoin(_CONSENT, _CONSENT.c.response_id == _RESPONSE_T.c.id)
    .outerjoin(
        _ANSWER,
        and_(_ANSWER.c.response_id == _RESPONSE_T.c.id, _ANSWER.c.question_id == bindparam("q")),
    )
    .where(_INVITATION.c.id == bindparam("id"))
)
# The pages that only show the response read it as plain columns (answers.saving.Shown): the
# response's own, its consent's (named consent_<column>), and for check answers and the
# confirmation every answer's, a row each.
_SHOWN = (
    select(
        _RESPONSE_T,
        *(column.label(f"consent_{column.name}") for column in _CONSENT.c),
        *_SESSION,
    )
    .join(_INVITATION, _INVITATION.c.id == _RESPONSE_T.c.invitation_id)
    .outerjoin(_CONSENT, _CONSENT.c.response_id == _RESPONSE_T.c.id)
    .where(_INVITATION.c.id == bindparam("id"))
)
_SHOWN_ANSWERS = _SHOWN.add_columns(
    _ANSWER.c.question_id, _ANSWER.c.codes, _ANSWER.c.comment
).outerjoin(_ANSWER, _ANSWER.c.response_id == _RESPONSE_T.c.id)
# Saving a page: the draft, locking the response's row.
_SAVING = _DRAFT.with_for_update(of=_RESPONSE_T)
# Sending changes the response itself: it is read as ORM objects with its consent and every
# answer, locking its row, and read afresh (saving writes past the ORM).
_SENDING = (
    select(Response, *_SESSION)
    .join(Response.invitation)
    .options(joinedload(Response.consent), joinedload(Response.answers))
    .where(Invitation.id == bindparam("id"))
    .execution_options(populate_existing=True)
    .with_for_update(of=_RESPONSE_T)
)


def session_ids() -> tuple[int, int] | None:
    """The invitation this browser's session belongs to and the generation it began at."""
    inv_id, generation = session.get("inv"), session.get("gen")
    if isinstance(inv_id, int) and isinstance(generation, int):
        return inv_id, generation
    return None


def current_draft(
    question_id: str = "",
    with_response: bool = False,
    with_answers: bool = False,
    for_saving: bool = False,
) -> Draft | None:
    """This browser's draft, if its session is still the live one, read in one query: with the
    saved answer to ``question_id`` if one is given, or ``with_response`` the response itself
    with its consent (``with_answers`` and every answer: loading them cost a page that shows
    none as much again), as Shown. ``for_saving`` locks the draft's row until the transaction
    ends, so another tab's save or send waits for this one and then sees it (SQLite's writers
    wait at BEGIN IMMEDIATE instead); with ``with_answers`` (sending) the response is read as
    the ORM objects that sending changes. Otherwise the page only reads, and its one query
    needs no transaction."""
    ids = session_ids()
    if ids is None:
        return None
    inv_id, generation = ids
    whole = with_response or with_answers
    params = {"id": inv_id, "q": question_id}
    if for_saving:
        result = db.session.execute(_SENDING if whole else _SAVING, params)
        row = (result.unique() if whole else result).first()
        response = row.Response if whole and row is not None else None
    elif whole:
        rows = read(_SHOWN_ANSWERS if with_answers else _SHOWN, params).all()
        row = rows[0] if rows else None
        response = _shown(rows) if rows else None
    else:
        row, response = read(_DRAFT, params).first(), None
    if row is None:
        return None
    if row.session_generation != generation or row.revoked_at is not None:
        return None
    status = response.status if whole else row.status
    submitted = status == "submitted"
    # After submitting, the confirmation page still shows even if the link has expired.
    if not submitted and row.expires_at <= utcnow():
        return None
    if whole:
        consent = response.consent
        respondent, response_id = response.respondent, response.id
        decision = consent.decision if consent else None
        anonymous_feedback = consent.anonymous_feedback if consent else None
        answer = None
    else:
        respondent, response_id = row.respondent, row.response_id
        decision, anonymous_feedback = row.decision, row.anonymous_feedback
        answer = None if row.codes is None else (row.codes, row.comment)
    return Draft(
        response_id=response_id,
        invitation_id=inv_id,
        case_id=row.case_id,
        submitted=submitted,
        progress=Progress(
            respondent=respondent,
            decision=decision,
            anonymous_feedback=anonymous_feedback,
            answered=set(row.saved.split()) if row.saved else set(),
        ),
        answer=answer,
        whole=response,
    )


def _shown(rows: list) -> Shown:
    """The response in rows of _SHOWN or _SHOWN_ANSWERS, as a page shows it."""
    first = rows[0]._mapping
    consent = None
    if first["consent_id"] is not None:
        consent = SimpleNamespace(**{c.name: first[f"consent_{c.name}"] for c in _CONSENT.c})
    answers = {}
    if "question_id" in first:
        answers = {
            row.question_id: SimpleNamespace(codes=row.codes, comment=row.comment)
            for row in rows
            if row.question_id is not None
        }
    return Shown(**{c.name: first[c] for c in _RESPONSE_T.c}, consent=consent, answers=answers)


def refusal(draft: Draft | None, page: str) -> Refusal | None:
    """Why this session may not open or save ``page`` now, or None if it may: its session is
    the link's live one, its answers are not sent, and every earlier page on the person's route
    (runner.allowed) is saved. Saving and showing a page both ask this."""
    if draft is None:
        return Refusal.SESSION_ENDED
    if draft.submitted:
        return Refusal.SENT
    if not allowed(page, draft.progress):
        return Refusal.NOT_YET
    return None


def ensure_response(invitation: Invitation) -> Response:
    if invitation.response is None:
        invitation.response = Response(
            reference=new_reference(), format=invitation.format, language=invitation.language
        )
        db.session.add(invitation.response)
    return invitation.response
