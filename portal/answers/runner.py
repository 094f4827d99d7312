"""Which page comes next. Pure: no Flask, no database, so it is tested on its own."""

from __future__ import annotations

from ..questionnaire import QUESTION_IDS, Progress

CHECK = "check"


def route(progress: Progress) -> list[str]:
    """Every page this person will see, in order, given what they have said so far."""
    pages = ["who"]
    if progress.respondent == "representative":
        pages.append("representative")
    pages.append("consent")
    if progress.decision == "decline":
        pages.append("anonymous")
        if progress.anonymous_feedback == "yes":
            pages.extend(QUESTION_IDS)
    elif progress.decision == "agree":
        pages.extend(QUESTION_IDS)
        pages.append("contact")
    if progress.decision == "agree" or progress.anonymous_feedback == "yes":
        pages.append(CHECK)
    return pages


def next_page(current: str, progress: Progress) -> str:
    """The page after ``current``. Declining to give any feedback submits at once, so the
    decline page has no next page of its own: the caller submits instead."""
    pages = route(progress)
    if current not in pages:
        return resume_page(progress)
    index = pages.index(current)
    return pages[index + 1] if index + 1 < len(pages) else CHECK


def previous_page(current: str, progress: Progress) -> str | None:
    pages = route(progress)
    if current not in pages:
        return None
    index = pages.index(current)
    return pages[index - 1] if index > 0 else None


def resume_page(progress: Progress) -> str:
    """Where someone coming back carries on: the first page they have not saved yet."""
    for page in route(progress):
        if page == CHECK or page not in progress.answered:
            return page
    return CHECK


def allowed(page: str, progress: Progress) -> bool:
    """A page may be opened if it is on this person's route and every page before it was saved.
    This stops someone jumping ahead past consent by typing a URL."""
    pages = route(progress)
    if page not in pages:
        return False
    return all(p in progress.answered for p in pages[: pages.index(page)])
