"""the audit itself: organisations, their returns by link, the meeting record, actions

Outbox messages and audit events may now belong to an organisation's return request; an outbox
message to an organisation's contact has no participant.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_table(
        "organisation_domain",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_domain_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", "domain", name=op.f("pk_organisation_domain")),
    )
    op.create_table(
        "case_organisation",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["audit_case.id"],
            name=op.f("fk_case_organisation_case_id_audit_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_organisation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("case_id", "organisation_id", name=op.f("pk_case_organisation")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("learning_points", sa.Text(), nullable=True),
        sa.Column("recommendations", sa.Text(), nullable=True),
        sa.Column("practitioners_consulted", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["audit_case.id"], name=op.f("fk_meeting_case_id_audit_case")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["staff_user.id"], name=op.f("fk_meeting_recorded_by_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("case_id", name=op.f("uq_meeting_case_id")),
    )
    op.create_table(
        "return_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("shared_identifiers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("desired_outcome", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("learning_points", sa.Text(), nullable=True),
        sa.Column("recommendations", sa.Text(), nullable=True),
        sa.Column("documents_reviewed", sa.Text(), nullable=True),
        sa.Column("documents_not_available", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["audit_case.id"], name=op.f("fk_return_request_case_id_audit_case")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_return_request_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_request")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_return_request_token_hash")),
    )
    with op.batch_alter_table("return_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_request_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_return_request_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("lead", sa.String(length=120), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dropped_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["audit_case.id"], name=op.f("fk_action_case_id_audit_case")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_action_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_action_owner_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_owner_organisation_id"), ["owner_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_status"), ["status"], unique=False)

    op.create_table(
        "escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("escalated_on", sa.Date(), nullable=False),
        sa.Column("escalated_by", sa.String(length=120), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_escalation_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_escalation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation")),
    )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalation_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_escalation_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "meeting_organisation",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_organisation_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_organisation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "organisation_id", name=op.f("pk_meeting_organisation")
        ),
    )
    op.create_table(
        "meeting_principle",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("principle", sa.String(length=20), nullable=False),
        sa.Column("score", sa.String(length=2), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_principle_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "principle", name=op.f("pk_meeting_principle")),
    )
    op.create_table(
        "return_practitioner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.Column("organisation", sa.String(length=120), nullable=True),
        sa.Column("reflection", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_request.id"],
            name=op.f("fk_return_practitioner_return_id_return_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_practitioner")),
    )
    with op.batch_alter_table("return_practitioner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_practitioner_return_id"), ["return_id"], unique=False
        )

    op.create_table(
        "return_principle",
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("principle", sa.String(length=20), nullable=False),
        sa.Column("considered", sa.JSON(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("score", sa.String(length=2), nullable=True),
        sa.Column("score_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_request.id"],
            name=op.f("fk_return_principle_return_id_return_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("return_id", "principle", name=op.f("pk_return_principle")),
    )
    op.create_table(
        "action_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("written_by", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["action.id"],
            name=op.f("fk_action_update_action_id_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_update")),
    )
    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_update_action_id"), ["action_id"], unique=False)

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_request_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_audit_event_return_request_id"), ["return_request_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_event_return_request_id_return_request"),
            "return_request",
            ["return_request_id"],
            ["id"],
        )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_request_id", sa.Integer(), nullable=True))
        batch_op.alter_column("participant_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_outbox_message_return_request_id"), ["return_request_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_return_request_id_return_request"),
            "return_request",
            ["return_request_id"],
            ["id"],
        )


def downgrade():
    # Messages to organisations' contacts have no participant, which the old schema needs.
    op.execute("DELETE FROM outbox_message WHERE return_request_id IS NOT NULL")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_message_return_request_id_return_request"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_message_return_request_id"))
        batch_op.alter_column("participant_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("return_request_id")

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_event_return_request_id_return_request"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_event_return_request_id"))
        batch_op.drop_column("return_request_id")

    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_update_action_id"))

    op.drop_table("action_update")
    op.drop_table("return_principle")
    with op.batch_alter_table("return_practitioner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_practitioner_return_id"))

    op.drop_table("return_practitioner")
    op.drop_table("meeting_principle")
    op.drop_table("meeting_organisation")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_escalation_meeting_id"))

    op.drop_table("escalation")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_status"))
        batch_op.drop_index(batch_op.f("ix_action_owner_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_action_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_due_on"))
        batch_op.drop_index(batch_op.f("ix_action_case_id"))

    op.drop_table("action")
    with op.batch_alter_table("return_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_request_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_return_request_case_id"))

    op.drop_table("return_request")
    op.drop_table("meeting")
    op.drop_table("case_organisation")
    op.drop_table("organisation_domain")
    op.drop_table("organisation")
