"""The audit chain on a real, committing database: verification, tamper detection, the append-only
trigger, refusals surviving a rollback, and no fork under parallel writers."""
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app import audit
from app.audit.integrity import anchor, anchors_path, verify
from app.audit.models import AuditEvent
from app.extensions import db

pytestmark = pytest.mark.own_database


@pytest.fixture
def ctx(own_app):
    with own_app.app_context():
        _wipe()
        yield own_app
        db.session.rollback()
        _wipe()


def _wipe():
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    db.session.execute(text("DELETE FROM audit_events"))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    db.session.commit()
    if anchors_path().exists():
        anchors_path().unlink()


def _tamper(sql, **params):
    """What an attacker with database access could do: bypass the trigger and edit rows."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    db.session.execute(text(sql), params)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    db.session.commit()


def _write(n):
    for i in range(n):
        audit.record("FamilyViewed", object_type="family", object_id=i, family_id=i, purpose="case_coordination")
    db.session.commit()


def test_intact_chain_verifies(ctx):
    _write(5)
    result = verify()
    assert result.ok and result.checked == 5 and result.head_seq == 5


def test_cli_exits_zero_on_an_intact_chain_and_one_on_a_broken_chain(ctx):
    _write(3)
    runner = ctx.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 3 events" in ok.output
    _tamper("UPDATE audit_events SET object_id = '99' WHERE seq = 2")
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "event 2" in broken.output


def test_a_changed_event_is_named(ctx):
    _write(5)
    _tamper("UPDATE audit_events SET action = 'Nothing' WHERE seq = 3")
    result = verify()
    assert not result.ok and result.first_bad_seq == 3 and "changed" in result.problem


def test_a_removed_event_is_named(ctx):
    _write(5)
    _tamper("DELETE FROM audit_events WHERE seq = 2")
    result = verify()
    assert not result.ok and result.first_bad_seq == 2 and "missing" in result.problem


def test_reordered_events_are_detected(ctx):
    _write(5)
    _tamper("UPDATE audit_events SET seq = -1 WHERE seq = 2")
    _tamper("UPDATE audit_events SET seq = 2 WHERE seq = 3")
    _tamper("UPDATE audit_events SET seq = 3 WHERE seq = -1")
    result = verify()
    assert not result.ok and result.first_bad_seq == 2


def test_events_cut_off_the_end_are_detected_by_the_anchor(ctx):
    _write(5)
    runner = ctx.test_cli_runner()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    _write(2)  # events after the anchor are fine
    assert verify().ok
    _tamper("DELETE FROM audit_events WHERE seq >= 5")
    result = verify()
    assert not result.ok and result.first_bad_seq == 5 and "cut off" in result.problem
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_a_rewritten_tail_is_detected_by_the_anchor(ctx):
    _write(3)
    anchor()
    # Replace the anchored head with a forged event whose HMAC is valid only under another key.
    _tamper("UPDATE audit_events SET hmac = :h WHERE seq = 3", h="f" * 64)
    assert not verify().ok


def test_postgresql_refuses_update_and_delete(ctx):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    _write(1)
    for sql in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(sql))
        db.session.rollback()
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == 1


def test_a_change_and_its_event_roll_back_together(ctx):
    _write(1)
    audit.record("AgencyCreated", object_type="agency", object_id=1)
    db.session.rollback()
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["FamilyViewed"]


def test_parallel_writers_never_fork_the_chain(ctx):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers belong on PostgreSQL; SQLite serialises writers itself")
    writers, each = 6, 25
    errors = []
    barrier = threading.Barrier(writers)

    def write():
        try:
            with ctx.app_context():
                barrier.wait()
                for i in range(each):
                    audit.record("FamilyViewed", object_type="family", object_id=i)
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify()
    assert result.ok, result
    assert result.checked == writers * each
