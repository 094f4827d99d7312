"""withdrawal links and retention

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("response") as batch:
        # Only a hash of the adult's "stop sharing" link secret, like invitation links.
        batch.add_column(sa.Column("withdraw_token_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_response_withdraw_token_hash", ["withdraw_token_hash"])
    with op.batch_alter_table("audit_case") as batch:
        batch.add_column(
            sa.Column("personal_data_removed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("audit_case") as batch:
        batch.drop_column("personal_data_removed_at")
    with op.batch_alter_table("response") as batch:
        batch.drop_constraint("uq_response_withdraw_token_hash", type_="unique")
        batch.drop_column("withdraw_token_hash")
