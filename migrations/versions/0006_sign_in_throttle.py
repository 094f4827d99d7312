"""staff sign-in: growing waits per email address instead of a lock

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_throttle")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_sign_in_throttle_key_hash")),
    )
    with op.batch_alter_table("sign_in_throttle") as batch:
        batch.create_index(
            batch.f("ix_sign_in_throttle_last_failed_at"), ["last_failed_at"], unique=False
        )
    # No more locked accounts: an administrator who means to stop an account deactivates it.
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("locked_at")
        batch.drop_column("failed_attempts")


def downgrade():
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("sign_in_throttle") as batch:
        batch.drop_index(batch.f("ix_sign_in_throttle_last_failed_at"))
    op.drop_table("sign_in_throttle")
