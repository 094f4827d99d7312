"""the quarterly report: Making Safeguarding Personal's question, and free-text checks

A case records whether the adult was asked about the outcomes they wanted (NHS England's SG4a
categories); a piece of free text (a meeting's learning points or recommendations, an action's
words) is shown in the report only once staff have checked that it identifies no one.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_case") as batch:
        batch.add_column(sa.Column("outcomes_asked", sa.String(length=20), nullable=True))
    op.create_table(
        "text_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("checked_by", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_text_check_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_text_check_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checked_by"], ["staff_user.id"], name=op.f("fk_text_check_checked_by_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_check")),
        sa.UniqueConstraint("meeting_id", "field", name=op.f("uq_text_check_meeting_id")),
        sa.UniqueConstraint("action_id", "field", name=op.f("uq_text_check_action_id")),
    )
    op.create_index(op.f("ix_text_check_meeting_id"), "text_check", ["meeting_id"])
    op.create_index(op.f("ix_text_check_action_id"), "text_check", ["action_id"])


def downgrade():
    op.drop_index(op.f("ix_text_check_action_id"), table_name="text_check")
    op.drop_index(op.f("ix_text_check_meeting_id"), table_name="text_check")
    op.drop_table("text_check")
    with op.batch_alter_table("audit_case") as batch:
        batch.drop_column("outcomes_asked")
