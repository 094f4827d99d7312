"""The adult's browser session: which invitation it belongs to, and whether it still counts.

The session cookie holds only the invitation's id and the generation it began at. Beginning again
from the link bumps the generation in the database, which ends every older session at once.
"""

from __future__ import annotations

from enum import Enum

from flask import session
from sqlalchemy import and_, bindparam, select, update

from ..answers.runner import allowed
from ..answers.saving import Draft, new_reference
from ..extensions import db
from ..models import Answer, ConsentRecord, Invitation, Response, SavedPage, utcnow
from ..questionnaire import Progress


def start_session(invitation: Invitation, generation: int) -> None:
    keep = {k: session[k] for k in ("lang", "format") if k in session}
    # A fresh session (and with it a fresh CSRF token) for the person who has just begun.
    session.clear()
    session.update(keep)
    session["inv"] = invitation.id
    session["gen"] = generation
    session.setdefault("lang", invitation.language)
    session.setdefault("format", invitation.format)


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


# Plain columns, not ORM entities: a question page reads this on every request. One row per
# saved page (or one row with none); built once, as it runs on every journey page.
_DRAFT = (
    select(
        Invitation.case_id,
        Invitation.session_generation,
        Invitation.revoked_at,
        Invitation.expires_at,
        Response.id.label("response_id"),
        Response.status,
        Response.respondent,
        ConsentRecord.decision,
        ConsentRecord.anonymous_feedback,
        Answer.codes,
        Answer.comment,
        SavedPage.page,
    )
    .join(Response, Response.invitation_id == Invitation.id)
    .outerjoin(ConsentRecord, ConsentRecord.response_id == Response.id)
    .outerjoin(
        Answer, and_(Answer.response_id == Response.id, Answer.question_id == bindparam("q"))
    )
    .outerjoin(SavedPage, SavedPage.response_id == Response.id)
    .where(Invitation.id == bindparam("id"))
)
# For saving: the draft's row stays locked until the transaction ends, so another tab's save or
# send waits for this one and then sees it (SQLite's writers wait at BEGIN IMMEDIATE instead).
_DRAFT_FOR_SAVING = _DRAFT.with_for_update(of=Response)


def session_ids() -> tuple[int, int] | None:
    """The invitation this browser's session belongs to and the generation it began at."""
    inv_id, generation = session.get("inv"), session.get("gen")
    if isinstance(inv_id, int) and isinstance(generation, int):
        return inv_id, generation
    return None


def current_draft(question_id: str = "", for_saving: bool = False) -> Draft | None:
    """This browser's draft, if its session is still the live one; with the saved answer to
    ``question_id`` if one is given. ``for_saving`` locks it for the rest of the transaction."""
    ids = session_ids()
    if ids is None:
        return None
    inv_id, generation = ids
    rows = db.session.execute(
        _DRAFT_FOR_SAVING if for_saving else _DRAFT, {"id": inv_id, "q": question_id}
    ).all()
    if not rows:
        return None
    row = rows[0]
    if row.session_generation != generation or row.revoked_at is not None:
        return None
    submitted = row.status == "submitted"
    # After submitting, the confirmation page still shows even if the link has expired.
    if not submitted and row.expires_at <= utcnow():
        return None
    return Draft(
        response_id=row.response_id,
        invitation_id=inv_id,
        case_id=row.case_id,
        submitted=submitted,
        progress=Progress(
            respondent=row.respondent,
            decision=row.decision,
            anonymous_feedback=row.anonymous_feedback,
            answered={r.page for r in rows if r.page is not None},
        ),
        answer=None if row.codes is None else (row.codes, row.comment),
    )


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
