"""Actions for the Learning & Improvement Group: made from a case's recommendations, each with
an owner organisation, a lead (a name or a role), a due date, a status and dated updates.

Shared by the staff pages, the demo data and the tests. No Flask request objects: the caller
says who acted (``actor``) and commits. Every value is checked here too (lengths held to the
columns, known organisation and status), so a caller other than a form cannot store a bad one.

The CSV export (``to_csv``) is made for spreadsheets: a UTF-8 byte order mark so Excel reads
the accents, and no cell that a spreadsheet would run as a formula (OWASP's CSV injection
advice: a cell starting with =, +, -, @, tab or carriage return gets a leading single quote).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Action, ActionUpdate, AuditCase, Meeting, Organisation, utcnow
from ..models.audit import ACTION_STATUSES
from ..models.events import record

LEAD_MAX = 120  # Action.lead
WRITTEN_BY_MAX = 120  # ActionUpdate.written_by
TEXT_MAX = 2000  # what, dropped reason and update text: the staff forms' TEXT_MAX
UNFINISHED = ("open", "in_progress")
# A status filter beyond the statuses themselves: open or in progress.
UNFINISHED_FILTER = "unfinished"
# The due-date filter's choices: codes only; the staff page labels them.
DUE_FILTERS = ("overdue", "next_30_days")
SOON = timedelta(days=30)
CSV_COLUMNS = (
    "Action",
    "Owner organisation",
    "Lead",
    "Due date",
    "Status",
    "Latest update",
    "Updated on",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class InvalidAction(ValueError):
    """A value an action cannot hold: empty or too long text, an unknown organisation or
    status, a date that is not a date, or "dropped" without a reason."""


def _text(value, name: str, limit: int, required: bool = True) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidAction(f"{name} must be text")
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidAction(f"{name} is needed")
        return None
    if len(value) > limit:
        raise InvalidAction(f"{name} must be {limit} characters or fewer")
    return value


def _status(status: str, dropped_reason) -> tuple[str, str | None]:
    if status not in ACTION_STATUSES:
        raise InvalidAction(f"Status must be one of {', '.join(ACTION_STATUSES)}")
    if status != "dropped":
        return status, None
    reason = _text(dropped_reason, "The reason for dropping it", TEXT_MAX, required=False)
    if reason is None:
        raise InvalidAction("A dropped action needs a reason")
    return status, reason


def find_organisation(organisation_id) -> Organisation | None:
    """The organisation with this id (an int, or its digits as text), or None."""
    try:
        number = int(organisation_id)
    except (TypeError, ValueError):
        return None
    if not -(2**31) <= number < 2**31:  # beyond an INTEGER column: no such row
        return None
    return db.session.get(Organisation, number)


def organisations() -> list[Organisation]:
    """Every organisation an action may belong to, by name."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def find(action_id: int) -> Action | None:
    if not -(2**31) <= action_id < 2**31:
        return None
    return db.session.get(Action, action_id)


def create(
    case: AuditCase,
    what: str,
    owner_organisation_id,
    lead: str,
    due_on: date,
    status: str = "open",
    dropped_reason: str | None = None,
    *,
    actor: str = "cli",
) -> Action:
    """A new action on a case, linked to the case's meeting record when there is one, in the
    caller's transaction. Raises InvalidAction."""
    what = _text(what, "What the action is", TEXT_MAX)
    lead = _text(lead, "The lead", LEAD_MAX)
    owner = find_organisation(owner_organisation_id)
    if owner is None:
        raise InvalidAction("The owner organisation is not one of the organisations")
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        raise InvalidAction("The due date must be a date")
    status, dropped_reason = _status(status, dropped_reason)
    meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.case_id == case.id))
    action = Action(
        case_id=case.id,
        meeting_id=meeting_id,
        what=what,
        owner_organisation_id=owner.id,
        lead=lead,
        due_on=due_on,
        status=status,
        dropped_reason=dropped_reason,
    )
    db.session.add(action)
    db.session.flush()
    record("action_created", actor=actor, case_id=case.id, detail=f"action {action.id}")
    return action


def set_status(action: Action, status: str, dropped_reason=None, *, actor: str = "cli") -> bool:
    """Change an action's status (a dropped one needs a reason; any other status forgets it).
    Returns whether anything changed. Raises InvalidAction."""
    status, dropped_reason = _status(status, dropped_reason)
    if action.status == status and action.dropped_reason == dropped_reason:
        return False
    action.status = status
    action.dropped_reason = dropped_reason
    record(
        "action_status_changed",
        actor=actor,
        case_id=action.case_id,
        detail=f"action {action.id}: {status}",
    )
    return True


def add_update(
    action: Action, text: str, written_by: str, *, actor: str = "cli", when=None
) -> ActionUpdate:
    """A dated update on an action, written by ``written_by`` (a name or role, as shown on the
    action's page). Raises InvalidAction."""
    text = _text(text, "The update", TEXT_MAX)
    written_by = (written_by or "").strip()[:WRITTEN_BY_MAX] or "Unknown"
    update = ActionUpdate(
        action_id=action.id, text=text, written_by=written_by, written_at=when or utcnow()
    )
    db.session.add(update)
    db.session.flush()
    db.session.expire(action, ["updates"])
    record("action_update_added", actor=actor, case_id=action.case_id, detail=f"action {action.id}")
    return update


# --- Listing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the actions list is narrowed to. None means any."""

    organisation_id: int | None = None
    status: str | None = None
    due: str | None = None  # one of DUE_FILTERS


def _query(filters: Filters, today: date, facilitator_id: int | None) -> Select:
    query = select(Action)
    if facilitator_id is not None:
        query = query.join(AuditCase, Action.case_id == AuditCase.id).where(
            AuditCase.facilitator_id == facilitator_id
        )
    if filters.organisation_id is not None:
        query = query.where(Action.owner_organisation_id == filters.organisation_id)
    if filters.status in ACTION_STATUSES:
        query = query.where(Action.status == filters.status)
    elif filters.status == UNFINISHED_FILTER:
        query = query.where(Action.status.in_(UNFINISHED))
    if filters.due == "overdue":
        query = query.where(Action.due_on < today, Action.status.in_(UNFINISHED))
    elif filters.due == "next_30_days":
        query = query.where(
            Action.due_on >= today, Action.due_on <= today + SOON, Action.status.in_(UNFINISHED)
        )
    return query


def listing(
    filters: Filters = Filters(),
    *,
    today: date | None = None,
    facilitator_id: int | None = None,
    case_id: int | None = None,
) -> list[Action]:
    """The actions matching the filters, soonest due first, with their owners and updates
    loaded. ``facilitator_id`` keeps to that facilitator's cases, ``case_id`` to one case."""
    query = _query(filters, today or date.today(), facilitator_id)
    if case_id is not None:
        query = query.where(Action.case_id == case_id)
    query = query.options(joinedload(Action.owner), selectinload(Action.updates)).order_by(
        Action.due_on, Action.id
    )
    return list(db.session.scalars(query))


def latest_update(action: Action) -> ActionUpdate | None:
    return max(action.updates, key=lambda u: (u.written_at, u.id), default=None)


def updates_newest_first(action: Action) -> list[ActionUpdate]:
    return sorted(action.updates, key=lambda u: (u.written_at, u.id), reverse=True)


# --- CSV -----------------------------------------------------------------------------------------


def safe_cell(value) -> str:
    """A cell as text that a spreadsheet shows and never runs: one starting with =, +, -, @,
    tab or carriage return gets a leading single quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_filename(today: date | None = None) -> str:
    """A name that says what and when, and nothing about any case."""
    return f"actions-{(today or date.today()).isoformat()}.csv"


def to_csv(actions: list[Action], status_label=None) -> str:
    """The actions as CSV text beginning with a byte order mark: the columns of CSV_COLUMNS,
    dates as ISO 8601 (YYYY-MM-DD). ``status_label`` turns a status code into its words."""
    label = status_label or (lambda code: str(ACTION_STATUSES.get(code, code)))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for action in actions:
        latest = latest_update(action)
        writer.writerow(
            safe_cell(value)
            for value in (
                action.what,
                action.owner.name,
                action.lead,
                action.due_on.isoformat(),
                label(action.status),
                latest.text if latest else "",
                latest.written_at.date().isoformat() if latest else "",
            )
        )
    return out.getvalue()
