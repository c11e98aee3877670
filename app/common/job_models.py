"""The background jobs queue: one row per piece of work requested from the web or fired by a schedule.

`dedupe_key` names what the run produces ("report:monthly:2026-10", "claims:round:2026-11"); the
database refuses a second row with the same key, so asking twice returns the first job. The lease
columns say which worker holds a running job and until when; see app/common/jobs.py.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db


class JobStatus(CodeEnum):
    QUEUED = ("queued", "Waiting to start")
    RUNNING = ("running", "In progress")
    SUCCEEDED = ("succeeded", "Finished")
    FAILED = ("failed", "Could not be completed")
    CANCELLED = ("cancelled", "Cancelled")

    @property
    def finished(self):
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(IdMixin, TimestampMixin, db.Model):
    """A unit of background work. `params` and `result` hold ids and codes only, and `error` a short
    message that never carries personal content: the table outlives the people a job is about."""

    __tablename__ = "jobs"
    __table_args__ = (
        # The claim query: due queued jobs, and running jobs whose lease has run out.
        sa.Index("ix_jobs_status_next_attempt_at_utc", "status", "next_attempt_at_utc"),
    )

    kind: Mapped[str] = mapped_column(sa.String(60), index=True)
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(enum_column_type(JobStatus, "job_status"),
                                              default=JobStatus.QUEUED, server_default="queued")
    progress_done: Mapped[int | None] = mapped_column()
    progress_total: Mapped[int | None] = mapped_column()
    progress_message: Mapped[str | None] = mapped_column(sa.String(200))
    # Ids only, no relationship: common sits below auth.
    requested_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    max_attempts: Mapped[int] = mapped_column(default=3, server_default="3")
    next_attempt_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(sa.String(100))
    lease_expires_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    heartbeat_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    started_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(sa.String(200))
    result: Mapped[dict | None] = mapped_column(sa.JSON)

    # Not columns. `claimed_by` is the worker that claimed this instance in this process: the lease_owner
    # column may since have changed hands, and only this value proves the lease is still ours.
    claimed_by = None
    newly_queued = False  # set by the latest enqueue() call: False when it returned an existing job

    def __repr__(self):
        return f"<Job {self.id} {self.kind} {self.status.value}>"
