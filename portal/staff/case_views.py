"""Audit cases, the people on them, and their invitations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import links
from ..delivery import MissingContact, queue_invitation
from ..extensions import db
from ..models import (
    AuditCase,
    AuditEvent,
    Invitation,
    OutboxMessage,
    Participant,
    StaffUser,
    utcnow,
)
from ..models.cases import RECIPIENTS
from . import access, bp, case_list, voice
from .audit import audit, viewed
from .forms import (
    ABUSE_LABELS,
    CHANNEL_LABELS,
    FORMAT_LABELS,
    LANGUAGE_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
    ActionForm,
    CaseFilterForm,
    CaseForm,
    ExpiryForm,
    ParticipantForm,
)

COORDINATOR = ("coordinator",)
CASE_STAFF = ("coordinator", "facilitator")
APPENDIX_1_FIELDS = (
    "participants_and_roles",
    "adult_name",
    "adult_known_as",
    "date_of_birth",
    "care_first_number",
    "nhs_number",
    "agency_system_id",
    "concern_raised_on",
    "abuse_types",
    "abuse_location",
    "referral_source",
    "presenting_concern",
    "agencies_involved",
    "outcomes_met",
    "cause_of_risk",
    "documents_reviewed",
    "documents_not_available",
    "desired_outcome",
)
CASE_FIELDS = ("reference", "quarter", "theme", "status", "facilitator_id", *APPENDIX_1_FIELDS)
PARTICIPANT_FIELDS = (
    "name",
    "known_as",
    "relationship",
    "channel",
    "email",
    "phone",
    "address",
    "format",
    "language",
)


def _facilitator_choices() -> list[tuple[str, str]]:
    people = db.session.scalars(
        select(StaffUser)
        .where(StaffUser.role == "facilitator", StaffUser.active.is_(True))
        .order_by(StaffUser.name, StaffUser.email)
    )
    return [("", _("Not assigned yet")), *((str(u.id), u.label) for u in people)]


def _case_form(case: AuditCase | None = None, **kwargs) -> CaseForm:
    if case is not None and request.method == "GET":
        data = {name: getattr(case, name) for name in CASE_FIELDS}
        data["abuse_types"] = (case.abuse_types or "").split()
        data["facilitator_id"] = str(case.facilitator_id or "")
        data["version"] = str(case.version)
        kwargs["data"] = data
    form = CaseForm(**kwargs)
    form.facilitator_id.choices = _facilitator_choices()
    return form


def _apply_case_form(case: AuditCase, form: CaseForm) -> list[str]:
    """Copy the form onto the case; return the names of the fields that changed (for the
    audit log, which never holds the values)."""
    changed = []
    for name in CASE_FIELDS:
        value = getattr(form, name).data
        if name == "abuse_types":
            value = " ".join(value or ()) or None
        elif name == "facilitator_id":
            value = int(value) if value else None
        elif isinstance(value, str):
            value = value or None
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    return changed


def _reference_taken(reference: str, case_id: int | None = None) -> bool:
    query = select(AuditCase.id).where(AuditCase.reference == reference)
    if case_id is not None:
        query = query.where(AuditCase.id != case_id)
    return db.session.scalar(query) is not None


# --- Listing ----------------------------------------------------------------------------------


@bp.get("/cases")
@access(*CASE_STAFF)
def cases():
    quarters, themes = case_list.choices(current_user)
    form = CaseFilterForm(request.args)
    form.quarter.choices = [("", _("Any quarter")), *((q, q) for q in quarters)]
    form.theme.choices = [("", _("Any theme")), *((t, t) for t in themes)]
    form.validate()
    filters = {
        "quarter": form.quarter.data or None,
        "theme": form.theme.data or None,
        "status": form.status.data or None,
    }
    listing = case_list.page_of_cases(
        current_user, page=request.args.get("page", 1, type=int), **filters
    )
    return render_template(
        "staff/cases.html",
        filters=form,
        listing=listing,
        cases=listing.cases,
        page_url=lambda number: url_for(
            "staff.cases", page=number, **{k: v for k, v in filters.items() if v}
        ),
        status_labels=STATUS_LABELS,
        filtered=any(filters.values()),
    )


# --- Creating and editing ---------------------------------------------------------------------


@bp.route("/cases/new", methods=["GET", "POST"])
@access(*COORDINATOR)
def case_new():
    form = _case_form()
    if form.validate_on_submit():
        if _reference_taken(form.reference.data):
            form.reference.errors.append(_("A case with this reference already exists"))
        else:
            case = AuditCase(reference=form.reference.data)
            _apply_case_form(case, form)
            db.session.add(case)
            db.session.flush()
            audit("case_created", case_id=case.id)
            db.session.commit()
            return redirect(url_for("staff.case", case_id=case.id), 303)
    return render_template(
        "staff/case_form.html", form=form, case=None, back_url=url_for("staff.cases")
    )


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@access(*COORDINATOR, case=True)
def case_edit(case_id: int):
    case: AuditCase = g.case
    form = _case_form(case)
    conflict = False
    if request.method == "POST" and form.validate_on_submit():
        if form.version.data != str(case.version):
            conflict = True
        elif _reference_taken(form.reference.data, case.id):
            form.reference.errors.append(_("A case with this reference already exists"))
        else:
            changed = _apply_case_form(case, form)
            if changed:
                audit("case_updated", case_id=case.id, detail=" ".join(changed)[:200])
            try:
                db.session.commit()
            except StaleDataError:
                # Someone saved between our read and our write: the version check in the
                # UPDATE matched no row.
                db.session.rollback()
                conflict = True
            else:
                return redirect(url_for("staff.case", case_id=case.id), 303)
    if conflict:
        db.session.expire_all()
        case = db.session.get(AuditCase, case_id)
        form = _case_form(case, formdata=None)
        _fill(form, case)
        viewed(case.id, "case form")
        return render_template(
            "staff/case_form.html",
            form=form,
            case=case,
            conflict=True,
            back_url=url_for("staff.case", case_id=case.id),
        ), 409
    if request.method == "GET":
        viewed(case.id, "case form")
    return render_template(
        "staff/case_form.html",
        form=form,
        case=case,
        back_url=url_for("staff.case", case_id=case.id),
    )


def _fill(form: CaseForm, case: AuditCase) -> None:
    for name in CASE_FIELDS:
        getattr(form, name).data = getattr(case, name)
    form.abuse_types.data = (case.abuse_types or "").split()
    form.facilitator_id.data = str(case.facilitator_id or "")
    form.version.data = str(case.version)


# --- The case page ----------------------------------------------------------------------------


def _case_rows(case: AuditCase) -> list[dict]:
    def text(value):
        return {"text": value} if value else {"text": _("Not recorded")}

    def date_text(value):
        return text(value.strftime("%-d %B %Y") if value else None)

    form = CaseForm(formdata=None, meta={"csrf": False})
    labels = {name: getattr(form, name).label.text for name in APPENDIX_1_FIELDS}
    rows = []
    for name in APPENDIX_1_FIELDS:
        value = getattr(case, name)
        if name in ("date_of_birth", "concern_raised_on"):
            shown = date_text(value)
        elif name == "abuse_types":
            shown = text(
                ", ".join(str(ABUSE_LABELS[c]) for c in (value or "").split() if c in ABUSE_LABELS)
            )
        elif name == "outcomes_met":
            shown = text(str(OUTCOME_LABELS[value]) if value in OUTCOME_LABELS else None)
        elif name == "nhs_number" and value:
            shown = text(f"{value[:3]} {value[3:6]} {value[6:]}")
        else:
            shown = text(value)
        rows.append(
            {"key": {"text": labels[name]}, "value": shown, "classes": "staff-preserve-lines"}
        )
    return rows


def invitation_status(invitation: Invitation, now: datetime | None = None) -> str:
    now = now or utcnow()
    response = invitation.response
    if response is not None and response.status == "submitted":
        return _("Sent their answers")
    if invitation.revoked_at is not None:
        return _("Link revoked")
    if invitation.expires_at <= now:
        return _("Link expired")
    if response is not None:
        return _("Started")
    return _("Not opened yet")


@bp.get("/cases/<int:case_id>")
@access(*CASE_STAFF, case=True)
def case(case_id: int):
    case: AuditCase = g.case
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.case_id == case.id).order_by(Invitation.created_at)
    ).all()
    people = {role: case.participant(role) for role in RECIPIENTS}
    viewed(case.id, "case page")
    return render_template(
        "staff/case.html",
        case=case,
        status_label=STATUS_LABELS.get(case.status, case.status),
        rows=_case_rows(case),
        people=people,
        invitations=[i for i in invitations if voice.is_link(i)],
        invitation_status=invitation_status,
        voices=voice.voices(case),
        channel_labels=CHANNEL_LABELS,
        format_labels=FORMAT_LABELS,
        language_labels=LANGUAGE_LABELS,
        action_form=ActionForm(),
        coordinator=current_user.role == "coordinator",
    )


# --- People -----------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/people/<role>", methods=["GET", "POST"])
@access(*COORDINATOR, case=True)
def person(case_id: int, role: str):
    if role not in RECIPIENTS:
        abort(404)
    case: AuditCase = g.case
    existing = case.participant(role)
    if existing is not None and request.method == "GET":
        form = ParticipantForm(data={f: getattr(existing, f) for f in PARTICIPANT_FIELDS})
    elif existing is None and request.method == "GET" and role == "adult":
        form = ParticipantForm(data={"name": case.adult_name, "known_as": case.adult_known_as})
    else:
        form = ParticipantForm()
    if form.validate_on_submit():
        target = existing or Participant(case=case, role=role)
        changed = []
        for name in PARTICIPANT_FIELDS:
            value = getattr(form, name).data or None
            if name == "relationship" and role == "adult":
                value = None
            if getattr(target, name) != value:
                setattr(target, name, value)
                changed.append(name)
        db.session.add(target)
        db.session.flush()
        audit("person_saved", case_id=case.id, detail=f"{role}: {' '.join(changed)}"[:200])
        db.session.commit()
        return redirect(url_for("staff.case", case_id=case.id, _anchor="people"), 303)
    if request.method == "GET":
        viewed(case.id, f"{role} details")
    return render_template(
        "staff/person.html",
        form=form,
        case=case,
        role=role,
        back_url=url_for("staff.case", case_id=case.id),
    )


# --- Invitations ------------------------------------------------------------------------------


def _show_new_link(
    case: AuditCase, invitation: Invitation, token: str, message, resent: bool = False
):
    """The invitation has been queued by the person's channel; the new link is also shown once,
    on the response to the POST that made it, for phone support or a letter handed over in
    person. It is never stored; the page is not cached (Cache-Control: no-store)."""
    return render_template(
        "staff/invitation_link.html",
        case=case,
        invitation=invitation,
        link=links.link_for(token),
        resent=resent,
        message=message,
        channel_label=CHANNEL_LABELS.get(invitation.participant.channel, ""),
    )


def _issue_and_queue(participant: Participant, **kwargs):
    """Issue a link and queue the invitation by the person's channel, in one transaction (the
    caller commits). Raises MissingContact, having rolled back nothing: the caller rolls back."""
    invitation, token = links.issue(participant, actor=current_user.actor, **kwargs)
    message = queue_invitation(invitation, token, actor=current_user.actor)
    return invitation, token, message


def _cannot_send(case: AuditCase, role: str, problem: MissingContact):
    """Nothing was issued or queued: the person has no address for their channel."""
    db.session.rollback()
    return render_template(
        "staff/invite_problem.html",
        case=case,
        role=role,
        problem=problem,
        back_url=url_for("staff.case", case_id=case.id, _anchor="people"),
    ), 409


@bp.post("/cases/<int:case_id>/people/<role>/invite")
@access(*COORDINATOR, case=True)
def invite(case_id: int, role: str):
    case: AuditCase = g.case
    if role not in RECIPIENTS:
        abort(404)
    participant = case.participant(role)
    if participant is None:
        return redirect(url_for("staff.person", case_id=case.id, role=role), 303)
    try:
        invitation, token, message = _issue_and_queue(participant)
    except MissingContact as problem:
        return _cannot_send(case, role, problem)
    if case.status == "preparing":
        case.status = "waiting_for_views"
    db.session.commit()
    return _show_new_link(case, invitation, token, message)


def _invitation(case: AuditCase, invitation_id: int) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.id == invitation_id, Invitation.case_id == case.id)
    )
    if invitation is None or not voice.is_link(invitation):
        abort(404)
    return invitation


TIMELINE_LABELS = {
    "created": _l("Invitation created"),
    "invitation_queued": _l("Invitation queued to send"),
    "reminder_queued": _l("Reminder queued to send"),
    "sent": _l("Sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Delivery failed"),
    "opened": _l("Opened the link and started"),
    "started": _l("Saved the first answer"),
    "consent_given": _l("Consent given"),
    "consent_declined": _l("Consent declined"),
    "submitted": _l("Answers sent"),
    "expired": _l("Link expired"),
    "revoked": _l("Link revoked"),
    "expiry_changed": _l("Expiry date changed"),
    "resent": _l("Replaced by a new link"),
    "viewed": _l("Viewed by staff"),
}


MESSAGE_EVENTS = ("invitation_queued", "reminder_queued", "sent", "delivered", "failed")
MESSAGE_IN_DETAIL = re.compile(r"^message (\d+)\b")
KIND_LABELS = {"invitation": _l("invitation"), "reminder": _l("reminder")}


def _message_note(event: AuditEvent, messages: dict) -> str | None:
    """For a message's event: which message (invitation or reminder) and how it went. The event's
    detail names the message by id only."""
    if event.action not in MESSAGE_EVENTS:
        return None
    match = MESSAGE_IN_DETAIL.match(event.detail or "")
    message = messages.get(int(match.group(1))) if match else None
    if message is None:
        return None
    how = CHANNEL_LABELS.get(message.channel) or _("Letter (print batch)")
    kind = KIND_LABELS.get(message.kind, message.kind)
    return _("%(kind)s by %(how)s", kind=kind, how=str(how).lower())


def timeline(invitation: Invitation) -> list[dict]:
    messages = {
        m.id: m
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.invitation_id == invitation.id)
        )
    }
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.invitation_id == invitation.id, AuditEvent.action != "viewed")
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    entries = [
        {
            "at": e.at,
            "what": str(TIMELINE_LABELS.get(e.action, e.action)),
            "who": e.actor,
            "how": _message_note(e, messages),
        }
        for e in events
    ]
    now = utcnow()
    submitted = invitation.response is not None and invitation.response.status == "submitted"
    if (
        invitation.expires_at <= now
        and invitation.revoked_at is None
        and not submitted
        and not any(e.action == "expired" for e in events)
    ):
        entries.append(
            {"at": invitation.expires_at, "what": _("Link expired"), "who": "system", "how": None}
        )
        entries.sort(key=lambda e: e["at"])
    return entries


@bp.get("/cases/<int:case_id>/invitations/<int:invitation_id>")
@access(*CASE_STAFF, case=True)
def invitation(case_id: int, invitation_id: int):
    case: AuditCase = g.case
    invitation = _invitation(case, invitation_id)
    viewed(case.id, "invitation", invitation_id=invitation.id)
    return render_template(
        "staff/invitation.html",
        case=case,
        invitation=invitation,
        status=invitation_status(invitation),
        entries=timeline(invitation),
        actors=_actor_names(),
        action_form=ActionForm(),
        live=invitation.usable(utcnow())
        and not (invitation.response and invitation.response.status == "submitted"),
        coordinator=current_user.role == "coordinator",
        back_url=url_for("staff.case", case_id=case.id),
    )


def _actor_names() -> dict[str, str]:
    users = db.session.scalars(select(StaffUser)).all()
    names = {u.actor: u.label for u in users}
    names.update(
        {"adult": _("The person invited"), "system": _("The portal"), "cli": _("Command line")}
    )
    return names


@bp.post("/cases/<int:case_id>/invitations/<int:invitation_id>/resend")
@access(*COORDINATOR, case=True)
def invitation_resend(case_id: int, invitation_id: int):
    """A new link in place of the old one, which stops working at once."""
    case: AuditCase = g.case
    old = _invitation(case, invitation_id)
    if old.response is not None and old.response.status == "submitted":
        return redirect(url_for("staff.invitation", case_id=case.id, invitation_id=old.id), 303)
    # Revoking cancels the old link's messages not yet sent, in this same transaction.
    if old.revoked_at is None:
        links.revoke(old, actor=current_user.actor)
    audit("resent", case_id=case.id, invitation_id=old.id)
    participant = old.participant
    try:
        new, token, message = _issue_and_queue(
            participant, expires_at=max(old.expires_at, _default_expiry())
        )
    except MissingContact as problem:
        return _cannot_send(case, participant.role, problem)
    db.session.commit()
    return _show_new_link(case, new, token, message, resent=True)


def _default_expiry() -> datetime:
    from flask import current_app

    return utcnow() + timedelta(days=current_app.config["LINK_LIFETIME_DAYS"])


@bp.post("/cases/<int:case_id>/invitations/<int:invitation_id>/revoke")
@access(*COORDINATOR, case=True)
def invitation_revoke(case_id: int, invitation_id: int):
    case: AuditCase = g.case
    invitation = _invitation(case, invitation_id)
    if invitation.revoked_at is None:
        links.revoke(invitation, actor=current_user.actor)
        db.session.commit()
    return redirect(url_for("staff.invitation", case_id=case.id, invitation_id=invitation.id), 303)


@bp.route("/cases/<int:case_id>/invitations/<int:invitation_id>/expiry", methods=["GET", "POST"])
@access(*COORDINATOR, case=True)
def invitation_expiry(case_id: int, invitation_id: int):
    case: AuditCase = g.case
    invitation = _invitation(case, invitation_id)
    if invitation.revoked_at is not None:
        return redirect(
            url_for("staff.invitation", case_id=case.id, invitation_id=invitation.id), 303
        )
    form = ExpiryForm(
        data={"expires_on": invitation.expires_at.date()} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        # The link works to the end of the chosen day (UK time is close enough to UTC here:
        # the end of the day in UTC is never earlier than the end of the day in London).
        invitation.expires_at = datetime.combine(form.expires_on.data, time(23, 59, 59), tzinfo=UTC)
        audit("expiry_changed", case_id=case.id, invitation_id=invitation.id)
        db.session.commit()
        return redirect(
            url_for("staff.invitation", case_id=case.id, invitation_id=invitation.id), 303
        )
    return render_template(
        "staff/expiry.html",
        form=form,
        case=case,
        invitation=invitation,
        back_url=url_for("staff.invitation", case_id=case.id, invitation_id=invitation.id),
    )
