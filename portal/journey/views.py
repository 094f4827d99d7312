from __future__ import annotations

from datetime import date

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import format_date, get_locale, refresh
from flask_wtf.csrf import generate_csrf
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from .. import links
from ..extensions import db, limiter
from ..locale import language
from ..models import Invitation, Response, utcnow
from ..models.events import record
from ..questionnaire import QUESTIONS, STEPS
from ..security import csp_nonce
from ..wording import current_format
from . import bp
from .forms import make_form
from .page_cache import fill, placeholder
from .runner import CHECK, allowed, next_page, previous_page, resume_page
from .saving import current_values, discard_off_route, progress, save_step
from .state import current_invitation, end_session, ensure_response, start_session
from .summary import summary_rows
from .withdrawal import issue_withdrawal_link, withdrawal_url


def _no_referrer(response):
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# Starting from a link: generous for a person, tight for anyone trying links at scale.
LINK_LIMIT = "30 per minute;200 per hour"


@bp.get("/r/<token>")
@limiter.limit(LINK_LIMIT)
def start(token: str):
    """The link's page. It never changes anything: scanners in mail and text apps open links
    before people do, so beginning takes a button press (the POST below)."""
    invitation = links.find(token)
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
    return render_template(
        "public/start.html",
        token=token,
        resuming=invitation.response is not None,
        questions=len(QUESTIONS),
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
    if first_time:
        record("opened", case_id=invitation.case_id, invitation_id=invitation.id, detail=via)
    try:
        db.session.commit()
    except IntegrityError:
        # Two presses of Start at once: the other one created the response.
        db.session.rollback()
        invitation = db.session.get(Invitation, invitation.id)
        generation = links.begin(invitation)
        db.session.commit()
        response = invitation.response
    start_session(invitation, generation)
    return redirect(url_for("journey.page", page=resume_page(progress(response))))


def _already_submitted():
    """A second tab or a second click after submitting: nothing more is stored."""
    if request.method == "POST":
        return render_template("public/already_sent.html")
    return redirect(url_for("journey.confirmation"))


def _reachable(page: str):
    """This session's draft and progress if it may open ``page`` now; otherwise the page to
    show instead (session ended, already sent, or the first page not yet saved)."""
    response = _live_response()
    if response is None:
        return None, None, (render_template("public/session_ended.html"), 403)
    if response.status == "submitted":
        return None, None, _already_submitted()
    state = progress(response)
    if not allowed(page, state):
        return None, None, redirect(url_for("journey.page", page=resume_page(state)))
    return response, state, None


def _live_response() -> Response | None:
    invitation = current_invitation()
    return invitation.response if invitation else None


@bp.route("/feedback/<page>", methods=["GET", "POST"])
def page(page: str):
    if page == CHECK:
        return check_answers()
    step = STEPS.get(page)
    if step is None:
        abort(404)
    response, state, instead = _reachable(page)
    if instead is not None:
        return instead

    changing = request.args.get("change") == "1"
    if request.method == "POST":
        form = make_form(step)
        if form.validate():
            save_step(step, response, form.data)
            response.format = current_format()
            response.language = language()
            state = progress(response)
            if step.id == "anonymous" and state.anonymous_feedback == "no":
                return _submit(response)
            db.session.commit()
            target = CHECK if changing and allowed(CHECK, state) else next_page(page, state)
            return redirect(url_for("journey.page", page=target))
    elif current_app.config.get("PAGE_CACHE", True):
        return _cached_step_page(step, response, state, changing)
    else:
        form = make_form(step, data=current_values(step, response))

    return render_template(
        "public/step.html", **_step_context(step, response, state, changing, form)
    )


def _step_context(step, response, state, changing: bool, form) -> dict:
    back = previous_page(step.id, state)
    return {
        "step": step,
        "form": form,
        "back_url": url_for("journey.page", page=CHECK if changing else back)
        if (back or changing)
        else None,
        "changing": changing,
        "question_count": len(QUESTIONS),
        "representative": response.respondent == "representative",
        "today": format_date(date.today(), "long"),
    }


def _cached_step_page(step, response, state, changing: bool):
    """A question page without errors: rendered once per key (page_cache.py), filled per request."""
    context = _step_context(step, response, state, changing, form=None)
    path = url_for("journey.page", page=step.id, change=1 if changing else None)
    key = (
        step.id,
        get_locale().language if get_locale() else "en",
        current_format(),
        context["back_url"],
        context["representative"],
        context["today"],
        path,
    )

    def render() -> str:
        empty = {}
        for spec in step.fields:
            if spec.kind in ("text", "textarea", "email", "phone"):
                empty[spec.id] = placeholder(f"f:{spec.id}")
        context["form"] = make_form(step, data=empty, meta={"csrf": False})
        return render_template(
            "public/step.html",
            cspNonce=placeholder("nonce"),
            csrf_token=lambda: placeholder("csrf"),
            here=lambda: path,
            **context,
        )

    page = current_app.extensions["page_cache"].get_or_render(key, render)
    saved = current_values(step, response)
    values = {"nonce": csp_nonce(), "csrf": generate_csrf()}
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
    response, state, instead = _reachable(CHECK)
    if instead is not None:
        return instead
    if request.method == "POST":
        return _submit(response)
    return render_template(
        "public/check.html",
        sections=summary_rows(response, state, change_links=True),
        back_url=url_for("journey.page", page=previous_page(CHECK, state)),
        form=make_form(STEPS["who"]),  # only its CSRF token is used
    )


def _submit(response: Response):
    """Submit once. The status guard makes a double click or a second tab a no-op that lands
    on the confirmation, and only one response is ever stored for an invitation."""
    discard_off_route(response)
    response.format = current_format()
    response.language = language()
    done = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status == "draft")
        .values(status="submitted", submitted_at=utcnow())
    )
    if done.rowcount == 1:
        invitation = response.invitation
        record("submitted", case_id=invitation.case_id, invitation_id=invitation.id)
        if response.consent is not None and response.consent.decision == "agree":
            issue_withdrawal_link(response)
        db.session.commit()
        return redirect(url_for("journey.confirmation"))
    db.session.rollback()
    return render_template("public/already_sent.html")


@bp.get("/feedback/confirmation")
def confirmation():
    response = _live_response()
    if response is None:
        return render_template("public/session_ended.html"), 403
    if response.status != "submitted":
        return redirect(url_for("journey.page", page=resume_page(progress(response))))
    state = progress(response)
    return render_template(
        "public/confirmation.html",
        response=response,
        declined=state.decision == "decline",
        withdraw_url=withdrawal_url(),
        sections=summary_rows(response, state, change_links=False),
    )


@bp.get("/exit")
def exit_page():
    """Exit this page: forget this browser's session and go somewhere neutral at once.
    Answers already saved stay saved; the person can carry on later from their link."""
    end_session()
    return _no_referrer(redirect(current_app.config["EXIT_URL"]))
