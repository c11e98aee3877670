"""Migrations are the schema: one head, models match the head, and upgrade -> downgrade -> upgrade works."""
import os
import tempfile

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from app import create_app
from app.extensions import db
from tests.databases import ThrowawayDatabase

pytestmark = pytest.mark.own_database


@pytest.fixture(scope="module")
def migrated_app(db_kind):
    with ThrowawayDatabase(db_kind) as url:
        folder = tempfile.mkdtemp(prefix="hearth_files_")
        flask_app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REPORTS_DIR=os.path.join(folder, "r"),
                               UPLOADS_DIR=os.path.join(folder, "u"))
        yield flask_app
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()


def _script(flask_app):
    return ScriptDirectory.from_config(flask_app.extensions["migrate"].migrate.get_config())


def test_there_is_exactly_one_head(migrated_app):
    with migrated_app.app_context():
        heads = _script(migrated_app).get_heads()
    assert len(heads) == 1, f"several Alembic heads: {heads}"


def test_revisions_are_numbered_files(migrated_app):
    with migrated_app.app_context():
        revisions = list(_script(migrated_app).walk_revisions())
    for revision in revisions:
        name = os.path.basename(revision.path)
        assert name[:4].isdigit() and name.startswith(revision.revision), name


def _differences():
    import app.models  # noqa: F401

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_matches_the_models_then_downgrade_and_upgrade_again(migrated_app):
    with migrated_app.app_context():
        upgrade()
        assert _differences() == []
        downgrade(revision="base")
        db.session.remove()
        leftover = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert leftover == set()
        upgrade()
        assert _differences() == []
        if db.engine.dialect.name == "postgresql":
            triggers = db.session.execute(db.text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal"
            )).scalars().all()
            assert set(triggers) == {"audit_events_append_only", "audit_events_no_truncate"}


def _checks_and_operator_classes(engine):
    inspector = inspect(engine)
    return {table: (sorted((check["name"], check["sqltext"]) for check in inspector.get_check_constraints(table)),
                    sorted((index["name"], str(index.get("dialect_options", {}).get("postgresql_ops")))
                           for index in inspector.get_indexes(table)))
            for table in inspector.get_table_names() if table != "alembic_version"}


def test_check_constraints_and_operator_classes_match_the_models(migrated_app, db_kind):
    """Autogenerate compares neither CHECK constraints (an enum's allowed codes) nor index operator classes, so
    compare the migrated schema with one the models build, both read back by the same database."""
    import app.models  # noqa: F401

    with migrated_app.app_context():
        upgrade()
        migrated = _checks_and_operator_classes(db.engine)
    with ThrowawayDatabase(db_kind) as url:
        engine = create_engine(url)
        try:
            db.metadata.create_all(engine)
            built = _checks_and_operator_classes(engine)
        finally:
            engine.dispose()
    assert migrated == built
