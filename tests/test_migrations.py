"""Migrations are the only way the schema is made, so they must match the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from portal.extensions import db


def test_one_head(app):
    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_upgrading_a_database_that_holds_data(tmp_path):
    """Batch migrations rebuild SQLite tables; they must work with rows referring to them, not
    only on the empty database the other tests start from."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal import create_app

    # Always a fresh SQLite file: the rebuild is SQLite's (PostgreSQL alters tables in place).
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_case (id, reference, status, created_at, version) "
                    "VALUES (1, 'OLD-1', 'preparing', CURRENT_TIMESTAMP, 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO participant (id, case_id, role, channel, format, language) "
                    "VALUES (1, 1, 'adult', 'email', 'standard', 'en')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT reference FROM audit_case")).scalar() == "OLD-1"
        db.engine.dispose()


def test_saved_pages_move_from_a_string_to_rows_and_back(tmp_path):
    """0007 turns each draft's space-separated pages_saved into saved_page rows (each page
    once), and its downgrade puts the string back."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pages.db'}"})
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_case (id, reference, status, created_at, version) "
                    "VALUES (1, 'OLD-1', 'preparing', CURRENT_TIMESTAMP, 1)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO participant (id, case_id, role, channel, format, language) "
                    "VALUES (1, 1, 'adult', 'email', 'standard', 'en')"
                )
            )
            for n, pages in ((1, "who consent q1 q12 q1"), (2, "")):
                conn.execute(
                    text(
                        "INSERT INTO invitation (id, case_id, participant_id, recipient, "
                        "token_hash, created_at, expires_at, session_generation, format, "
                        "language) VALUES (:n, 1, 1, 'adult', :hash, CURRENT_TIMESTAMP, "
                        "CURRENT_TIMESTAMP, 1, 'standard', 'en')"
                    ),
                    {"n": n, "hash": f"{n:064d}"},
                )
                conn.execute(
                    text(
                        "INSERT INTO response (id, invitation_id, reference, status, method, "
                        "format, language, started_at, updated_at, pages_saved) VALUES (:n, :n, "
                        ":ref, 'draft', 'online', 'standard', 'en', CURRENT_TIMESTAMP, "
                        "CURRENT_TIMESTAMP, :pages)"
                    ),
                    {"n": n, "ref": f"REF-{n}", "pages": pages},
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT response_id, page FROM saved_page")).all()
        assert sorted(rows) == [(1, "consent"), (1, "q1"), (1, "q12"), (1, "who")]
        downgrade(revision="0006")
        with db.engine.connect() as conn:
            pages = dict(conn.execute(text("SELECT id, pages_saved FROM response")).all())
        assert sorted(pages[1].split()) == ["consent", "q1", "q12", "who"] and pages[2] == ""
        db.engine.dispose()
