"""The jobs queue against a real database (SQLite and PostgreSQL): dedupe, claim, leases, heartbeats,
retries. Jobs commit their own transactions, so these tests use a database of their own and clear the
jobs table after each test.

Two workers are two app contexts, each with its own session, as two processes would be."""
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from app.auth.models import Agency, AgencyKind
from app.common import jobs
from app.common.job_models import Job, JobStatus
from app.common.time import as_utc, utcnow
from app.extensions import db

pytestmark = pytest.mark.own_database

KIND = "test_jobs_kind"
TWO_TRIES = "test_jobs_two_tries"
ONE_TRY = "test_jobs_one_try"


def _noop(job, progress):
    return None


jobs.register_job_handler(KIND, _noop)
jobs.register_job_handler(TWO_TRIES, _noop, max_attempts=2)
jobs.register_job_handler(ONE_TRY, _noop, max_attempts=1)


@pytest.fixture
def app(own_app):
    yield own_app
    with own_app.app_context():
        db.session.execute(delete(Job))
        db.session.execute(delete(Agency).where(Agency.name.like("Jobs test%")))
        db.session.commit()


@contextmanager
def worker(app):
    """A separate app context: its own session, as another process would have."""
    with app.app_context():
        yield
        db.session.rollback()


def _queue(app, key, kind=KIND, **kwargs):
    with worker(app):
        job = jobs.enqueue(kind, key, kwargs.pop("params", {"period": "2026-10"}), **kwargs)
        db.session.commit()
        return job.id


def _job(app, job_id):
    with worker(app):
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def test_enqueue_twice_with_one_key_returns_the_first_job(app):
    with worker(app):
        first = jobs.enqueue(KIND, "report:monthly:2026-10", {"period": "2026-10"})
        assert first.newly_queued
        db.session.commit()
        second = jobs.enqueue(KIND, "report:monthly:2026-10", {"period": "2026-10"})
        assert not second.newly_queued
        assert second.id == first.id
        assert db.session.scalar(select(func.count()).select_from(Job)) == 1
        assert first.status == JobStatus.QUEUED and first.attempts == 0 and first.max_attempts == 3


def test_enqueue_refuses_unknown_kinds_and_prose(app):
    with worker(app):
        with pytest.raises(jobs.UnknownJobKind):
            jobs.enqueue("no_such_kind", "k", {})
        with pytest.raises(jobs.InvalidJobData):
            jobs.enqueue(KIND, "k", {"note": "a long free-text note " * 10})
        with pytest.raises(jobs.InvalidJobData):
            jobs.enqueue(KIND, "", {})


def test_concurrent_enqueues_of_one_key_make_one_job(app):
    barrier, ids, errors = threading.Barrier(4), [], []

    def request_it():
        try:
            with worker(app):
                barrier.wait()
                job = jobs.enqueue(KIND, "claims:round:2026-11", {"round": "2026-11"})
                db.session.commit()
                ids.append(job.id)
        except Exception as exc:  # reported below: a lost race must not surface as an error
            errors.append(exc)

    threads = [threading.Thread(target=request_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has one writer at a time: a writer may be told the database is busy, but never makes a copy.
        errors = [e for e in errors if "locked" not in str(e)]
    assert not errors
    assert ids and len(set(ids)) == 1
    with worker(app):
        assert db.session.scalar(select(func.count()).select_from(Job)) == 1


def test_claim_takes_one_due_job_once(app):
    first = _queue(app, "a")
    _queue(app, "later", run_after=utcnow() + timedelta(hours=1))
    with worker(app):
        job = jobs.claim_next("worker-a", 30)
        assert job.id == first
        assert (job.status, job.attempts, job.lease_owner, job.claimed_by) == (
            JobStatus.RUNNING, 1, "worker-a", "worker-a")
        assert job.started_at_utc is not None and job.lease_expires_at_utc is not None
    with worker(app):
        # The other job is not due yet, and the first is leased.
        assert jobs.claim_next("worker-b", 30) is None


def test_an_expired_lease_is_taken_over(app):
    job_id = _queue(app, "a")
    now = utcnow()
    with worker(app):
        assert jobs.claim_next("worker-a", 1, now=now).id == job_id
    with worker(app):
        assert jobs.claim_next("worker-b", 1, now=now + timedelta(seconds=0.5)) is None  # still A's
    with worker(app):
        taken = jobs.claim_next("worker-b", 1, now=now + timedelta(seconds=2))
        assert taken.id == job_id and taken.lease_owner == "worker-b" and taken.attempts == 2


def test_heartbeat_extends_the_lease_and_records_progress(app):
    job_id = _queue(app, "a")
    with worker(app):
        job = jobs.claim_next("worker-a", 5)
        before = job.lease_expires_at_utc
        jobs.heartbeat(job, jobs.Progress(3, 10, "families counted"), lease_seconds=600)
    stored = _job(app, job_id)
    assert stored.lease_expires_at_utc > before
    assert (stored.progress_done, stored.progress_total, stored.progress_message) == (3, 10, "families counted")


def test_a_worker_that_lost_its_lease_is_told_and_its_work_is_not_saved(app):
    job_id = _queue(app, "a")
    now = utcnow()
    with app.app_context():  # worker A, kept open while B takes over
        job_a = jobs.claim_next("worker-a", 1, now=now)
        db.session.commit()  # SQLite: end A's read snapshot, or B's write would make A's next write fail

        with worker(app):
            job_b = jobs.claim_next("worker-b", 60, now=now + timedelta(seconds=5))
            assert job_b.id == job_id

        with pytest.raises(jobs.LeaseLost):
            jobs.heartbeat(job_a)
        db.session.add(Agency(name="Jobs test A's work", kind=AgencyKind.EARLY_HELP))
        db.session.flush()
        with pytest.raises(jobs.LeaseLost):
            jobs.complete(job_a, {"file_id": 1})
        db.session.rollback()

    with worker(app):
        assert db.session.scalar(select(Agency).where(Agency.name == "Jobs test A's work")) is None
        job_b = db.session.get(Job, job_id)
        job_b.claimed_by = "worker-b"
        db.session.add(Agency(name="Jobs test B's work", kind=AgencyKind.EARLY_HELP))
        jobs.complete(job_b, {"file_id": 2})
    stored = _job(app, job_id)
    assert stored.status == JobStatus.SUCCEEDED and stored.result == {"file_id": 2}
    assert stored.lease_owner is None and stored.finished_at_utc is not None
    with worker(app):
        assert db.session.scalar(select(Agency).where(Agency.name == "Jobs test B's work")) is not None


def test_a_failure_is_retried_with_backoff_then_marked_failed(app):
    job_id = _queue(app, "a", kind=TWO_TRIES)
    now = utcnow()
    with worker(app):
        job = jobs.claim_next("w", 30, now=now)
        db.session.add(Agency(name="Jobs test half-done work", kind=AgencyKind.EARLY_HELP))
        db.session.flush()
        assert jobs.fail(job, ValueError("Jane Smith's record"), now=now) == JobStatus.QUEUED
    stored = _job(app, job_id)
    assert stored.error == "Unexpected error (ValueError)"  # no personal content
    assert as_utc(stored.next_attempt_at_utc) == now + timedelta(seconds=jobs.backoff_seconds(1))
    with worker(app):
        assert db.session.scalar(select(Agency).where(Agency.name == "Jobs test half-done work")) is None
        assert jobs.claim_next("w", 30, now=now + timedelta(seconds=10)) is None  # backing off

    later = now + timedelta(seconds=jobs.backoff_seconds(1) + 1)
    with worker(app):
        job = jobs.claim_next("w", 30, now=later)
        assert job.id == job_id and job.attempts == 2
        assert jobs.fail(job, jobs.JobError("No claims are due"), now=later) == JobStatus.FAILED
    stored = _job(app, job_id)
    assert stored.status == JobStatus.FAILED and stored.error == "No claims are due"
    assert stored.finished_at_utc is not None
    with worker(app):
        assert jobs.claim_next("w", 30, now=later + timedelta(days=1)) is None


def test_a_job_abandoned_on_its_last_attempt_is_failed_not_taken_again(app):
    job_id = _queue(app, "a", kind=ONE_TRY)
    now = utcnow()
    with worker(app):
        jobs.claim_next("crashed", 1, now=now)
    with worker(app):
        assert jobs.claim_next("w", 30, now=now + timedelta(seconds=5)) is None
    stored = _job(app, job_id)
    assert stored.status == JobStatus.FAILED and stored.error == "Stopped responding too many times"


def test_release_gives_the_job_back_without_counting_the_attempt(app):
    job_id = _queue(app, "a")
    with worker(app):
        job = jobs.claim_next("w", 30)
        assert jobs.release(job)
    stored = _job(app, job_id)
    assert (stored.status, stored.attempts, stored.lease_owner) == (JobStatus.QUEUED, 0, None)


def test_only_a_queued_job_can_be_cancelled(app):
    job_id = _queue(app, "a")
    with worker(app):
        job = db.session.get(Job, job_id)
        assert jobs.cancel(job)
        db.session.commit()
    with worker(app):
        assert jobs.claim_next("w", 30) is None
        assert not jobs.cancel(db.session.get(Job, job_id))


def test_complete_refuses_a_job_this_process_never_claimed(app):
    job_id = _queue(app, "a")
    with worker(app), pytest.raises(jobs.LeaseLost):
        jobs.complete(db.session.get(Job, job_id))
