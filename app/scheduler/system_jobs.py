"""Running the system jobs of schedule.py through the jobs queue, and the small adapters they need.

Every firing becomes a `system` job keyed "system:<name>:<slot>", where the slot is the scheduled time the
firing belongs to: a second scheduler firing the same slot finds the job already queued. The functions
named in schedule.py must be idempotent (anchoring twice appends a second, identical anchor; disabling
dormant accounts twice finds none the second time), because a run taken over from a crashed worker
starts again from the beginning.
"""
import importlib
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import delete

from app.auth.models import Role
from app.common.job_models import Job, JobStatus
from app.common.jobs import JobError, register_job_handler
from app.common.time import LONDON, today_london, utcnow
from app.extensions import db
from app.scheduler.schedule import SystemJob, system_job

SYSTEM_KIND = "system"
# Interval slots count from this instant, so every scheduler process computes the same slots.
INTERVAL_ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)
MAX_GRACE_SECONDS = 300
FINISHED_SYSTEM_JOBS_KEPT_DAYS = 30


def resolve(ref: str):
    module_name, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def make_trigger(entry: SystemJob):
    if entry.trigger == "cron":
        return CronTrigger(timezone=LONDON, **entry.trigger_args)
    if entry.trigger == "interval":
        return IntervalTrigger(start_date=INTERVAL_ORIGIN, timezone=UTC, **entry.trigger_args)
    raise ValueError(f"unknown trigger {entry.trigger!r} for system job {entry.name}")


def grace_seconds(trigger) -> int:
    """How late a firing may run: under half an interval, so a late firing is never mistaken for the next
    slot; five minutes for cron jobs (the schedule's shortest cron period is a day)."""
    if isinstance(trigger, IntervalTrigger):
        return int(min(MAX_GRACE_SECONDS, trigger.interval.total_seconds() // 2))
    return MAX_GRACE_SECONDS


def slot_time(trigger, now: datetime, grace: int) -> datetime | None:
    """The scheduled time a firing at `now` belongs to: the first fire time not older than the grace."""
    return trigger.get_next_fire_time(None, now - timedelta(seconds=grace))


def dedupe_key(name: str, slot: datetime) -> str:
    return f"system:{name}:{slot.astimezone(UTC).strftime('%Y-%m-%dT%H:%MZ')}"


def run_system_job(job, progress):
    """The handler of `system` jobs: call the declared function; the worker commits with complete()."""
    entry = system_job(job.params.get("name"))
    if entry is None:
        raise JobError("This system job is no longer declared in schedule.py")
    progress(0, 1, entry.name)
    resolve(entry.ref)()
    progress(1, 1, entry.name)
    return {"name": entry.name}


def register():
    register_job_handler(SYSTEM_KIND, run_system_job, roles=(Role.ADMIN,),
                         title=lambda job: f"System job: {job.params.get('name', '')}".strip())


# --- Adapters for functions that need arguments. ---

def disable_dormant_accounts():
    from app.auth.services import disable_dormant_accounts as disable

    disable(today_london())


def prune_finished_system_jobs(days=FINISHED_SYSTEM_JOBS_KEPT_DAYS):
    """Delete system jobs that succeeded more than `days` ago. Requested jobs (reports, claim rounds) are
    kept: their keys are what stops the same report being made twice."""
    cutoff = utcnow() - timedelta(days=days)
    db.session.execute(delete(Job).where(Job.kind == SYSTEM_KIND, Job.status == JobStatus.SUCCEEDED,
                                         Job.finished_at_utc < cutoff))
    db.session.flush()
