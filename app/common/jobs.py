"""The background jobs queue: work requested from the web (a report, a claim round) or fired by a
schedule, run by the scheduler process (`flask scheduler run`, app/scheduler) and never by a web worker.

How a job runs exactly once:
- `enqueue` inserts a row whose `dedupe_key` names what the run produces; a UNIQUE constraint makes a
  second request (another click, another scheduler) return the existing job instead.
- `claim_next` takes one due job atomically and gives the worker a lease (PostgreSQL: `SELECT ... FOR
  UPDATE SKIP LOCKED`; SQLite: a conditional UPDATE whose row count says who won). It also takes over
  a running job whose lease expired: its worker crashed or hung.
- While the handler runs, `heartbeat` extends the lease from another connection; a worker whose lease
  was taken over gets `LeaseLost` and must stop.
- The handler's own changes stay in the worker's session and commit once, in the same transaction as
  `complete`, whose UPDATE only matches while the worker still holds the lease. A worker that lost its
  lease therefore commits nothing: the work of a job becomes visible exactly once.

Handlers must be idempotent all the same: a handler that was taken over may have done things outside
the database (written a file) before it stopped. They receive `(job, progress)`, where
`progress(done, total, message)` reports how far they are (and raises `LeaseLost` when they should
stop). They flush, never commit. Packages register their kinds at app creation
(`register_job_handler`), so this floor never imports them.

`claim_next`, `complete` and `fail` commit the session: call them only from a worker, never in a request.
"""
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app.common import auditing
from app.common.job_models import Job, JobStatus
from app.common.time import utcnow
from app.extensions import db

log = logging.getLogger("hearth.jobs")

DEFAULT_LEASE_SECONDS = 60
DEFAULT_MAX_ATTEMPTS = 3
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
MAX_TEXT = 100  # longest string allowed in params and results: codes, ids and keys, not prose


class JobsError(Exception):
    """Base of the queue's named errors."""


class UnknownJobKind(JobsError):
    pass


class InvalidJobData(JobsError, ValueError):
    """Params or a result that are not plain ids and codes."""


class LeaseLost(JobsError):
    """This worker no longer holds the job (its lease expired and another worker took it over): stop."""


class JobError(JobsError):
    """Raised by a handler with a short message that is safe to show and store (never personal content).
    Any other exception is stored as its class name only."""


@dataclass(frozen=True)
class Progress:
    done: int | None = None
    total: int | None = None
    message: str | None = None


@dataclass(frozen=True)
class JobKind:
    """What a package registers for one kind of job."""

    kind: str
    handler: Callable  # handler(job, progress) -> result dict (ids and codes) or None
    roles: frozenset = field(default_factory=frozenset)  # role codes that may see any job of this kind
    title: Callable | None = None  # title(job) -> str, for the status page
    result_url: Callable | None = None  # result_url(job) -> str | None, a link to what a finished job made
    max_attempts: int = DEFAULT_MAX_ATTEMPTS


_KINDS: dict[str, JobKind] = {}
_SCHEDULE_SOURCES: list[Callable] = []


def register_job_handler(kind, func, *, roles=(), title=None, result_url=None, max_attempts=DEFAULT_MAX_ATTEMPTS):
    """Declare a kind of job. Called by higher packages at app creation; registering again replaces it
    (each app made in the tests registers the same kinds)."""
    if not kind or len(kind) > 60:
        raise ValueError("a job kind is a code of 1 to 60 characters")
    _KINDS[kind] = JobKind(kind, func, frozenset(getattr(r, "value", r) for r in roles), title, result_url,
                           max_attempts)


def job_kind(kind) -> JobKind | None:
    return _KINDS.get(kind)


def register_schedule_source(func):
    """Declare a source of due work: `func()` returns (dedupe_key, kind, params) tuples due now (report
    schedules, for one). The scheduler asks every source each minute and enqueues what they return;
    enqueue is idempotent by key, so a source may return the same tuple until its job exists."""
    if func not in _SCHEDULE_SOURCES:
        _SCHEDULE_SOURCES.append(func)


def schedule_sources() -> tuple:
    return tuple(_SCHEDULE_SOURCES)


# --- Pure rules. ---

def backoff_seconds(attempts: int, *, base=BACKOFF_BASE_SECONDS, cap=BACKOFF_CAP_SECONDS) -> int:
    """Wait before the next attempt after `attempts` failed ones: base, 2*base, 4*base, ... up to cap."""
    if attempts < 1:
        return 0
    # Bounded exponent: the cap is reached long before 2**20.
    return min(cap, base * 2 ** min(attempts - 1, 20))


def check_data(data, what="params") -> dict:
    """Params and results hold ids and codes only: a flat dict of short strings, numbers, booleans,
    None, or lists of those. Anything longer is likely personal content and is refused."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidJobData(f"job {what} must be a dict")

    def scalar_ok(value):
        if value is None or isinstance(value, bool | int | float):
            return True
        return isinstance(value, str) and len(value) <= MAX_TEXT

    for key, value in data.items():
        if not isinstance(key, str) or len(key) > 40:
            raise InvalidJobData(f"job {what} keys must be short strings")
        values = value if isinstance(value, list | tuple) else [value]
        if not all(scalar_ok(v) for v in values):
            raise InvalidJobData(f"job {what} may hold only ids and codes ({key!r} does not)")
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def error_text(exc: BaseException) -> str:
    """What is stored about a failure: a JobError's own message, else only the exception's class name
    (an arbitrary message might quote personal data, a database error its parameters)."""
    if isinstance(exc, JobError):
        return str(exc)[:200] or "The job could not be completed"
    return f"Unexpected error ({type(exc).__name__})"[:200]


def _due(now):
    return or_(
        and_(Job.status == JobStatus.QUEUED,
             or_(Job.next_attempt_at_utc.is_(None), Job.next_attempt_at_utc <= now)),
        and_(Job.status == JobStatus.RUNNING, Job.lease_expires_at_utc < now),
    )


# --- Requesting work (inside a request or a CLI command: flush only). ---

def job_by_key(dedupe_key) -> Job | None:
    return db.session.scalar(select(Job).where(Job.dedupe_key == dedupe_key))


def enqueue(kind, dedupe_key, params=None, requested_by=None, *, run_after: datetime | None = None) -> Job:
    """Queue a job, or return the one that already has this key (whatever its status). Flushes only.
    `job.newly_queued` says which. Safe under concurrency: the UNIQUE constraint decides, inside a
    savepoint so the caller's transaction survives losing the race."""
    spec = job_kind(kind)
    if spec is None:
        raise UnknownJobKind(kind)
    if not dedupe_key or len(dedupe_key) > 200:
        raise InvalidJobData("a job's dedupe key is 1 to 200 characters")
    params = check_data(params)
    existing = job_by_key(dedupe_key)
    if existing is not None:
        existing.newly_queued = False
        return existing
    job = Job(kind=kind, dedupe_key=dedupe_key, params=params, status=JobStatus.QUEUED,
              requested_by_user_id=getattr(requested_by, "id", requested_by), attempts=0,
              max_attempts=spec.max_attempts, next_attempt_at_utc=run_after)
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:
        # Another transaction inserted the same key first (and has committed, or we would still be waiting).
        existing = job_by_key(dedupe_key)
        if existing is None:
            raise
        existing.newly_queued = False
        return existing
    job.newly_queued = True
    auditing.record("JobQueued", object_type="job", object_id=job.id, kind=kind)
    return job


def cancel(job: Job) -> bool:
    """Cancel a job that has not started. Flushes only; False when it is already running or finished."""
    if job.status != JobStatus.QUEUED:
        return False
    job.status, job.finished_at_utc = JobStatus.CANCELLED, utcnow()
    db.session.flush()
    auditing.record("JobCancelled", object_type="job", object_id=job.id, kind=job.kind)
    return True


# --- Running work (worker only: these commit). ---

def claim_next(worker_id: str, lease_seconds: int = DEFAULT_LEASE_SECONDS, *, now=None) -> Job | None:
    """Take one due job (queued and due, or running with an expired lease) for `worker_id`, commit,
    and return it; None when there is nothing to do. Jobs that ran out of attempts while abandoned are
    marked failed instead of being taken again."""
    now = now or utcnow()
    session = db.session
    try:
        _fail_exhausted_abandoned(now)
        if session.get_bind().dialect.name == "postgresql":
            job_id = _claim_postgresql(worker_id, lease_seconds, now)
        else:
            job_id = _claim_conditional(worker_id, lease_seconds, now)
        session.commit()
    except OperationalError as exc:
        session.rollback()
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        # SQLite: another writer holds the database or moved our snapshot on; try at the next poll.
        log.warning("could not claim a job this time (database busy)")
        return None
    if job_id is None:
        return None
    job = session.get(Job, job_id, populate_existing=True)
    job.claimed_by = worker_id
    log.info("job %s (%s) claimed by %s, attempt %s", job.id, job.kind, worker_id, job.attempts)
    return job


def _claim_values(worker_id, lease_seconds, now):
    return {"status": JobStatus.RUNNING, "lease_owner": worker_id[:100],
            "lease_expires_at_utc": now + timedelta(seconds=lease_seconds), "heartbeat_at_utc": now,
            "started_at_utc": now, "finished_at_utc": None, "attempts": Job.attempts + 1}


def _claim_postgresql(worker_id, lease_seconds, now):
    # SKIP LOCKED: rows another worker is claiming right now are passed over, not waited for.
    job_id = db.session.scalar(
        select(Job.id).where(_due(now)).order_by(Job.id).limit(1).with_for_update(skip_locked=True)
    )
    if job_id is not None:
        db.session.execute(update(Job).where(Job.id == job_id).values(**_claim_values(worker_id, lease_seconds, now))
                           .execution_options(synchronize_session=False))
    return job_id


def _claim_conditional(worker_id, lease_seconds, now):
    # The UPDATE repeats the "due" test, so of two workers that saw the same row only one changes it.
    candidates = db.session.scalars(select(Job.id).where(_due(now)).order_by(Job.id).limit(5)).all()
    for job_id in candidates:
        result = db.session.execute(
            update(Job).where(Job.id == job_id, _due(now)).values(**_claim_values(worker_id, lease_seconds, now))
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            return job_id
    return None


def _fail_exhausted_abandoned(now):
    abandoned = select(Job.id).where(Job.status == JobStatus.RUNNING, Job.lease_expires_at_utc < now,
                                     Job.attempts >= Job.max_attempts).order_by(Job.id)
    ids = db.session.scalars(abandoned).all()
    for job_id in ids:
        result = db.session.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.lease_expires_at_utc < now)
            .values(status=JobStatus.FAILED, finished_at_utc=now, lease_owner=None, lease_expires_at_utc=None,
                    error="Stopped responding too many times")
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            log.error("job %s abandoned by its worker after its last attempt: failed", job_id)
            auditing.record("JobFailed", object_type="job", object_id=job_id, reason="abandoned")


def heartbeat(job, progress: Progress | None = None, *, lease_seconds=DEFAULT_LEASE_SECONDS, now=None):
    """Extend this worker's lease on `job` (and record progress) in a transaction of its own, so the
    handler's uncommitted work is untouched. Raises LeaseLost when the job is no longer this worker's."""
    owner = _owner(job)
    now = now or utcnow()
    values = {"lease_expires_at_utc": now + timedelta(seconds=lease_seconds), "heartbeat_at_utc": now}
    values.update(_progress_values(progress))
    table = Job.__table__
    with db.engine.begin() as connection:
        result = connection.execute(
            table.update().where(table.c.id == job.id, table.c.lease_owner == owner,
                                 table.c.status == JobStatus.RUNNING.value).values(**values))
    if result.rowcount != 1:
        raise LeaseLost(f"job {job.id} is no longer held by {owner}")


def _progress_values(progress: Progress | None) -> dict:
    if progress is None:
        return {}
    message = str(progress.message)[:200] if progress.message else None
    return {"progress_done": progress.done, "progress_total": progress.total, "progress_message": message}


def complete(job, result=None, *, progress: Progress | None = None, now=None):
    """Mark the job succeeded and commit it together with the handler's work, if this worker still holds
    the lease; otherwise roll everything back and raise LeaseLost."""
    owner = _owner(job)
    result = check_data(result, "result") if result is not None else None
    now = now or utcnow()
    values = {"status": JobStatus.SUCCEEDED, "result": result, "finished_at_utc": now, "lease_owner": None,
              "lease_expires_at_utc": None, "error": None, **_progress_values(progress)}
    outcome = db.session.execute(
        update(Job).where(Job.id == job.id, Job.lease_owner == owner, Job.status == JobStatus.RUNNING)
        .values(**values).execution_options(synchronize_session=False))
    if outcome.rowcount != 1:
        db.session.rollback()
        raise LeaseLost(f"job {job.id} is no longer held by {owner}: its work was not saved")
    db.session.commit()
    db.session.refresh(job)
    log.info("job %s (%s) succeeded", job.id, job.kind)


def fail(job, error, *, now=None) -> JobStatus:
    """Discard the handler's work; queue the job again after a backoff, or mark it failed once it has had
    max_attempts. `error` is an exception or a short safe message. Raises LeaseLost if not ours."""
    owner = _owner(job)
    message = error_text(error) if isinstance(error, BaseException) else str(error)[:200]
    db.session.rollback()
    now = now or utcnow()
    attempts, max_attempts = db.session.execute(
        select(Job.attempts, Job.max_attempts).where(Job.id == job.id)).one()
    final = attempts >= max_attempts
    values = {"lease_owner": None, "lease_expires_at_utc": None, "error": message}
    if final:
        values.update(status=JobStatus.FAILED, finished_at_utc=now)
    else:
        values.update(status=JobStatus.QUEUED, next_attempt_at_utc=now + timedelta(seconds=backoff_seconds(attempts)))
    outcome = db.session.execute(
        update(Job).where(Job.id == job.id, Job.lease_owner == owner, Job.status == JobStatus.RUNNING)
        .values(**values).execution_options(synchronize_session=False))
    if outcome.rowcount != 1:
        db.session.rollback()
        raise LeaseLost(f"job {job.id} is no longer held by {owner}")
    if final:
        auditing.record("JobFailed", object_type="job", object_id=job.id, kind=job.kind, attempts=attempts)
    db.session.commit()
    db.session.refresh(job)
    log.warning("job %s (%s) attempt %s failed: %s; now %s", job.id, job.kind, attempts, message, job.status.value)
    return job.status


def release(job) -> bool:
    """Give a job back to the queue without counting the attempt (the worker is shutting down cleanly).
    Discards the handler's work. False when the job was no longer this worker's."""
    owner = _owner(job)
    db.session.rollback()
    outcome = db.session.execute(
        update(Job).where(Job.id == job.id, Job.lease_owner == owner, Job.status == JobStatus.RUNNING)
        .values(status=JobStatus.QUEUED, attempts=Job.attempts - 1, lease_owner=None, lease_expires_at_utc=None,
                next_attempt_at_utc=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    log.info("job %s released by %s", job.id, owner)
    return outcome.rowcount == 1


def _owner(job):
    owner = getattr(job, "claimed_by", None)
    if not owner:
        raise LeaseLost(f"job {job.id} was not claimed by this process")
    return owner


def enqueue_all(items: Iterable[tuple], requested_by=None) -> list[Job]:
    """Enqueue (dedupe_key, kind, params) tuples, as schedule sources return them. Flushes only."""
    return [enqueue(kind, key, params, requested_by) for key, kind, params in items]
