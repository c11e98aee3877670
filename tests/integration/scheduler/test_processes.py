"""Real scheduler processes on PostgreSQL, on a database of their own: two schedulers racing over the same
queue run each job once; a scheduler killed mid-job has its job taken over after the lease, and the job
completes once; SIGTERM stops a scheduler cleanly. Leases are 2 seconds, so this takes seconds."""
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.common import jobs
from app.common.job_models import Job, JobStatus
from app.common.time import as_utc, utcnow
from app.extensions import db
from tests.conftest import make_app_on_own_database
from tests.databases import ThrowawayDatabase
from tests.integration.scheduler import worker_app

pytestmark = pytest.mark.own_database

ROOT = Path(__file__).resolve().parents[3]
LEASE = "2"


@pytest.fixture(scope="module")
def database(db_kind, tmp_path_factory):
    if db_kind != "postgresql":
        pytest.skip("concurrent schedulers need PostgreSQL (SQLite has one writer at a time)")
    with ThrowawayDatabase("postgresql") as url:
        app = make_app_on_own_database(url)
        with app.app_context():
            worker_app.metadata.create_all(db.engine)
        yield app, url, tmp_path_factory.mktemp("scheduler_reports")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


class Scheduler:
    """A `flask scheduler run` subprocess whose output is read on a thread (so a wait can time out)."""

    def __init__(self, url, reports, worker_id, *args):
        env = {**os.environ, "HEARTH_ENV": "test", "TEST_DATABASE_URL": url, "REPORTS_DIR": str(reports),
               "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "flask", "--app", "tests.integration.scheduler.worker_app:create",
                   "scheduler", "run", "--worker-id", worker_id, "--lease-seconds", LEASE, *args]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text, timeout=90):  # startup is slow on a busy machine
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.output.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not seen; output so far:\n{''.join(self.output)}")

    def finish(self, timeout=90):
        code = self.process.wait(timeout=timeout)
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return code

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _until(condition, timeout=90, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError("timed out waiting")


def _enqueue(app, kind, keys, params=None):
    with app.app_context():
        ids = [jobs.enqueue(kind, key, params or {}).id for key in keys]
        db.session.commit()
        return ids


def _count(app, stmt):
    with app.app_context():
        return db.session.scalar(stmt)


def test_two_schedulers_racing_over_one_queue_run_each_job_once(database):
    app, url, reports = database
    schedulers = [Scheduler(url, reports, name, "--poll-seconds", "0.1") for name in ("A", "B")]
    try:
        for scheduler in schedulers:
            scheduler.wait_for("started")
        ids = _enqueue(app, "test_proc_race", [f"race:{n}" for n in range(30)], {"seconds": 0.1})
        _until(lambda: _count(app, select(func.count()).select_from(Job).where(
            Job.id.in_(ids), Job.status == JobStatus.SUCCEEDED)) == len(ids))
        for scheduler in schedulers:
            scheduler.process.send_signal(signal.SIGTERM)
        assert [scheduler.finish() for scheduler in schedulers] == [0, 0]  # a clean stop on SIGTERM
    finally:
        for scheduler in schedulers:
            scheduler.kill()

    starts = worker_app.starts
    with app.app_context():
        per_job = dict(db.session.execute(
            select(starts.c.job_id, func.count()).where(starts.c.job_id.in_(ids)).group_by(starts.c.job_id)
            .order_by(starts.c.job_id)).all())
        workers = set(db.session.scalars(select(worker_app.results.c.worker).where(
            worker_app.results.c.job_id.in_(ids))).all())
        results = db.session.scalar(select(func.count()).select_from(worker_app.results).where(
            worker_app.results.c.job_id.in_(ids)))
    assert per_job == dict.fromkeys(ids, 1)  # every job started once, by one scheduler
    assert results == len(ids)
    assert workers == {"A", "B"}, "both schedulers took part in the race"
    assert "stopped" in "".join(schedulers[0].output)


def test_a_job_abandoned_by_a_killed_scheduler_is_taken_over_and_completes_once(database):
    app, url, reports = database
    [job_id] = _enqueue(app, "test_proc_slow", ["slow:1"])
    starts = worker_app.starts

    first = Scheduler(url, reports, "doomed", "--once")
    try:
        _until(lambda: _count(app, select(func.count()).select_from(starts).where(starts.c.job_id == job_id)) == 1)
        first.process.kill()  # SIGKILL: no clean-up of any kind
        first.process.wait(timeout=10)
    finally:
        first.kill()

    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status == JobStatus.RUNNING and job.lease_owner == "doomed"
        expires = as_utc(job.lease_expires_at_utc)

    # Before the lease runs out, nobody else may take the job ...
    with app.app_context():
        if utcnow() < expires:
            assert jobs.claim_next("too-early", 2) is None
    # ... and after, another scheduler takes it over and finishes it.
    time.sleep(max(0.0, (expires - utcnow()).total_seconds()) + 0.2)
    rescuer = Scheduler(url, reports, "rescuer", "--once")
    assert rescuer.finish() == 0, "".join(rescuer.output)
    assert "Ran 1 job." in "".join(rescuer.output)

    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.status, job.attempts, job.lease_owner) == (JobStatus.SUCCEEDED, 2, None)
        attempts = db.session.execute(select(starts.c.worker, starts.c.attempt).where(starts.c.job_id == job_id)
                                      .order_by(starts.c.attempt)).all()
        assert [tuple(row) for row in attempts] == [("doomed", 1), ("rescuer", 2)]
        assert db.session.execute(select(worker_app.results.c.worker).where(
            worker_app.results.c.job_id == job_id)).scalars().all() == ["rescuer"]
