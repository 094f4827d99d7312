"""The agency's pages: the link's start page, then the return page by page (the case, one page
per principle, the practitioners consulted, the summary), check answers, submit once, and the
return read-only after. Every POST saves in one transaction on the return's locked row."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..audit_tool import (
    GUIDANCE_COUNT,
    NUMERIC_SCORES,
    PRINCIPLE_CODES,
    PRINCIPLES,
    PRINCIPLES_BY_CODE,
    SCORE_GUIDANCE,
    SCORES,
    SUGGESTED_SCORE_RULE,
)
from ..extensions import db, limiter
from ..models import ReturnPractitioner, ReturnPrinciple, ReturnRequest
from ..scoring import BANDS_EXPLAINED, suggested_score, total
from ..services import returns
from . import LINK, RETURN, allow, bp
from .forms import (
    SUMMARY_FIELDS,
    TEXTS,
    ButtonForm,
    CaseForm,
    PractitionerForm,
    PrincipleForm,
    RemoveForm,
    SummaryForm,
)
from .session import bind

# Starting from a link, as the adult's link: generous for a person, tight for anyone trying
# links at scale.
LINK_LIMIT = "30 per minute;200 per hour"

# The pages in order; a principle's page is named by its code.
PAGES: tuple[str, ...] = ("case", *PRINCIPLE_CODES, "practitioners", "summary", "check")


@bp.app_context_processor
def _return_context():
    if request.blueprint != "returns":
        return {}
    return {
        "principles": PRINCIPLES,
        "scores": SCORES,
        "texts": TEXTS,
        "summary_fields": SUMMARY_FIELDS,
        "page_url": page_url,
        "suggest": suggested_score,
        "header_url": url_for("pages.index"),
    }


def page_url(page: str, change: bool = False) -> str:
    args = {"change": "1"} if change else {}
    if page in PRINCIPLES_BY_CODE:
        return url_for("returns.principle", code=page, **args)
    return url_for(f"returns.{page}", **args)


def previous_url(page: str) -> str | None:
    if request.args.get("change") == "1":
        return page_url("check")
    index = PAGES.index(page)
    return page_url(PAGES[index - 1]) if index > 0 else None


def after_saving(page: str):
    """The next page, or check answers when the page was opened from it."""
    if request.args.get("change") == "1":
        return redirect(page_url("check"), 303)
    return redirect(page_url(PAGES[PAGES.index(page) + 1]), 303)


def resume_page(return_request: ReturnRequest) -> str:
    """Where someone starting again from the link carries on: the first page not yet saved,
    else check answers."""
    if return_request.desired_outcome is None:
        return "case"
    for code in PRINCIPLE_CODES:
        if return_request.principle(code) is None:
            return code
    if return_request.summary is None:
        return "practitioners" if not return_request.practitioners else "summary"
    return "check"


def saved() -> None:
    db.session.commit()


# --- The link --------------------------------------------------------------------------------


@bp.get("/a/<token>")
@limiter.limit(LINK_LIMIT)
@allow(LINK)
def start(token: str):
    """The link's page. It changes nothing (mail scanners open links before people do):
    beginning takes the Start button (the POST below)."""
    return_request = returns.find_by_token(token)
    if return_request is None:
        return render_template("returns/link_not_working.html"), 404
    if return_request.submitted_at is not None:
        return read_only_page(return_request, identifiers=False)
    return render_template(
        "returns/start.html",
        return_request=return_request,
        resuming=return_request.opened_at is not None,
    )


@bp.post("/a/<token>")
@limiter.limit(LINK_LIMIT)
@allow(LINK)
def begin(token: str):
    found = returns.find_by_token(token)
    if found is None:
        return render_template("returns/link_not_working.html"), 404
    # Locked, so two presses of Start record the opening once.
    return_request = db.session.scalar(
        select(ReturnRequest)
        .where(ReturnRequest.id == found.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    returns.mark_opened(return_request)
    target = "submitted" if return_request.submitted_at else resume_page(return_request)
    bind(return_request)
    saved()
    return redirect(page_url(target), 303)


# --- The return, page by page ------------------------------------------------------------------


@bp.route("/a/return/case", methods=["GET", "POST"])
@allow(RETURN)
def case():
    return_request: ReturnRequest = g.return_request
    form = CaseForm(data={"desired_outcome": return_request.desired_outcome})
    if request.method == "POST" and form.validate():
        # Saved even when empty (as ""), so starting again carries on from the next page.
        return_request.desired_outcome = form.desired_outcome.data or ""
        saved()
        return after_saving("case")
    identifiers = shared_identifiers(return_request)
    return render_template(
        "returns/case.html",
        form=form,
        return_request=return_request,
        identifiers=identifiers,
        back_url=previous_url("case"),
    )


def shared_identifiers(return_request: ReturnRequest) -> list[tuple[str, str]]:
    """The identifiers shared with this organisation, the view recorded in the audit log
    (committed at once: a read has no change to ride along with)."""
    rows = returns.shared_values(return_request)
    db.session.commit()
    return rows


@bp.route("/a/return/principles/<code>", methods=["GET", "POST"])
@allow(RETURN)
def principle(code: str):
    definition = PRINCIPLES_BY_CODE.get(code)
    if definition is None:
        return render_template("returns/not_found.html"), 404
    return_request: ReturnRequest = g.return_request
    answer = return_request.principle(code)
    if request.method == "POST":
        form = PrincipleForm()
        if form.validate():
            if answer is None:
                answer = ReturnPrinciple(principle=code)
                return_request.principles.append(answer)
            answer.considered = form.ticked()
            answer.narrative = form.narrative.data or None
            answer.score = form.score.data or None
            answer.score_reason = form.score_reason.data or None
            saved()
            return after_saving(code)
        ticked = len(form.ticked())
    else:
        considered = list(answer.considered or ()) if answer else []
        form = PrincipleForm(
            data={
                "considered": [str(i) for i in considered],
                "narrative": answer.narrative if answer else None,
                "score": answer.score if answer else None,
                "score_reason": answer.score_reason if answer else None,
            }
        )
        ticked = len(considered)
    return render_template(
        "returns/principle.html",
        form=form,
        principle=definition,
        number=PRINCIPLE_CODES.index(code) + 1,
        count=len(PRINCIPLE_CODES),
        ticked=ticked,
        suggested=suggested_score(min(ticked, GUIDANCE_COUNT)),
        saved_before=answer is not None,
        rule=SUGGESTED_SCORE_RULE,
        score_guidance=SCORE_GUIDANCE,
        back_url=previous_url(code),
    )


@bp.get("/a/return/practitioners")
@allow(RETURN)
def practitioners():
    return practitioners_page(PractitionerForm(formdata=None))


def practitioners_page(form: PractitionerForm, status: int = 200):
    change = request.args.get("change") == "1"
    return (
        render_template(
            "returns/practitioners.html",
            form=form,
            return_request=g.return_request,
            continue_url=page_url("check") if change else page_url("summary"),
            back_url=previous_url("practitioners"),
            change=change,
        ),
        status,
    )


@bp.post("/a/return/practitioners")
@allow(RETURN)
def add_practitioner():
    return_request: ReturnRequest = g.return_request
    form = PractitionerForm()
    if not form.validate():
        return practitioners_page(form)
    values = {
        "role": form.role.data,
        "organisation": form.organisation.data,
        "reflection": form.reflection.data or None,
    }
    # The same practitioner twice (a double click, a second tab) is kept once.
    if not any(
        (p.role, p.organisation, p.reflection) == tuple(values.values())
        for p in return_request.practitioners
    ):
        return_request.practitioners.append(ReturnPractitioner(**values))
        saved()
    return redirect(page_url("practitioners", change=request.args.get("change") == "1"), 303)


@bp.post("/a/return/practitioners/remove")
@allow(RETURN)
def remove_practitioner():
    return_request: ReturnRequest = g.return_request
    form = RemoveForm()
    if form.validate():
        # Only this return's own; one already removed (a double click) is nothing to do.
        chosen = next(
            (p for p in return_request.practitioners if str(p.id) == form.practitioner.data),
            None,
        )
        if chosen is not None:
            return_request.practitioners.remove(chosen)
            saved()
    return redirect(page_url("practitioners", change=request.args.get("change") == "1"), 303)


@bp.route("/a/return/summary", methods=["GET", "POST"])
@allow(RETURN)
def summary():
    return_request: ReturnRequest = g.return_request
    form = SummaryForm(data={name: getattr(return_request, name) for name in SUMMARY_FIELDS})
    if request.method == "POST" and form.validate():
        for name in SUMMARY_FIELDS:
            # The summary is saved even when empty (as ""), so starting again carries on.
            value = form[name].data or None
            setattr(return_request, name, value if value or name != "summary" else "")
        saved()
        return after_saving("summary")
    return render_template("returns/summary.html", form=form, back_url=previous_url("summary"))


@bp.route("/a/return/check", methods=["GET", "POST"])
@allow(RETURN)
def check():
    return_request: ReturnRequest = g.return_request
    form = ButtonForm()
    errors = []
    if request.method == "POST" and form.validate():
        errors = [
            {"text": f"Score {p.title}", "href": f"#score-{p.code}"}
            for p in PRINCIPLES
            if not _score(return_request, p.code)
        ]
        if not errors:
            returns.submit(return_request)
            saved()
            return redirect(url_for("returns.submitted"), 303)
    return render_template(
        "returns/check.html",
        return_request=return_request,
        identifiers=shared_identifiers(return_request),
        submit_errors=errors,
        back_url=page_url("summary"),
    )


def _score(return_request: ReturnRequest, code: str) -> str | None:
    answer = return_request.principle(code)
    return answer.score if answer else None


@bp.get("/a/return/submitted")
@allow(RETURN)
def submitted():
    return_request: ReturnRequest = g.return_request
    if return_request.submitted_at is None:
        return redirect(page_url(resume_page(return_request)))
    return read_only_page(return_request)


def read_only_page(return_request: ReturnRequest, identifiers: bool = True, already=False):
    """The submitted return, read-only, with its total and band. From the link itself (a GET
    that changes nothing) the case identifiers are left out: showing them is recorded."""
    scored = total({p.principle: p.score or "" for p in return_request.principles})
    return render_template(
        "returns/submitted.html",
        return_request=return_request,
        identifiers=shared_identifiers(return_request) if identifiers else None,
        total=scored,
        bands_explained=BANDS_EXPLAINED,
        already=already,
        numeric=NUMERIC_SCORES,
    )
