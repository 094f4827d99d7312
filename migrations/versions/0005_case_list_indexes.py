"""indexes for filtering and ordering the case list

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_case_quarter_reference", "audit_case", ["quarter", "reference"])
    op.create_index("ix_audit_case_status", "audit_case", ["status"])
    op.create_index("ix_audit_case_theme", "audit_case", ["theme"])


def downgrade():
    op.drop_index("ix_audit_case_theme", table_name="audit_case")
    op.drop_index("ix_audit_case_status", table_name="audit_case")
    op.drop_index("ix_audit_case_quarter_reference", table_name="audit_case")
