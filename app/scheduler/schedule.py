"""System jobs, declared once. Each names a function by text ("module:function"), imported only when it
runs, and called with no arguments inside an app context; the scheduler commits after it returns.

A firing does not call the function directly: it queues a `system` job keyed by the job's name and its
scheduled time, so two schedulers (or a restart) firing the same slot still run it once. Cron times are
Europe/London; interval slots are aligned to a fixed start, so every scheduler computes the same slots.

Only functions that exist are listed: later packages add their lines (retention, sustainment refresh).
"""
import importlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SystemJob:
    name: str
    ref: str  # "module:function"
    trigger: str  # "cron" or "interval"
    trigger_args: dict = field(default_factory=dict)


def reference_exists(ref: str) -> bool:
    module_name, _, attr = ref.partition(":")
    try:
        return hasattr(importlib.import_module(module_name), attr)
    except ImportError:
        return False


SYSTEM_JOBS = [
    # Append the audit chain's head to the anchor file outside the database (truncation is then detected).
    SystemJob("anchor_audit_chain", "app.audit.integrity:anchor", "cron", {"hour": 2, "minute": 15}),
    # Finished system jobs are housekeeping; remove them after a while so the table stays small.
    SystemJob("prune_system_jobs", "app.scheduler.system_jobs:prune_finished_system_jobs", "cron",
              {"hour": 4, "minute": 30}),
    # Retention: anonymise families and unlinked referrals past their retention date, unless held
    # (app/rights; IG officers read the same run as a dry run at /information-governance/retention).
    SystemJob("anonymise_expired_records", "app.rights.services:anonymise_expired", "cron",
              {"hour": 1, "minute": 30}),
]

# Jobs whose code lives in packages still being built: declared only where the function exists.
if reference_exists("app.auth.services:disable_dormant_accounts"):
    SYSTEM_JOBS.append(SystemJob("disable_dormant_accounts", "app.scheduler.system_jobs:disable_dormant_accounts",
                                 "cron", {"hour": 3, "minute": 0}))
if reference_exists("app.common.outbox:deliver_queued"):
    SYSTEM_JOBS.append(SystemJob("deliver_outbox", "app.common.outbox:deliver_queued", "interval", {"minutes": 5}))

if reference_exists("app.teamwork.services:notify_overdue_actions"):
    SYSTEM_JOBS.append(SystemJob("notify_overdue_actions", "app.teamwork.services:notify_overdue_actions", "cron",
                                 {"hour": 7, "minute": 0}))


def system_job(name) -> SystemJob | None:
    return next((entry for entry in SYSTEM_JOBS if entry.name == name), None)
