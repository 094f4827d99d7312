"""saved pages as rows: saved_page (response, page) replaces response.pages_saved

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

response = sa.table("response", sa.column("id", sa.Integer), sa.column("pages_saved", sa.Text))
saved_page = sa.table(
    "saved_page", sa.column("response_id", sa.Integer), sa.column("page", sa.String)
)


def upgrade():
    op.create_table(
        "saved_page",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_saved_page_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "page", name=op.f("pk_saved_page")),
    )
    connection = op.get_bind()
    rows = [
        {"response_id": response_id, "page": page}
        for response_id, pages in connection.execute(
            sa.select(response.c.id, response.c.pages_saved)
        )
        for page in sorted(set((pages or "").split()))
    ]
    if rows:
        connection.execute(saved_page.insert(), rows)
    with op.batch_alter_table("response") as batch:
        batch.drop_column("pages_saved")


def downgrade():
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("pages_saved", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    pages: dict[int, list[str]] = {}
    for response_id, page in connection.execute(
        sa.select(saved_page.c.response_id, saved_page.c.page)
    ):
        pages.setdefault(response_id, []).append(page)
    for response_id, saved in pages.items():
        connection.execute(
            response.update()
            .where(response.c.id == response_id)
            .values(pages_saved=" ".join(saved))
        )
    with op.batch_alter_table("response") as batch:
        batch.alter_column("pages_saved", server_default=None)
    op.drop_table("saved_page")
