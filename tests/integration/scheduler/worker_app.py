"""An app for scheduler subprocesses in the tests: `flask --app tests.integration.scheduler.worker_app:create`.

Its handlers write down every start in a transaction of their own (so a killed or overtaken run is still
counted) and their result in the job's own transaction (so only a run that completes leaves one)."""
import time

import sqlalchemy as sa

from app.common.jobs import register_job_handler
from app.extensions import db

metadata = sa.MetaData()
starts = sa.Table("test_job_starts", metadata,
                  sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("job_id", sa.Integer, nullable=False),
                  sa.Column("worker", sa.String(100), nullable=False),
                  sa.Column("attempt", sa.Integer, nullable=False))
results = sa.Table("test_job_results", metadata,
                   sa.Column("job_id", sa.Integer, primary_key=True),  # a second result could not even commit
                   sa.Column("worker", sa.String(100), nullable=False))


def _started(job):
    with db.engine.begin() as connection:
        connection.execute(starts.insert().values(job_id=job.id, worker=job.claimed_by, attempt=job.attempts))


def race(job, progress):
    """Idempotent: the result row is keyed by the job."""
    _started(job)
    time.sleep(job.params.get("seconds", 0.1))
    progress(1, 1)
    db.session.execute(results.insert().values(job_id=job.id, worker=job.claimed_by))


def slow_first_time(job, progress):
    """The first attempt hangs (the test kills its process); a takeover finishes quickly."""
    _started(job)
    if job.attempts == 1:
        for _ in range(600):
            time.sleep(0.1)
            progress(0, 1, "waiting to be killed")
    db.session.execute(results.insert().values(job_id=job.id, worker=job.claimed_by))


def register():
    register_job_handler("test_proc_race", race)
    register_job_handler("test_proc_slow", slow_first_time)


register()


def create():
    from app import create_app

    app = create_app("test")  # TEST_DATABASE_URL says which database
    register()
    return app
