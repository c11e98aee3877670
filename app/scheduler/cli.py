"""`flask scheduler run` (the scheduler process) and `flask scheduler list`."""
import logging
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.common.jobs import schedule_sources
from app.common.text import plural
from app.scheduler import system_jobs
from app.scheduler.schedule import SYSTEM_JOBS
from app.scheduler.worker import Worker

scheduler_cli = AppGroup("scheduler", help="Run timed and background work.")


def _log_to_stdout():
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("hearth", "apscheduler"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    # APScheduler logs every job it adds and runs at INFO; its warnings (misfires) are what matters.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@scheduler_cli.command("run")
@click.option("--once", is_flag=True, help="Queue what schedule sources say is due, run every due job, and exit.")
@click.option("--worker-id", default=None, help="A name for this process in job leases (default host:pid).")
@click.option("--lease-seconds", type=click.IntRange(1, 86400), default=None,
              help="How long a claimed job is ours without a heartbeat (default 60).")
@click.option("--poll-seconds", type=click.FloatRange(0.05, 600), default=None,
              help="How often to look for queued jobs (default 3).")
def run_command(once, worker_id, lease_seconds, poll_seconds):
    """The scheduler process. Start exactly one beside the web server (more are safe, not needed)."""
    _log_to_stdout()
    worker = Worker(current_app._get_current_object(), worker_id=worker_id, lease_seconds=lease_seconds,
                    poll_seconds=poll_seconds)
    if once:
        ran = worker.run_once()
        click.echo(f"Ran {plural(ran, 'job')}.")
        return
    worker.run_forever()


@scheduler_cli.command("list")
def list_command():
    """Show the system jobs, their schedules and the registered schedule sources."""
    for entry in SYSTEM_JOBS:
        trigger = system_jobs.make_trigger(entry)
        click.echo(f"{entry.name}: {trigger} -> {entry.ref}")
    click.echo(f"Schedule sources: {len(schedule_sources())}")
