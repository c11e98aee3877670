"""Demo reporting: two report schedules (the monthly programme report and the quarterly return) and one
National Impact Study opt-out recorded by the IG officer."""
from datetime import timedelta

from sqlalchemy import select

from app.cases.models import Person
from app.extensions import db
from app.reporting.models import NisOptOut, ReportSchedule, ReportType
from app.reporting.periods import PeriodRule


def seed_reporting(ctx) -> None:
    manager = ctx.users.get("manager@demo.test")
    ig = ctx.users.get("ig@demo.test")
    if manager is None or ig is None:
        return
    db.session.add_all([
        ReportSchedule(name="Monthly programme report", report_type=ReportType.MONTHLY, cron="0 7 1 * *",
                       period_rule=PeriodRule.PREVIOUS_MONTH,
                       recipient_roles=["finance_officer", "internal_auditor", "programme_manager"],
                       created_by_user_id=manager.id, updated_by_user_id=manager.id),
        ReportSchedule(name="Quarterly progress return", report_type=ReportType.QUARTERLY_RETURN,
                       cron="0 7 3 1,4,7,10 *", period_rule=PeriodRule.PREVIOUS_QUARTER,
                       recipient_roles=["ig_officer", "programme_manager"], created_by_user_id=manager.id,
                       updated_by_user_id=manager.id),
    ])
    person = db.session.scalar(select(Person).order_by(Person.id).offset(7).limit(1))
    if person is not None:
        db.session.add(NisOptOut(person_id=person.id, recorded_by_user_id=ig.id,
                                 opted_out_on=ctx.today - timedelta(days=20),
                                 reason="Letter to the information governance team"))
    db.session.flush()
    ctx.counts["report schedules"] = 2
