"""Exactly once through the jobs queue: a report asked for twice (two clicks, two schedulers, a schedule
and a person) is one job and one archive entry. Real commits, so a database of its own."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select

from app.auth.models import Role, User
from app.common.job_models import Job, JobStatus
from app.common.outbox_models import OutboxMessage
from app.extensions import db
from app.reporting import reports, services
from app.reporting.models import ArchivedReport, ReportSchedule, ReportType
from app.reporting.periods import PeriodRule
from app.scheduler.worker import Worker

pytestmark = pytest.mark.own_database


@pytest.fixture
def app(own_app):
    yield own_app
    with own_app.app_context():
        for model in (ArchivedReport, Job, OutboxMessage, ReportSchedule):
            db.session.execute(delete(model))
        db.session.commit()


def test_a_report_enqueued_twice_for_the_same_period_makes_one_archive_entry(app):
    with app.app_context():
        first = reports.request_report("quarterly-return", "2026-Q3", None)
        assert first.newly_queued
        second = reports.request_report("quarterly-return", "2026-Q3", None)
        assert first.id == second.id and not second.newly_queued
        assert first.dedupe_key == "report:quarterly-return:2026-Q3"
        db.session.commit()
        job_id = first.id
    worker = Worker(app, worker_id="w1", lease_seconds=30, poll_seconds=0.1)
    assert worker.run_once() == 1
    with app.app_context():
        reports.request_report("quarterly-return", "2026-Q3", None)  # after it ran: still the same job
        db.session.commit()
    assert Worker(app, worker_id="w2", lease_seconds=30, poll_seconds=0.1).run_once() == 0
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.status == JobStatus.SUCCEEDED
        entries = db.session.scalars(select(ArchivedReport)).all()
        assert len(entries) == 1 and entries[0].job_id == job_id and job.result["archive_id"] == entries[0].id
        assert reports.intact(entries[0])


def test_schedules_are_the_source_of_due_reports_and_paused_ones_queue_nothing(app):
    with app.app_context():
        manager = User(email="pm-sched@test.example", name="PM", role=Role.PROGRAMME_MANAGER, password_hash="x",
                       agency_id=_agency_id())
        db.session.add(manager)
        db.session.flush()
        data = {"name": "Monthly pack", "report_type": "monthly", "cron": "0 7 1 * *",
                "period_rule": "previous_month", "recipient_roles": ["programme_manager"]}
        schedule = services.create_schedule(data, actor=manager, token="tok-1")
        again = services.create_schedule(data, actor=manager, token="tok-1")  # the same form sent twice
        assert again.id == schedule.id
        twin = services.create_schedule({**data, "name": "Same report, another schedule"}, actor=manager)
        at_seven = datetime(2026, 11, 1, 7, 0, 30, tzinfo=UTC)  # 7am London in November is 07:00 UTC
        due = services.due_reports(at_seven)
        assert {d[0] for d in due} == {"report:monthly:2026-10"}
        assert due[0][1] == "report-monthly" and due[0][2]["schedule_id"] == schedule.id
        assert services.due_reports(datetime(2026, 11, 2, 12, 0, tzinfo=UTC)) == []
        services.set_paused(schedule, True, actor=manager)
        services.set_paused(twin, True, actor=manager)
        assert services.due_reports(at_seven) == []
        services.set_paused(schedule, False, actor=manager)
        db.session.commit()
        from app.common.jobs import enqueue_all

        enqueue_all(services.due_reports(at_seven))
        enqueue_all(services.due_reports(at_seven))
        db.session.commit()
        assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == "report-monthly")) == 1
        schedule_id = schedule.id
    assert Worker(app, worker_id="w3", lease_seconds=60, poll_seconds=0.1).run_once() == 1
    with app.app_context():
        entry = db.session.scalar(select(ArchivedReport).where(ArchivedReport.report_type == ReportType.MONTHLY))
        assert entry.period == "2026-10" and entry.schedule_id == schedule_id
        messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "report_ready")).all()
        assert [m.recipient for m in messages] == ["pm-sched@test.example"]
        assert "Monthly programme report" in messages[0].subject and "October 2026" in messages[0].subject


def test_schedule_rules_are_checked(app):
    with app.app_context():
        manager = User(email="pm-rules@test.example", name="PM", role=Role.PROGRAMME_MANAGER, password_hash="x",
                       agency_id=_agency_id())
        db.session.add(manager)
        db.session.flush()
        base = {"name": "x", "report_type": "quarterly-return", "cron": "0 7 1 1,4,7,10 *",
                "period_rule": PeriodRule.PREVIOUS_MONTH.value, "recipient_roles": []}
        with pytest.raises(services.ScheduleError) as refused:
            services.create_schedule(base, actor=manager)
        assert refused.value.field == "period_rule"
        with pytest.raises(services.ScheduleError) as refused:
            services.create_schedule(
                {**base, "period_rule": "previous_quarter", "recipient_roles": ["finance_officer"]}, actor=manager)
        assert refused.value.field == "recipient_roles"
        db.session.rollback()


def _agency_id():
    from app.auth.models import Agency, AgencyKind

    agency = db.session.scalar(select(Agency).where(Agency.name == "Reporting jobs agency"))
    if agency is None:
        agency = Agency(name="Reporting jobs agency", kind=AgencyKind.EARLY_HELP)
        db.session.add(agency)
        db.session.flush()
    return agency.id
