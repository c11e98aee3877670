"""With REPORTING_DATABASE_URL set, the dashboard's aggregates are read from the reporting replica and never
from the primary, and the page says so. Two databases of the test's own stand in for a primary and its replica:
they hold different families, so the figures on the page show which one was read."""
import re
from datetime import date

import pytest
from sqlalchemy.orm import Session

from app.cases.models import Family, FamilyStatus
from app.extensions import db
from config import load_config
from tests.conftest import make_app_on_own_database, signed_in_client
from tests.databases import ThrowawayDatabase
from tests.factories import Factory

pytestmark = pytest.mark.own_database


def test_the_setting_names_the_replica():
    settings = load_config("test", {"REPORTING_DATABASE_URL": "postgresql+psycopg://replica.invalid/hearth"})
    assert settings["SQLALCHEMY_BINDS"]["reporting"]["url"] == "postgresql+psycopg://replica.invalid/hearth"
    assert load_config("test", {})["SQLALCHEMY_BINDS"] == {}


def _families(session, status, count, prefix):
    session.add_all(Family(reference=f"{prefix}{n:04d}", status=status,
                           closed_on=date(2026, 1, 5) if status == FamilyStatus.CLOSED else None)
                    for n in range(count))


def _state_counts(page: str) -> dict[str, str]:
    section = page.split('id="states"', 1)[1].split("</section>", 1)[0]
    return dict(re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
                           r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]+)</td>', section))


def test_the_dashboard_reads_the_replica(db_kind):
    with ThrowawayDatabase(db_kind) as primary_url, ThrowawayDatabase(db_kind) as replica_url:
        try:
            _read_from_the_replica(primary_url, replica_url)
        finally:
            # `db` is one object for every app in the process: an app with a bind leaves that bind's metadata
            # behind, and every later app's create_all would look for an engine it does not have.
            db.metadatas.pop("reporting", None)


def _read_from_the_replica(primary_url, replica_url):
    flask_app = make_app_on_own_database(primary_url, SQLALCHEMY_BINDS={"reporting": replica_url})
    with flask_app.app_context():
        replica = db.engines["reporting"]
        db.metadata.create_all(replica)
        _families(db.session, FamilyStatus.ACTIVE, 7, "HF-P")
        manager = Factory().user("programme_manager")
        with Session(replica) as session:
            _families(session, FamilyStatus.CLOSED, 9, "HF-R")
            session.commit()

        page = signed_in_client(flask_app, manager).get("/reports/dashboard").get_data(as_text=True)

        counts = _state_counts(page)
        assert counts["Closed"] == "9" and counts["Active"] == "0", counts
        assert "read from the reporting copy of the database" in page
        db.session.remove()
        replica.dispose()
        db.engine.dispose()
