"""Saving the journey's pages, and sending the answers (how a page's values are stored:
portal/answers/saving.py).

``save_page`` saves any journey page and ``send`` sends the answers, each in one transaction
that first locks the draft and asks ``state.refusal`` whether this session may do it now (the
same question every page's GET asks), so two tabs, a double click or a crash between statements
never leave half a save or two responses.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..answers.runner import CHECK
from ..answers.saving import Draft, discard_off_route, write_page
from ..extensions import db
from ..models import utcnow
from ..models.events import record
from ..questionnaire import Progress, Step
from .state import Refusal, current_draft, refusal
from .withdrawal import issue_withdrawal_link


@dataclass(frozen=True)
class Saved:
    """What became of a save or a send. If ``refused`` says why nothing was stored, ``draft``
    (as read, possibly None) tells the caller which page to show instead; otherwise
    ``progress`` is the person's progress afterwards and ``sent`` whether the answers went."""

    draft: Draft | None
    refused: Refusal | None = None
    progress: Progress | None = None
    sent: bool = False


def save_page(step: Step, data: dict, format: str, language: str) -> Saved:
    """Save one journey page for this browser's session, if it may save it now, in one
    transaction: the check, the page's values, the page's mark and (for someone declining to
    give any feedback, whose route ends there) sending."""
    draft = current_draft(for_saving=True)
    refused = refusal(draft, step.id)
    if refused is not None:
        db.session.rollback()
        return Saved(draft, refused)
    progress = write_page(draft, step, data, format=format, language=language)
    sent = step.id == "anonymous" and progress.anonymous_feedback == "no"
    if sent:
        _submit(draft, format, language)
    db.session.commit()
    return Saved(draft, progress=progress, sent=sent)


def send(format: str, language: str) -> Saved:
    """Send this browser's answers from check answers, once: a double click or a second tab
    finds them sent (or waits for the first, then finds them sent) and stores nothing."""
    draft = current_draft(with_answers=True, for_saving=True)
    refused = refusal(draft, CHECK)
    if refused is not None:
        db.session.rollback()
        return Saved(draft, refused)
    _submit(draft, format, language)
    db.session.commit()
    return Saved(draft, progress=draft.progress, sent=True)


def _submit(draft: Draft, format: str, language: str) -> None:
    response = draft.response()
    discard_off_route(response, draft.progress)
    response.format, response.language = format, language
    response.status, response.submitted_at = "submitted", utcnow()
    record("submitted", case_id=draft.case_id, invitation_id=draft.invitation_id)
    if response.consent is not None and response.consent.decision == "agree":
        issue_withdrawal_link(response)
