"""The scheduler process: one per deployment (or more: the jobs table keeps them from doubling up).

- An in-memory APScheduler BackgroundScheduler fires the system jobs of schedule.py (each firing only
  queues a keyed `system` job) and asks the registered schedule sources every minute for due work.
  APScheduler keeps nothing on disk: a job store is never shared between schedulers, and everything
  that must survive a restart is a row in Hearth's own tables.
- The main thread polls the jobs table every few seconds and runs one job at a time under a lease;
  a heartbeat thread extends the lease and records progress (see app/common/jobs.py).
- SIGTERM or SIGINT: stop claiming, ask the running handler to stop at its next progress report (its
  job goes back to the queue, not counted as an attempt), then exit. A second signal exits at once;
  the job's lease then expires and another worker takes it over.

SQLite (single-user development and demo) has one writer at a time, and a heartbeat committed while a
handler is between reading and writing would make the handler's own write fail. So on SQLite there is
no heartbeat thread: the lease is taken long enough for the whole run instead, and progress shows only
when the job ends.
"""
import logging
import os
import signal
import socket
import threading
import time

from apscheduler.schedulers.background import BackgroundScheduler

from app.common.jobs import (
    JobError,
    LeaseLost,
    Progress,
    claim_next,
    complete,
    enqueue,
    enqueue_all,
    fail,
    heartbeat,
    job_kind,
    release,
    schedule_sources,
)
from app.common.time import utcnow
from app.extensions import db
from app.scheduler import system_jobs
from app.scheduler.schedule import SYSTEM_JOBS

log = logging.getLogger("hearth.scheduler")

SOURCES_EVERY_SECONDS = 60
SQLITE_LEASE_SECONDS = 3600
PROGRESS_WRITE_SECONDS = 1.0
ERROR_PAUSE_SECONDS = 10


class WorkerStopping(Exception):
    """Raised from a handler's progress callback when the process has been asked to stop."""


def default_worker_id():
    return f"{socket.gethostname()}:{os.getpid()}"


class _Claim:
    """What the heartbeat thread needs, without touching the main thread's ORM object."""

    def __init__(self, job):
        self.id, self.claimed_by = job.id, job.claimed_by


class _LeaseKeeper(threading.Thread):
    """Extends the lease every third of its length and writes progress soon after it changes."""

    def __init__(self, app, job, lease_seconds, stopping: threading.Event):
        super().__init__(name=f"lease-{job.id}", daemon=True)
        self.app, self.claim, self.lease_seconds, self.stopping = app, _Claim(job), lease_seconds, stopping
        self.lost, self.done = threading.Event(), threading.Event()
        self.latest: Progress | None = None
        self._written: Progress | None = None

    def progress(self, done=None, total=None, message=None):
        """The callback handed to handlers: records progress; raises when the handler must stop."""
        self.latest = Progress(done, total, message)
        if self.lost.is_set():
            raise LeaseLost(f"job {self.claim.id} was taken over by another worker")
        if self.stopping.is_set():
            raise WorkerStopping

    def run(self):
        interval = max(self.lease_seconds / 3, 0.2)
        last_beat = time.monotonic()
        with self.app.app_context():
            while not self.done.wait(min(PROGRESS_WRITE_SECONDS, interval)):
                changed = self.latest is not None and self.latest != self._written
                if not changed and time.monotonic() - last_beat < interval:
                    continue
                latest = self.latest
                try:
                    heartbeat(self.claim, latest, lease_seconds=self.lease_seconds)
                except LeaseLost:
                    log.warning("job %s: lease lost, stopping", self.claim.id)
                    self.lost.set()
                    return
                except Exception:  # a database hiccup: try again at the next beat, the lease has slack
                    log.exception("job %s: heartbeat failed", self.claim.id)
                    continue
                self._written, last_beat = latest, time.monotonic()

    def stop(self):
        self.done.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=10)


class _NoKeeper:
    """SQLite: no heartbeat thread (see the module docstring); progress is kept in memory."""

    def __init__(self, stopping):
        self.stopping, self.latest = stopping, None

    def progress(self, done=None, total=None, message=None):
        self.latest = Progress(done, total, message)
        if self.stopping.is_set():
            raise WorkerStopping

    def start(self):
        pass

    def stop(self):
        pass


class Worker:
    def __init__(self, app, *, worker_id=None, lease_seconds=None, poll_seconds=None):
        self.app = app
        self.worker_id = worker_id or default_worker_id()
        self.sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        lease = lease_seconds or app.config["JOBS_LEASE_SECONDS"]
        self.lease_seconds = max(lease, SQLITE_LEASE_SECONDS) if self.sqlite else lease
        self.poll_seconds = poll_seconds or app.config["JOBS_POLL_SECONDS"]
        self.stopping = threading.Event()
        self.wake = threading.Event()

    # --- One pass: used by `--once` and by the loop. ---

    def run_once(self) -> int:
        """Enqueue what the schedule sources say is due, then run every due job; returns how many ran."""
        self.poll_sources()
        ran = 0
        while not self.stopping.is_set() and self.run_one():
            ran += 1
        return ran

    def run_one(self) -> bool:
        """Claim and run one due job. False when none was due."""
        with self.app.app_context():
            job = claim_next(self.worker_id, self.lease_seconds)
            if job is None:
                return False
            self._run(job)
            return True

    def _run(self, job):
        spec = job_kind(job.kind)
        if spec is None:
            # A newer release queued a kind this process does not know: leave a clear, safe message.
            self._fail(job, JobError(f"No handler is registered for jobs of kind {job.kind}"))
            return
        keeper = _NoKeeper(self.stopping) if self.sqlite else _LeaseKeeper(self.app, job, self.lease_seconds,
                                                                           self.stopping)
        keeper.start()
        try:
            result = spec.handler(job, keeper.progress)
            keeper.stop()
            complete(job, result, progress=keeper.latest)
        except LeaseLost:
            db.session.rollback()
            log.warning("job %s: another worker holds it now; this run's work was discarded", job.id)
        except WorkerStopping:
            keeper.stop()
            release(job)
        except Exception as exc:
            keeper.stop()
            log.exception("job %s (%s) raised", job.id, job.kind)
            self._fail(job, exc)
        finally:
            keeper.stop()

    def _fail(self, job, exc):
        try:
            fail(job, exc)
        except LeaseLost:
            log.warning("job %s: lease lost before its failure could be recorded", job.id)

    # --- Timed work, fired by APScheduler in its own threads. ---

    def poll_sources(self):
        for source in schedule_sources():
            with self.app.app_context():
                try:
                    jobs = enqueue_all(source())
                    db.session.commit()
                except Exception:  # one broken source must not stop the others
                    db.session.rollback()
                    log.exception("schedule source %s failed", getattr(source, "__name__", source))
                    continue
            if any(job.newly_queued for job in jobs):
                self.wake.set()

    def fire_system_job(self, name, trigger, grace):
        now = utcnow()
        slot = system_jobs.slot_time(trigger, now, grace) or now
        with self.app.app_context():
            try:
                job = enqueue(system_jobs.SYSTEM_KIND, system_jobs.dedupe_key(name, slot), {"name": name})
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("could not queue system job %s", name)
                return
        if job.newly_queued:
            log.info("queued system job %s for %s", name, slot.isoformat())
        self.wake.set()

    def background_scheduler(self) -> BackgroundScheduler:
        scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
        for entry in SYSTEM_JOBS:
            trigger = system_jobs.make_trigger(entry)
            grace = system_jobs.grace_seconds(trigger)
            scheduler.add_job(self.fire_system_job, trigger, args=[entry.name, trigger, grace], id=entry.name,
                              name=entry.name, misfire_grace_time=grace)
        scheduler.add_job(self.poll_sources, "interval", seconds=SOURCES_EVERY_SECONDS, id="schedule_sources",
                          name="schedule sources", misfire_grace_time=SOURCES_EVERY_SECONDS // 2)
        return scheduler

    # --- The long-running loop. ---

    def run_forever(self):
        self._install_signal_handlers()
        scheduler = self.background_scheduler()
        scheduler.start()
        for entry in scheduler.get_jobs():
            log.info("%s: next at %s", entry.name, entry.next_run_time.isoformat(timespec="seconds"))
        log.info("scheduler %s started: %d system jobs, polling every %ss, leases of %ss",
                 self.worker_id, len(SYSTEM_JOBS), self.poll_seconds, self.lease_seconds)
        try:
            self.poll_sources()
            while not self.stopping.is_set():
                try:
                    ran = self.run_one()
                except Exception:  # the database is down or the schema is behind: keep trying, slowly
                    log.exception("could not look for jobs")
                    self.stopping.wait(max(self.poll_seconds, ERROR_PAUSE_SECONDS))
                    continue
                if not ran:
                    self.wake.wait(self.poll_seconds)
                    self.wake.clear()
        finally:
            scheduler.shutdown(wait=False)
            log.info("scheduler %s stopped", self.worker_id)

    def stop(self):
        self.stopping.set()
        self.wake.set()

    def _install_signal_handlers(self):
        first_at = []

        def handle(signum, _frame):
            # Ctrl-C in `make run` reaches this process and the trap's TERM follows at once: one request.
            if first_at and time.monotonic() - first_at[0] > 1:
                log.warning("second %s: exiting now; a running job is taken over when its lease expires",
                            signal.Signals(signum).name)
                raise SystemExit(1)
            if not first_at:
                first_at.append(time.monotonic())
                log.info("%s: finishing up", signal.Signals(signum).name)
            self.stop()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
