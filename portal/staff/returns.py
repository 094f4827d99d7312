"""Returns from organisations, on the staff side: the case page's section (each organisation
involved and its return's state), asking an organisation's contact for a return, a return's
page with its timeline, and sending a new link, a reminder or revoking it. Once the return is
submitted its page shows it read-only, with the total and band from portal/scoring.py.

The link goes only to an address at one of the organisation's email domains (the service
checks, and the form says which domains are allowed). Asking again for an organisation that
already has a live request on the case (a double click, or a second try) makes no second
request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectField
from wtforms.validators import InputRequired, ValidationError

from .. import scoring
from ..audit_tool import (
    IDENTIFIERS,
    NUMERIC_SCORES,
    PRACTITIONERS_LABEL,
    PRINCIPLES,
    RETURN_FIELDS,
    SCORES,
    SUGGESTED_SCORE_RULE,
    TOTAL_LABEL,
)
from ..extensions import db
from ..form_fields import ChoicesField
from ..models import (
    AuditCase,
    AuditEvent,
    Organisation,
    OutboxMessage,
    ReturnRequest,
    StaffUser,
    utcnow,
)
from ..models.events import RETURN_EVENTS
from ..models.outbox import KINDS
from ..services import organisations, returns
from ..services.locks import one_at_a_time
from . import access, bp
from .audit_log import audit, viewed
from .forms import ActionForm, StrippedForm, text_field
from .outbox import STATUS_TAGS

COORDINATOR = ("coordinator",)
CASE_STAFF = ("coordinator", "facilitator")
PENDING = ("queued", "sending")
MESSAGE_IN_DETAIL = re.compile(r"^message (\d+)\b")
# How each RETURN_STATES code shows as a GOV.UK tag.
STATE_TAGS = {
    "invited": "govuk-tag--grey",
    "opened": "govuk-tag--light-blue",
    "in_progress": "govuk-tag--blue",
    "submitted": "govuk-tag--green",
    "revoked": "govuk-tag--red",
}
DONE_NOTES = ("reminder", "reminder-waiting", "closed", "revoked", "already-asked")


class ReturnRequestForm(StrippedForm):
    organisation_id = SelectField(
        _l("Organisation"),
        choices=[],
        widget=GovSelect(),
        validators=[InputRequired(_l("Select the organisation"))],
        validate_choice=False,  # validate_organisation_id says it in words
    )
    contact_name = text_field(
        _l("Contact’s full name"), 120, required=_l("Enter the contact’s full name")
    )
    contact_email = text_field(
        _l("Contact’s email address"),
        254,
        required=_l("Enter the contact’s email address"),
        description=_l("It must be at one of the organisation’s email domains."),
    )
    shared_identifiers = ChoicesField(
        _l("Case identifiers to share with them"),
        choices=list(IDENTIFIERS.items()),
        description=_l(
            "Only what they need to find the person in their own records. Select all that "
            "apply. They never see the adult’s answers."
        ),
        widget=GovCheckboxesInput(),
        validators=[],
        validate_choice=False,  # validate_shared_identifiers says it in words
    )

    def validate_organisation_id(self, field):
        if field.data not in {code for code, _label in field.choices if code}:
            raise ValidationError(_l("Select the organisation"))

    def validate_contact_email(self, field):
        try:
            field.data = validate_email(field.data, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValidationError(
                _l("Enter an email address in the correct format, like name@nhs.net")
            ) from None

    def validate_shared_identifiers(self, field):
        if any(code not in IDENTIFIERS for code in field.data or ()):
            raise ValidationError(_l("Select from the identifiers shown"))


# --- The case page's section ------------------------------------------------------------------


@dataclass
class Involved:
    """An organisation involved in a case, with its returns (latest first)."""

    organisation: Organisation
    requests: list[ReturnRequest] = field(default_factory=list)


@dataclass
class CaseReturns:
    involved: list[Involved]
    # Listed organisations named in the free-text "Agencies involved" but not added yet.
    suggested: list[Organisation]


def case_returns(case: AuditCase) -> CaseReturns:
    """What the case page shows under "Returns from organisations"."""
    requests = db.session.scalars(
        select(ReturnRequest)
        .where(ReturnRequest.case_id == case.id)
        .options(selectinload(ReturnRequest.principles), selectinload(ReturnRequest.practitioners))
        .order_by(ReturnRequest.created_at.desc(), ReturnRequest.id.desc())
    ).all()
    involved = {o.id: Involved(o) for o in organisations.for_case(case)}
    for return_request in requests:
        entry = involved.setdefault(
            return_request.organisation_id, Involved(return_request.organisation)
        )
        entry.requests.append(return_request)
    listed = sorted(involved.values(), key=lambda i: i.organisation.name.lower())
    suggested = [o for o in organisations.named_in_agencies_involved(case) if o.id not in involved]
    return CaseReturns(involved=listed, suggested=suggested)


@bp.context_processor
def _returns_context():
    return {
        "case_returns": case_returns,
        "return_state_tags": STATE_TAGS,
        "link_expired": lambda r: (
            r.state not in ("submitted", "revoked") and r.expires_at <= utcnow()
        ),
    }


@bp.post("/cases/<int:case_id>/organisations")
@access(*COORDINATOR, case=True)
def case_organisation_add(case_id: int):
    """Add a listed organisation to the case (one named in its agencies involved)."""
    case: AuditCase = g.case
    raw = request.form.get("organisation_id", "")
    organisation = None
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        organisation = db.session.get(Organisation, int(raw))
    if organisation is None:
        abort(400)
    organisations.add_to_case(case, organisation)
    audit("case_organisation_added", case_id=case.id, detail=f"organisation {organisation.id}")
    db.session.commit()
    return redirect(url_for("staff.case", case_id=case.id, _anchor="returns"), 303)


# --- Asking for a return ----------------------------------------------------------------------


def _organisation_choices() -> list[tuple[str, str]]:
    listed = db.session.scalars(select(Organisation).order_by(func.lower(Organisation.name)))
    return [("", _("Choose an organisation")), *((str(o.id), o.name) for o in listed)]


def _domains_error(organisation: Organisation) -> str:
    domains = sorted(d.domain for d in organisation.domains)
    if len(domains) == 1:
        at = domains[0]
    else:
        at = _("%(first)s or %(last)s", first=", ".join(domains[:-1]), last=domains[-1])
    return _(
        "Enter an email address at %(domains)s: a request from this portal only goes to "
        "%(organisation)s’s own email domains",
        domains=at,
        organisation=organisation.name,
    )


def _live_request(case: AuditCase, organisation: Organisation) -> ReturnRequest | None:
    """The organisation's request on this case that is not revoked, if any."""
    return db.session.scalar(
        select(ReturnRequest)
        .where(
            ReturnRequest.case_id == case.id,
            ReturnRequest.organisation_id == organisation.id,
            ReturnRequest.revoked_at.is_(None),
        )
        .order_by(ReturnRequest.id.desc())
        .limit(1)
    )


@bp.route("/cases/<int:case_id>/returns/new", methods=["GET", "POST"])
@access(*COORDINATOR, case=True)
def return_new(case_id: int):
    case: AuditCase = g.case
    preselect = request.args.get("organisation", "")
    form = ReturnRequestForm(
        data={"organisation_id": preselect, "shared_identifiers": []}
        if request.method == "GET"
        else None
    )
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        # One at a time per case: a second click waits for the first, then finds its request.
        one_at_a_time(case.id)
        case = db.session.get(AuditCase, case_id)
        organisation = db.session.get(Organisation, int(form.organisation_id.data))
        existing = _live_request(case, organisation) if organisation else None
        if organisation is None:
            form.organisation_id.errors.append(_("Select the organisation"))
        elif not organisation.domains:
            form.organisation_id.errors.append(
                _(
                    "%(organisation)s has no email domains recorded, so no link can be sent "
                    "to it. Ask an administrator to add its domains.",
                    organisation=organisation.name,
                )
            )
        elif not organisations.email_allowed(organisation, form.contact_email.data):
            form.contact_email.errors.append(_domains_error(organisation))
        elif existing is not None and (existing.contact_email or "").lower() == (
            form.contact_email.data.lower()
        ):
            # Sent twice (a double click, or asked again): nothing new is sent.
            db.session.rollback()
            return redirect(
                url_for(
                    "staff.return_page",
                    case_id=case.id,
                    return_id=existing.id,
                    done="already-asked",
                ),
                303,
            )
        elif existing is not None:
            form.organisation_id.errors.append(
                _(
                    "%(organisation)s has already been asked for a return on this case. To ask "
                    "someone else there, revoke that request’s link first.",
                    organisation=organisation.name,
                )
            )
        else:
            try:
                return_request, token = returns.request_return(
                    case,
                    organisation,
                    form.contact_name.data,
                    form.contact_email.data,
                    form.shared_identifiers.data,
                    actor=current_user.actor,
                )
            except returns.AddressNotInOrganisation:  # the domains changed meanwhile
                db.session.rollback()
                form.contact_email.errors.append(_domains_error(organisation))
            else:
                db.session.commit()
                return _show_link(case, return_request, token)
        db.session.rollback()
    return render_template(
        "staff/return_form.html",
        form=form,
        case=case,
        back_url=url_for("staff.case", case_id=case.id, _anchor="returns"),
    )


def _show_link(case: AuditCase, return_request: ReturnRequest, token: str, resent=False):
    """The link, shown once on the response to the POST that made it (for a phone call); the
    email carrying it is queued. It is never stored; the page is not cached."""
    return render_template(
        "staff/return_link.html",
        case=case,
        return_request=return_request,
        link=returns.link_for(token),
        resent=resent,
    )


# --- A return's page --------------------------------------------------------------------------


def _return(case: AuditCase, return_id: int) -> ReturnRequest:
    return_request = db.session.scalar(
        select(ReturnRequest).where(ReturnRequest.id == return_id, ReturnRequest.case_id == case.id)
    )
    if return_request is None:
        abort(404)
    return return_request


def _actor_names(return_request: ReturnRequest) -> dict[str, str]:
    names = {u.actor: u.label for u in db.session.scalars(select(StaffUser))}
    contact = return_request.contact_name or _("the organisation’s contact")
    names.update(
        {
            returns.agency_actor(return_request): _("%(name)s (by the link)", name=contact),
            "system": _("The portal"),
            "cli": _("Command line"),
        }
    )
    return names


def timeline(return_request: ReturnRequest) -> list[dict]:
    """The return's events, oldest first (staff views of it are in the audit log, not here),
    each message event saying which message it was."""
    messages = {
        m.id: m
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.return_request_id == return_request.id)
        )
    }
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.return_request_id == return_request.id, AuditEvent.action != "viewed")
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    entries = []
    for event in events:
        how = None
        match = MESSAGE_IN_DETAIL.match(event.detail or "")
        message = messages.get(int(match.group(1))) if match else None
        if message is not None and event.action.startswith("message_"):
            # Sent, delivered or failed: say which email (a queued event says it already).
            how = str(KINDS.get(message.kind, message.kind))
        entries.append(
            {
                "at": event.at,
                "what": str(RETURN_EVENTS.get(event.action, event.action)),
                "who": event.actor,
                "how": how,
            }
        )
    return entries


@dataclass
class PrincipleAnswer:
    title: str
    guidance: list[tuple[str, bool]]
    narrative: str | None
    score: str | None
    score_label: str
    suggested: str
    suggested_label: str
    reason: str | None

    @property
    def differs(self) -> bool:
        """Scored 2, 1 or 0 other than the ticks suggest (NA and NK need no reason)."""
        return self.score in NUMERIC_SCORES and self.score != self.suggested


def answers(return_request: ReturnRequest) -> tuple[list[PrincipleAnswer], scoring.Total]:
    """The submitted return's answers, principle by principle, and its total and band."""
    shown, scores = [], {}
    for principle in PRINCIPLES:
        answer = return_request.principle(principle.code)
        ticked = {
            i
            for i in (answer.considered or () if answer else ())
            if isinstance(i, int) and 0 <= i < len(principle.guidance)
        }
        score = answer.score if answer and answer.score in SCORES else None
        scores[principle.code] = score
        suggested = scoring.suggested_score(len(ticked))
        shown.append(
            PrincipleAnswer(
                title=principle.title,
                guidance=[(text, i in ticked) for i, text in enumerate(principle.guidance)],
                narrative=answer.narrative if answer else None,
                score=score,
                score_label=f"{score} – {SCORES[score]}" if score else _("Not scored"),
                suggested=suggested,
                suggested_label=f"{suggested} – {SCORES[suggested]}",
                reason=answer.score_reason if answer else None,
            )
        )
    return shown, scoring.total(scores)


@bp.get("/cases/<int:case_id>/returns/<int:return_id>")
@access(*CASE_STAFF, case=True)
def return_page(case_id: int, return_id: int):
    case: AuditCase = g.case
    return_request = _return(case, return_id)
    submitted = return_request.submitted_at is not None
    # The contact, the identifiers shared and (once in) the answers: recorded as read.
    viewed(
        case.id,
        f"return {return_request.id} of organisation {return_request.organisation_id}"
        + (" with its answers" if submitted else ""),
        return_request_id=return_request.id,
    )
    principles, total = answers(return_request) if submitted else ([], None)
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.return_request_id == return_request.id)
        .order_by(OutboxMessage.id)
    ).all()
    done = request.args.get("done")
    now = utcnow()
    return render_template(
        "staff/return.html",
        case=case,
        return_request=return_request,
        state_tag=STATE_TAGS[return_request.state],
        expired=not submitted
        and return_request.revoked_at is None
        and return_request.expires_at <= now,
        usable=return_request.usable(now) and not submitted,
        shared=[
            IDENTIFIERS[c] for c in return_request.shared_identifiers or () if c in IDENTIFIERS
        ],
        entries=timeline(return_request),
        actors=_actor_names(return_request),
        messages=messages,
        message_kinds=KINDS,
        message_tags=STATUS_TAGS,
        principles=principles,
        total=total,
        total_label=TOTAL_LABEL,
        bands_explained=scoring.BANDS_EXPLAINED,
        suggested_rule=SUGGESTED_SCORE_RULE,
        fields=[(label, getattr(return_request, name)) for name, label in RETURN_FIELDS.items()],
        practitioners_label=PRACTITIONERS_LABEL,
        coordinator=current_user.role == "coordinator",
        done=done if done in DONE_NOTES else None,
        action_form=ActionForm(),
        back_url=url_for("staff.case", case_id=case.id, _anchor="returns"),
    )


# --- Changing a return's link: new link, reminder, revoke -------------------------------------


@bp.post("/cases/<int:case_id>/returns/<int:return_id>/new-link")
@access(*COORDINATOR, case=True)
def return_new_link(case_id: int, return_id: int):
    """A new link in place of the old, which stops working at once (its messages not yet sent
    are cancelled); a revoked link is reopened this way."""
    one_at_a_time(case_id)
    case = db.session.get(AuditCase, case_id)
    return_request = _return(case, return_id)
    if return_request.submitted_at is not None or not return_request.contact_email:
        db.session.rollback()
        return redirect(_page(return_request, "closed"), 303)
    return_request, token = returns.new_link(return_request, actor=current_user.actor)
    db.session.commit()
    return _show_link(case, return_request, token, resent=True)


def _page(return_request: ReturnRequest, done: str | None = None) -> str:
    return url_for(
        "staff.return_page",
        case_id=return_request.case_id,
        return_id=return_request.id,
        done=done,
    )


@bp.post("/cases/<int:case_id>/returns/<int:return_id>/reminder")
@access(*COORDINATOR, case=True)
def return_reminder(case_id: int, return_id: int):
    """Queue a reminder to use the link already sent, unless one is already waiting to go."""
    one_at_a_time(case_id)
    case = db.session.get(AuditCase, case_id)
    return_request = _return(case, return_id)
    waiting = db.session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.return_request_id == return_request.id,
            OutboxMessage.kind == "return_reminder",
            OutboxMessage.status.in_(PENDING),
        )
    )
    if waiting is not None:
        db.session.rollback()
        return redirect(_page(return_request, "reminder-waiting"), 303)
    try:
        returns.remind(return_request, actor=current_user.actor)
    except returns.ReturnClosed:
        db.session.rollback()
        return redirect(_page(return_request, "closed"), 303)
    db.session.commit()
    return redirect(_page(return_request, "reminder"), 303)


@bp.route("/cases/<int:case_id>/returns/<int:return_id>/revoke", methods=["GET", "POST"])
@access(*COORDINATOR, case=True)
def return_revoke(case_id: int, return_id: int):
    """GET asks "are you sure?"; only the POST revokes."""
    case: AuditCase = g.case
    return_request = _return(case, return_id)
    if return_request.revoked_at is not None or return_request.submitted_at is not None:
        return redirect(_page(return_request), 303)
    form = ActionForm()
    if form.validate_on_submit():
        one_at_a_time(case_id)
        return_request = _return(db.session.get(AuditCase, case_id), return_id)
        if return_request.revoked_at is None and return_request.submitted_at is None:
            returns.revoke(return_request, actor=current_user.actor)
            db.session.commit()
        else:
            db.session.rollback()
        return redirect(_page(return_request, "revoked"), 303)
    return render_template(
        "staff/return_revoke.html",
        case=case,
        return_request=return_request,
        form=form,
        back_url=_page(return_request),
    )
