"""Reporting's tables: the archive of generated group reports, the report schedules managers edit
(the source of truth the scheduler re-reads every minute), and opt-outs from the National Impact Study."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db
from app.reporting.periods import PeriodRule


class ReportType(CodeEnum):
    MONTHLY = ("monthly", "Monthly programme report")
    CLAIM_ROUND = ("claim-round", "Claim round summary")
    QUARTERLY_RETURN = ("quarterly-return", "Quarterly progress return")
    NIS_EXTRACT = ("nis-extract", "National Impact Study identifiers")


class ArchivedReport(IdMixin, TimestampMixin, db.Model):
    """One generated group report. UNIQUE (type, period): a report exists once, however many schedulers
    or people asked for it. The file lives under REPORTS_DIR; `sha256` lets a download prove it is intact."""

    __tablename__ = "report_archive"

    report_type: Mapped[ReportType] = mapped_column(enum_column_type(ReportType, "report_type"))
    period: Mapped[str] = mapped_column(sa.String(10))
    filename: Mapped[str] = mapped_column(sa.String(200))  # relative to REPORTS_DIR, built from codes only
    content_type: Mapped[str] = mapped_column(sa.String(100))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int]
    generated_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    schedule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("report_schedules.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jobs.id"), index=True)
    generated_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    schedule = relationship("ReportSchedule")

    __table_args__ = (
        sa.UniqueConstraint("report_type", "period"),
        sa.Index("ix_report_archive_generated_at_utc", "generated_at_utc"),
    )


class ReportSchedule(IdMixin, TimestampMixin, db.Model):
    """A report made on a timetable: a cron expression (London time), the period it covers, and the roles
    told when it is ready. Paused schedules queue nothing."""

    __tablename__ = "report_schedules"

    name: Mapped[str] = mapped_column(sa.String(120))
    report_type: Mapped[ReportType] = mapped_column(enum_column_type(ReportType, "report_type"))
    cron: Mapped[str] = mapped_column(sa.String(100))
    period_rule: Mapped[PeriodRule] = mapped_column(enum_column_type(PeriodRule, "period_rule"))
    recipient_roles: Mapped[list] = mapped_column(sa.JSON, default=list)
    paused: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The one-time token of the form that created it: sending the form twice makes one schedule.
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)


class NisOptOut(IdMixin, TimestampMixin, db.Model):
    """A person's opt-out from the National Impact Study, recorded by an IG officer. The extract leaves
    them out; nothing else changes (the study is public task, not consent)."""

    __tablename__ = "nis_opt_outs"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), unique=True)
    recorded_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    opted_out_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(500))

    person = relationship("Person")
    recorded_by = relationship("User", foreign_keys=[recorded_by_user_id])
