"""What the quarterly report needs stored: the checks that a piece of free text identifies no
one, before the report may show it."""

from __future__ import annotations

from datetime import datetime
from hashlib import sha256

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

# The free text a report may show, by where it is kept: a meeting record's two fields, and an
# action's words. Labels as the report and the checks page say them.
CHECKED_FIELDS = {
    "learning_points": "Learning points",
    "recommendations": "Recommendations",
    "what": "Action",
}


class TextCheck(db.Model):
    """A member of staff ticked "checked: identifies no one" on one piece of text. The hash is of
    the exact text checked, so a check stops counting once the text is edited."""

    __tablename__ = "text_check"
    # One check per piece of text: a meeting's field, or an action's words (the other id is
    # NULL, and NULLs never clash in a unique constraint).
    __table_args__ = (
        UniqueConstraint("meeting_id", "field"),
        UniqueConstraint("action_id", "field"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(20))  # CHECKED_FIELDS
    text_sha256: Mapped[str] = mapped_column(String(64))
    checked_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def text_digest(text: str) -> str:
    """The SHA-256 of a piece of text exactly as stored, which a check holds."""
    return sha256(text.encode("utf-8")).hexdigest()
