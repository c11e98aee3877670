"""The scheduler's worker in one process (SQLite and PostgreSQL): running handlers, recording results,
progress and failures, system jobs keyed by their slot, and schedule sources."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select

from app.auth.models import Agency, AgencyKind
from app.common import jobs
from app.common.job_models import Job, JobStatus
from app.extensions import db
from app.scheduler import system_jobs
from app.scheduler.schedule import SystemJob
from app.scheduler.worker import Worker

pytestmark = pytest.mark.own_database

calls = []


def make_agency(job, progress):
    """Idempotent, as every handler must be: a rerun finds the agency it made."""
    calls.append(job.id)
    name = f"Worker test {job.params['n']}"
    progress(0, 2, "starting")
    agency = db.session.scalar(select(Agency).where(Agency.name == name))
    if agency is None:
        agency = Agency(name=name, kind=AgencyKind.EARLY_HELP)
        db.session.add(agency)
        db.session.flush()
    progress(2, 2, "agency made")
    return {"agency_id": agency.id}


def breaks(job, progress):
    db.session.add(Agency(name="Worker test never saved", kind=AgencyKind.EARLY_HELP))
    db.session.flush()
    raise RuntimeError("personal details that must not be stored")


def nothing_to_do(job, progress):
    raise jobs.JobError("There is nothing to report for this month")


jobs.register_job_handler("test_worker_make_agency", make_agency)
jobs.register_job_handler("test_worker_breaks", breaks)
jobs.register_job_handler("test_worker_nothing", nothing_to_do, max_attempts=1)


@pytest.fixture
def app(own_app):
    calls.clear()
    yield own_app
    with own_app.app_context():
        db.session.execute(delete(Job))
        db.session.execute(delete(Agency).where(Agency.name.like("Worker test%")))
        db.session.commit()


def _queue(app, kind, key, params=None):
    with app.app_context():
        job = jobs.enqueue(kind, key, params or {})
        db.session.commit()
        return job.id


def _job(app, job_id):
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _worker(app, name="test-worker"):
    return Worker(app, worker_id=name, lease_seconds=5, poll_seconds=0.1)


def test_run_once_runs_every_due_job_and_saves_its_work_with_the_result(app):
    ids = [_queue(app, "test_worker_make_agency", f"agency:{n}", {"n": n}) for n in (1, 2)]
    assert _worker(app).run_once() == 2
    assert sorted(calls) == sorted(ids)
    for job_id in ids:
        job = _job(app, job_id)
        assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
        assert (job.progress_done, job.progress_total, job.progress_message) == (2, 2, "agency made")
        with app.app_context():
            assert db.session.get(Agency, job.result["agency_id"]).name.startswith("Worker test")
    assert _worker(app).run_once() == 0  # nothing runs twice


def test_a_handler_that_raises_is_rolled_back_and_retried_later(app):
    job_id = _queue(app, "test_worker_breaks", "breaks")
    assert _worker(app).run_once() == 1  # then it waits out its backoff
    job = _job(app, job_id)
    assert job.status == JobStatus.QUEUED and job.attempts == 1 and job.next_attempt_at_utc is not None
    assert job.error == "Unexpected error (RuntimeError)"
    with app.app_context():
        assert db.session.scalar(select(Agency).where(Agency.name == "Worker test never saved")) is None


def test_a_job_error_message_is_kept_for_the_status_page(app):
    job_id = _queue(app, "test_worker_nothing", "nothing")
    _worker(app).run_once()
    job = _job(app, job_id)
    assert job.status == JobStatus.FAILED and job.error == "There is nothing to report for this month"


def test_an_unknown_kind_fails_with_a_clear_message(app):
    with app.app_context():
        db.session.add(Job(kind="retired_kind", dedupe_key="old", params={}, max_attempts=1))
        db.session.commit()
        job_id = db.session.scalar(select(Job.id).where(Job.dedupe_key == "old"))
    _worker(app).run_once()
    job = _job(app, job_id)
    assert job.status == JobStatus.FAILED and "retired_kind" in job.error


def test_a_system_job_fired_twice_for_one_slot_runs_once(app, monkeypatch):
    ran = []
    monkeypatch.setattr(system_jobs, "system_job",
                        lambda name: SystemJob(name, "builtins:print", "cron", {"hour": 2}) if name == "t" else None)
    monkeypatch.setattr(system_jobs, "resolve", lambda ref: lambda: ran.append(ref))
    trigger = system_jobs.make_trigger(SystemJob("t", "builtins:print", "cron", {"hour": 2, "minute": 15}))
    first, second = _worker(app, "one"), _worker(app, "two")
    first.fire_system_job("t", trigger, 300)
    second.fire_system_job("t", trigger, 300)  # another scheduler, same slot
    assert first.run_once() + second.run_once() == 1
    assert ran == ["builtins:print"]
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "system"))
        assert job.dedupe_key.startswith("system:t:") and job.status == JobStatus.SUCCEEDED


def test_audit_anchoring_runs_as_a_system_job(app):
    from app.audit.integrity import anchors_path, latest_anchor

    trigger = system_jobs.make_trigger(SystemJob("anchor_audit_chain", "app.audit.integrity:anchor", "cron",
                                                 {"hour": 2, "minute": 15}))
    worker = _worker(app)
    worker.fire_system_job("anchor_audit_chain", trigger, 300)
    assert worker.run_once() == 1
    with app.app_context():
        assert anchors_path().exists() and latest_anchor()["seq"] >= 1  # the JobQueued event at least


def test_schedule_sources_are_enqueued_once_by_key(app, monkeypatch):
    def due_reports():
        return [("report:monthly:2026-10", "test_worker_make_agency", {"n": 7})]

    monkeypatch.setattr(jobs, "_SCHEDULE_SOURCES", [due_reports])
    assert _worker(app).run_once() == 1
    assert _worker(app).run_once() == 0  # the source still says it is due; its job already exists
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 1


def test_a_broken_source_does_not_stop_the_others(app, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    def fine():
        return [("report:weekly:2026-W40", "test_worker_make_agency", {"n": 8})]

    monkeypatch.setattr(jobs, "_SCHEDULE_SOURCES", [broken, fine])
    assert _worker(app).run_once() == 1


def test_the_background_scheduler_declares_every_system_job_and_the_sources_poll(app):
    scheduler = _worker(app).background_scheduler()
    ids = {job.id for job in scheduler.get_jobs()}
    assert {"anchor_audit_chain", "schedule_sources"} <= ids


def test_interval_slot_keys_agree_across_processes():
    trigger = system_jobs.make_trigger(SystemJob("x", "m:f", "interval", {"minutes": 5}))
    a = system_jobs.slot_time(trigger, datetime(2026, 10, 5, 9, 10, 3, tzinfo=UTC), 150)
    b = system_jobs.slot_time(trigger, datetime(2026, 10, 5, 9, 10, 59, tzinfo=UTC), 150)
    assert system_jobs.dedupe_key("x", a) == system_jobs.dedupe_key("x", b)
