"""Two builds of one round at the same moment, on PostgreSQL: each commits for real, in its own session,
as two processes would; both judged every family before either wrote, so only the database constraint
stands between them and a second claim."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app.claims import services
from app.claims.models import Claim
from app.extensions import db
from tests.integration.claims import conftest as claims_conftest

pytestmark = pytest.mark.own_database


def test_two_concurrent_builds_never_claim_a_family_twice(own_app, monkeypatch, db_kind):
    if db_kind != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL test: SQLite has one writer at a time")
    from tests.factories import Factory

    with own_app.app_context():
        factory = Factory()
        lead, finance_a, finance_b = factory.user("key_worker"), factory.user("finance_officer"), \
            factory.user("finance_officer")
        families = [claims_conftest.make_family(lead, date(2025, 1 + n, 10)) for n in range(6)]
        services.build_round(date(2026, 5, 1), actor=finance_a, today=date(2026, 5, 1))  # the round, no claims yet
        assert db.session.scalar(select(func.count(Claim.id))) == 0
        db.session.commit()
        family_ids, users = [f.id for f in families], [finance_a.id, finance_b.id]

    barrier, errors, added = threading.Barrier(2), [], []

    def judged_then_wait(ids, *, as_of=None):
        facts = claims_conftest.stand_in_facts(ids, as_of=as_of)
        barrier.wait(timeout=20)  # both have read "no claims yet" before either inserts
        return facts

    monkeypatch.setattr(services, "build_facts_many", judged_then_wait)

    def build(user_id):
        try:
            with own_app.app_context():
                result = services.build_round(date(2026, 5, 1), actor=user_id, today=date(2026, 5, 20))
                db.session.commit()
                added.append(result.added)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(added) == [0, 6]
    with own_app.app_context():
        counts = db.session.execute(select(Claim.family_id, func.count(Claim.id)).group_by(Claim.family_id)
                                    .order_by(Claim.family_id)).all()
        assert [(fid, 1) for fid in family_ids] == [tuple(row) for row in counts]
