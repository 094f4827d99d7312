"""staff sign-in through the organisation's identity provider (OpenID Connect)

An account may be linked to the provider's subject once its verified email has matched; an
account marked break-glass keeps password and authenticator sign-in when single sign-on is on.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch.add_column(
            sa.Column("break_glass", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_unique_constraint(batch.f("uq_staff_user_oidc_subject"), ["oidc_subject"])


def downgrade():
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_constraint(batch.f("uq_staff_user_oidc_subject"), type_="unique")
        batch.drop_column("break_glass")
        batch.drop_column("oidc_subject")
