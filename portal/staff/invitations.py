"""Invitations: inviting the adult or their representative, the link's page with its timeline,
a reminder, a new link in place of the old, revoking one and changing how long it works."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.validators import InputRequired

from .. import links
from ..delivery import MissingContact, queue_reminder
from ..extensions import db
from ..models import AuditCase, AuditEvent, Invitation, OutboxMessage, StaffUser, utcnow
from ..models.cases import CHANNELS, RECIPIENTS
from ..models.events import INVITATION_EVENTS
from ..models.outbox import KINDS, MESSAGE_CHANNELS
from ..services.invitations import replace_link, send_invitation
from ..services.locks import one_at_a_time
from . import access, bp, voice
from .audit_log import audit, viewed
from .forms import ActionForm, DateInputField, StrippedForm

COORDINATOR = ("coordinator",)
CASE_STAFF = ("coordinator", "facilitator")
PENDING = ("queued", "sending")
MESSAGE_EVENTS = ("invitation_queued", "reminder_queued", "sent", "delivered", "failed")
MESSAGE_IN_DETAIL = re.compile(r"^message (\d+)\b")


class ExpiryForm(StrippedForm):
    expires_on = DateInputField(
        _l("Link works until"),
        future=True,
        description=_l("For example, 27 3 2027"),
        validators=[InputRequired(_l("Enter the date the link works until"))],
    )


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


# --- Inviting, and the link's page with its timeline ------------------------------------------


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
        channel_label=CHANNELS.get(invitation.participant.channel, ""),
    )


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
        invitation, token, message = send_invitation(participant, actor=current_user.actor)
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


def _message_note(event: AuditEvent, messages: dict) -> str | None:
    """For a message's event: which message (invitation or reminder) and how it went. The event's
    detail names the message by id only."""
    if event.action not in MESSAGE_EVENTS:
        return None
    match = MESSAGE_IN_DETAIL.match(event.detail or "")
    message = messages.get(int(match.group(1))) if match else None
    if message is None:
        return None
    how = MESSAGE_CHANNELS.get(message.channel, message.channel)
    kind = KINDS.get(message.kind, message.kind)
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
            "what": str(INVITATION_EVENTS.get(e.action, e.action)),
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
    try:
        new, token, message = replace_link(old, actor=current_user.actor)
    except MissingContact as problem:
        return _cannot_send(case, old.participant.role, problem)
    db.session.commit()
    return _show_new_link(case, new, token, message, resent=True)


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


# --- Reminders --------------------------------------------------------------------------------


@bp.post("/cases/<int:case_id>/invitations/<int:invitation_id>/reminder")
@access(*COORDINATOR, case=True)
def invitation_reminder(case_id: int, invitation_id: int):
    """Queue a reminder by the person's channel, unless one is already waiting to go."""
    one_at_a_time(case_id)
    case = db.session.get(AuditCase, case_id)
    invitation = _invitation(case, invitation_id)
    back = url_for("staff.invitation", case_id=case.id, invitation_id=invitation.id)
    waiting = db.session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.invitation_id == invitation.id,
            OutboxMessage.kind == "reminder",
            OutboxMessage.status.in_(PENDING),
        )
    )
    if waiting is not None:
        db.session.rollback()
        return redirect(f"{back}?done=reminder-waiting", 303)
    try:
        queue_reminder(invitation, actor=current_user.actor)
    except MissingContact:
        db.session.rollback()
        return redirect(f"{back}?done=no-contact", 303)
    except ValueError:  # expired, revoked or answered meanwhile
        db.session.rollback()
        return redirect(back, 303)
    db.session.commit()
    return redirect(f"{back}?done=reminder", 303)
