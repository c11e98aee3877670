"""State changes of reporting: report schedules (the table the scheduler re-reads every minute) and
opt-outs from the National Impact Study. Services flush, never commit; each change is audited."""
from datetime import date, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from app import audit
from app.auth.models import Role
from app.common.time import LONDON, today_london, utcnow
from app.extensions import db
from app.reporting import reports
from app.reporting.models import NisOptOut, ReportSchedule
from app.reporting.periods import PeriodRule, apply_rule

SCHEDULE_FIELDS = ("name", "report_type", "cron", "period_rule", "recipient_roles")
# How late a schedule's firing may still be queued: the scheduler asks every minute, and queueing is
# idempotent by (type, period), so a generous window only guards against a scheduler that was down.
SCHEDULE_GRACE = timedelta(hours=6)


class ScheduleError(ValueError):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


class OptOutError(ValueError):
    pass


def _clean_schedule(data) -> dict:
    clean = {key: data[key] for key in SCHEDULE_FIELDS if key in data}  # the allow-list
    spec = reports.spec_for(clean["report_type"])
    if not spec.available:
        raise ScheduleError("report_type", f"The {spec.type.label.lower()} cannot be scheduled yet")
    rule = PeriodRule(clean["period_rule"])
    wants_quarter = rule is PeriodRule.PREVIOUS_QUARTER
    if ("quarter" if wants_quarter else "month") not in spec.period_kinds:
        raise ScheduleError("period_rule", f"The {spec.type.label.lower()} covers a "
                                           f"{'month' if wants_quarter else 'quarter'}: choose a period rule to match")
    roles = sorted(set(clean.get("recipient_roles") or []))
    refused = [r for r in roles if r not in spec.roles]
    if refused:
        labels = ", ".join(Role(r).label.lower() for r in refused)
        raise ScheduleError("recipient_roles", f"These roles may not read this report: {labels}")
    clean.update(report_type=spec.type, period_rule=rule, recipient_roles=roles)
    CronTrigger.from_crontab(clean["cron"], timezone=LONDON)  # the form checked it; a bad one raises ValueError
    return clean


def create_schedule(data, *, actor, token=None) -> ReportSchedule:
    if token:
        existing = db.session.scalar(select(ReportSchedule).where(ReportSchedule.submission_token == token))
        if existing is not None:
            return existing  # the same form sent twice
    schedule = ReportSchedule(**_clean_schedule(data), created_by_user_id=actor.id, updated_by_user_id=actor.id,
                              submission_token=token or None)
    db.session.add(schedule)
    db.session.flush()
    audit.record("ReportScheduleCreated", object_type="report_schedule", object_id=schedule.id,
                 report_type=schedule.report_type.value)
    return schedule


def update_schedule(schedule: ReportSchedule, data, *, actor) -> ReportSchedule:
    for key, value in _clean_schedule(data).items():
        setattr(schedule, key, value)
    schedule.updated_by_user_id = actor.id
    db.session.flush()
    audit.record("ReportScheduleChanged", object_type="report_schedule", object_id=schedule.id,
                 report_type=schedule.report_type.value)
    return schedule


def set_paused(schedule: ReportSchedule, paused: bool, *, actor) -> ReportSchedule:
    if schedule.paused != paused:
        schedule.paused, schedule.updated_by_user_id = paused, actor.id
        db.session.flush()
        audit.record("ReportSchedulePaused" if paused else "ReportScheduleResumed", object_type="report_schedule",
                     object_id=schedule.id)
    return schedule


def next_run(schedule: ReportSchedule, now: datetime | None = None) -> datetime | None:
    if schedule.paused:
        return None
    trigger = CronTrigger.from_crontab(schedule.cron, timezone=LONDON)
    return trigger.get_next_fire_time(None, now or utcnow())


def due_reports(now: datetime | None = None) -> list[tuple]:
    """The schedule source (app/common/jobs.register_schedule_source): (dedupe_key, kind, params) for each
    unpaused schedule whose latest firing time has come within the grace window."""
    now = now or utcnow()
    due = []
    schedules = db.session.scalars(select(ReportSchedule).where(ReportSchedule.paused.is_(False))
                                   .order_by(ReportSchedule.id)).all()
    for schedule in schedules:
        try:
            trigger = CronTrigger.from_crontab(schedule.cron, timezone=LONDON)
        except ValueError:
            continue  # refused by the form; a row edited by hand must not stop the other schedules
        slot = trigger.get_next_fire_time(None, now - SCHEDULE_GRACE)
        if slot is None or slot > now:
            continue
        spec = reports.spec_for(schedule.report_type)
        if not spec.available:
            continue
        period = apply_rule(schedule.period_rule, slot.astimezone(LONDON).date())
        due.append((reports.dedupe_key(spec.type, period), spec.kind,
                    {"report_type": spec.type.value, "period": period.code, "schedule_id": schedule.id}))
    return due


# --- National Impact Study opt-outs ---------------------------------------------------------------------

def record_opt_out(person, *, opted_out_on: date, reason: str, actor) -> NisOptOut:
    """Record (once) that a person opted out of the study; a second record for them is refused."""
    if opted_out_on > today_london():
        raise OptOutError("The date they opted out must be today or in the past")
    existing = db.session.scalar(select(NisOptOut).where(NisOptOut.person_id == person.id))
    if existing is not None:
        raise OptOutError("An opt-out is already recorded for this person")
    opt_out = NisOptOut(person_id=person.id, opted_out_on=opted_out_on, reason=reason[:500],
                        recorded_by_user_id=actor.id)
    db.session.add(opt_out)
    db.session.flush()
    audit.record("NisOptOutRecorded", object_type="nis_opt_out", object_id=opt_out.id, person_id=person.id,
                 family_id=person.family_id, basis="public_task")
    return opt_out


def withdraw_opt_out(opt_out: NisOptOut, *, actor) -> None:
    audit.record("NisOptOutWithdrawn", object_type="nis_opt_out", object_id=opt_out.id, person_id=opt_out.person_id)
    db.session.delete(opt_out)
    db.session.flush()


