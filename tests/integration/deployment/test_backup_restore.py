"""The backup and restore drill (docs/DEPLOYMENT.md) with the real scripts on PostgreSQL: the demo council with
a generated report, uploaded documents and an audit anchor is backed up, restored into a fresh database and
fresh folders, and the copy is checked: the same rows in every table, `flask audit verify` passes on it, and
every archived report matches the SHA-256 the database holds for it. A backup altered after it was made is
refused before anything is restored."""
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, inspect, select, table

from app import create_app
from app.common.time import today_london
from app.demo.seed import run_seed
from app.extensions import db
from app.reporting import reports
from app.reporting.models import ArchivedReport, ReportType
from app.reporting.periods import period_containing
from tests.conftest import make_app_on_own_database
from tests.databases import ThrowawayDatabase, create_postgres_database, drop_postgres_database

pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def source(db_kind, tmp_path_factory):
    """A committed demo council on a database of its own, with a report in the archive and an audit anchor."""
    if db_kind != "postgresql":
        pytest.skip("the drill backs up PostgreSQL with pg_dump (SQLite is the single-user demo)")
    with ThrowawayDatabase("postgresql") as url:
        app = make_app_on_own_database(url)
        with app.app_context():
            run_seed(app.config)
            db.session.commit()
            reports.generate(ReportType.MONTHLY, period_containing(today_london()).previous().code)
            db.session.commit()
        assert _flask(url, app.config["REPORTS_DIR"], "audit", "anchor").returncode == 0
        yield app, url
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _flask(url, reports_dir, *args):
    env = {**os.environ, "HEARTH_ENV": "test", "TEST_DATABASE_URL": url, "REPORTS_DIR": str(reports_dir)}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def _script(name, url, reports_dir, uploads_dir, *args):
    env = {**os.environ, "DATABASE_URL": url, "REPORTS_DIR": str(reports_dir), "UPLOADS_DIR": str(uploads_dir)}
    return subprocess.run([str(ROOT / "scripts" / name), *map(str, args)], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def _backup(app, url, destination):
    result = _script("backup.sh", url, app.config["REPORTS_DIR"], app.config["UPLOADS_DIR"], destination)
    assert result.returncode == 0, result.stderr
    [made] = list(Path(destination).iterdir())
    return made


def _row_counts(app):
    with app.app_context():
        names = inspect(db.engine).get_table_names()
        return {name: db.session.scalar(select(func.count()).select_from(table(name))) for name in names}


@pytest.fixture
def fresh_database():
    name, url = create_postgres_database("hearth_restore")
    yield url
    drop_postgres_database(name)


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(source, fresh_database, tmp_path):
    app, url = source
    backup = _backup(app, url, tmp_path / "backups")
    restored_reports, restored_uploads = tmp_path / "restored" / "reports", tmp_path / "restored" / "uploads"

    result = _script("restore.sh", fresh_database, restored_reports, restored_uploads, backup)

    assert result.returncode == 0, result.stderr
    assert "row counts match" in result.stdout
    restored = create_app("test", SQLALCHEMY_DATABASE_URI=fresh_database, REPORTS_DIR=str(restored_reports),
                          UPLOADS_DIR=str(restored_uploads))
    try:
        counts = _row_counts(app)
        assert counts["families"] > 100 and counts["audit_events"] > 0 and counts["stored_files"] > 0
        assert _row_counts(restored) == counts
        verified = _flask(fresh_database, restored_reports, "audit", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "Audit chain intact" in verified.stdout and "anchored at" in verified.stdout
        with restored.app_context():
            entries = db.session.scalars(select(ArchivedReport)).all()
            assert entries and all(reports.intact(entry) for entry in entries)
        uploads = sorted(p.relative_to(restored_uploads) for p in restored_uploads.rglob("*") if p.is_file())
        assert uploads == sorted(p.relative_to(app.config["UPLOADS_DIR"])
                                 for p in Path(app.config["UPLOADS_DIR"]).rglob("*") if p.is_file())
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_backup_altered_after_it_was_made_is_not_restored(source, fresh_database, tmp_path):
    app, url = source
    backup = _backup(app, url, tmp_path / "backups")
    with open(backup / "reports.tar.gz", "ab") as archive:
        archive.write(b"\0")

    result = _script("restore.sh", fresh_database, tmp_path / "r", tmp_path / "u", backup)

    assert result.returncode != 0
    assert "checksums do not match" in result.stderr
    assert not (tmp_path / "r").exists()
    with psycopg.connect(fresh_database.replace("+psycopg", "")) as connection:
        assert connection.execute("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_schema = 'public'").fetchone() == (0,)
