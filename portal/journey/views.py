from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel.dates import format_date
from flask import (
    abort,
    current_app,
    g,
    get_template_attribute,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, refresh
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from .. import links
from ..answers.forms import make_form
from ..answers.runner import CHECK, allowed, next_page, previous_page, resume_page
from ..answers.saving import answer_values, current_values, progress
from ..answers.summary import summary_rows
from ..extensions import db, limiter
from ..locale import language
from ..models import Invitation
from ..models.events import record
from ..questionnaire import QUESTIONS, STEPS
from ..security import csp_nonce, csrf_token
from ..templating import here
from ..wording import current_format
from . import bp
from .page_cache import fill, placeholder
from .saving import save_page, send
from .state import Refusal, current_draft, end_session, ensure_response, refusal, start_session
from .withdrawal import withdrawal_url

# Starting from a link: generous for a person, tight for anyone trying links at scale.
LINK_LIMIT = "30 per minute;200 per hour"


@bp.get("/r/<token>")
@limiter.limit(LINK_LIMIT)
def start(token: str):
    """The link's page. It never changes anything: scanners in mail and text apps open links
    before people do, so beginning takes a button press (the POST below)."""
    # It only reads, in one query, so it needs no transaction.
    invitation = links.find(token, only_reading=True)
    if invitation is None:
        return render_template("public/link_not_working.html"), 404
    if "format" not in session:
        # Before the person chooses, the invitation's recorded format (e.g. Easy Read) is used.
        g.format_override = invitation.format
    if "lang" not in session:
        # Likewise its recorded language (start_session keeps it for the rest of the visit).
        g.lang_override = invitation.language
        refresh()
    if invitation.response is not None and invitation.response.status == "submitted":
        return render_template("public/already_sent.html")
    return _cached_page(
        "public/start.html",
        {"resuming": invitation.response is not None, "questions": len(QUESTIONS)},
    )


@bp.post("/r/<token>")
@limiter.limit(LINK_LIMIT)
def begin(token: str):
    invitation = links.find(token)
    if invitation is None:
        return render_template("public/link_not_working.html"), 404
    if invitation.response is not None and invitation.response.status == "submitted":
        return render_template("public/already_sent.html")
    return begin_journey(invitation)


def begin_journey(invitation: Invitation, via: str | None = None):
    """Begin (or carry on) from a link or a code: a fresh session, and any older browser
    session on this invitation ends. ``via`` notes how it was opened, for the timeline."""
    first_time = invitation.response is None
    generation = links.begin(invitation)
    response = ensure_response(invitation)
    # What the new session and the next page need, read before the commit expires it (reading
    # it again after would cost a transaction of its own).
    ids = (invitation.id, generation, invitation.language, invitation.format)
    carry_on = resume_page(progress(response))
    if first_time:
        record("opened", case_id=invitation.case_id, invitation_id=invitation.id, detail=via)
    try:
        db.session.commit()
    except IntegrityError:
        # Two presses of Start at once: the other one created the response.
        db.session.rollback()
        invitation = db.session.get(Invitation, invitation.id)
        generation = links.begin(invitation)
        ids = (invitation.id, generation, invitation.language, invitation.format)
        carry_on = resume_page(progress(invitation.response))
        db.session.commit()
    start_session(*ids)
    return redirect(url_for("journey.page", page=carry_on))


def _refused(refused: Refusal, draft):
    """The page a session gets instead of the one it asked for."""
    if refused is Refusal.SESSION_ENDED:
        return render_template("public/session_ended.html"), 403
    if refused is Refusal.SENT:
        # A second tab or a second click after sending: nothing more is stored.
        if request.method == "POST":
            return render_template("public/already_sent.html")
        return redirect(url_for("journey.confirmation"))
    return redirect(url_for("journey.page", page=resume_page(draft.progress)))


@bp.route("/feedback/<page>", methods=["GET", "POST"])
def page(page: str):
    if page == CHECK:
        return check_answers()
    step = STEPS.get(page)
    if step is None:
        abort(404)
    changing = request.args.get("change") == "1"
    form = None
    if request.method == "POST":
        form = make_form(step)
        if form.validate():
            outcome = save_page(step, form.data, format=current_format(), language=language())
            if outcome.refused is not None:
                return _refused(outcome.refused, outcome.draft)
            if outcome.sent:
                return redirect(url_for("journey.confirmation"))
            return _after_saving(page, outcome.progress, changing)

    # A question page needs only the draft and its saved answer; the other pages read the
    # response itself with it, to fill their form in. Either way one query (state.py).
    asking = step.store == "answer"
    draft = current_draft(step.id) if asking else current_draft(with_response=True)
    refused = refusal(draft, page)
    if refused is not None:
        return _refused(refused, draft)
    state = draft.progress
    if form is None:
        if asking:
            saved = answer_values(step, *draft.answer) if draft.answer else {}
        else:
            saved = current_values(step, draft.response())
        if current_app.config.get("PAGE_CACHE", True):
            return _cached_step_page(step, state, saved, changing)
        form = make_form(step, data=saved)

    return render_template("public/step.html", form=form, **_step_context(step, state, changing))


def _after_saving(page: str, state, changing: bool):
    target = CHECK if changing and allowed(CHECK, state) else next_page(page, state)
    return redirect(url_for("journey.page", page=target))


def _step_context(step, state, changing: bool) -> dict:
    """What a step page's template receives, besides its form."""
    back = previous_page(step.id, state)
    return {
        "step": step,
        "back_url": url_for("journey.page", page=CHECK if changing else back)
        if (back or changing)
        else None,
        "changing": changing,
        "question_count": len(QUESTIONS),
        "representative": state.respondent == "representative",
        "today": _long_date(date.today(), str(get_locale())),
    }


@lru_cache(maxsize=32)
def _long_date(day: date, locale: str) -> str:
    """Today as this language writes it, worked out once a day per language: Babel's formatting
    cost a question page more than filling in its cached markup."""
    return format_date(day, "long", locale=locale)


def _cached_step_page(step, state, saved: dict, changing: bool):
    """A page without errors: rendered once per set of values its template receives
    (page_cache.py), filled in per request."""

    def blank_form():
        return make_form(
            step,
            data={
                spec.id: placeholder(f"f:{spec.id}")
                for spec in step.fields
                if spec.kind in ("text", "textarea", "email", "phone")
            },
        )

    context = _step_context(step, state, changing)
    page = current_app.extensions["page_cache"].page("public/step.html", context, blank_form)
    values = {"nonce": csp_nonce(), "csrf": csrf_token(), "here": here()}
    checked: dict[str, list[str]] = {}
    for spec in step.fields:
        value = saved.get(spec.id)
        if spec.kind in ("radios", "checkboxes"):
            checked[spec.id] = value if isinstance(value, list) else ([value] if value else [])
        elif spec.kind == "declaration":
            checked[spec.id] = ["y"] if value else []
        else:
            values[f"f:{spec.id}"] = value or ""
    return fill(page, values, checked)


def check_answers():
    if request.method == "POST":
        outcome = send(format=current_format(), language=language())
        if outcome.refused is not None:
            return _refused(outcome.refused, outcome.draft)
        return redirect(url_for("journey.confirmation"))
    draft = current_draft(with_answers=True)
    refused = refusal(draft, CHECK)
    if refused is not None:
        return _refused(refused, draft)
    state = draft.progress
    sections = summary_rows(draft.response(), state, change_links=True)
    return _cached_page(
        "public/check.html",
        {"back_url": url_for("journey.page", page=previous_page(CHECK, state))},
        own={"answers": _answers(sections, level=2)},
    )


@bp.get("/feedback/confirmation")
def confirmation():
    draft = current_draft(with_answers=True)
    if draft is None:
        return render_template("public/session_ended.html"), 403
    if not draft.submitted:
        return redirect(url_for("journey.page", page=resume_page(draft.progress)))
    response, state = draft.response(), draft.progress
    sections = summary_rows(response, state, change_links=False)
    own = {"reference": response.reference, "answers": _answers(sections, level=3)}
    withdraw_url = withdrawal_url(response)
    if withdraw_url is not None:
        own["withdraw_url"] = withdraw_url
    return _cached_page(
        "public/confirmation.html",
        # Someone who declined sees whether their answers count in the anonymous totals.
        {"declined": state.decision == "decline", "anonymous_answers": len(sections) > 1},
        own=own,
    )


def _answers(sections: list[dict], level: int) -> Markup:
    """The person's answers (summary_rows), as summary lists under headings of ``level``."""
    return get_template_attribute("public/_answers.html", "answers")(sections, level)


def _cached_page(template: str, shared: dict, own: dict | None = None):
    """A page without a form from the page cache (page_cache.py): rendered once per set of
    ``shared`` values (and everything else the template reads), with this person's ``own``
    values (text, or Markup such as their answers) put in per request. The template may only
    write an own value out as it is: it sees a placeholder, never the value."""
    own = own or {}
    if not current_app.config.get("PAGE_CACHE", True):
        return render_template(template, **shared, **own)
    marked = {name: placeholder(name) for name in own}
    cache = current_app.extensions["page_cache"]
    page = cache.page(template, {**shared, **marked}, lambda: None)
    return fill(page, {"nonce": csp_nonce(), "csrf": csrf_token(), "here": here(), **own}, {})


@bp.get("/exit")
def exit_page():
    """Exit this page: end this browser's session and go somewhere neutral at once.
    Answers already saved stay saved; the person can carry on later from their link."""
    # A GET that changes state, on purpose: GOV.UK's Exit this page is a link (its script goes
    # to the href, also on Shift pressed three times), so it cannot be a form POST. Ending one's
    # own session is a sign-out, the accepted exception; the worst another site can do with it
    # is end a session, and the answers stay saved.
    end_session()
    # The site-wide Referrer-Policy (same-origin) tells the exit site nothing of this one.
    return redirect(current_app.config["EXIT_URL"])
