"""Demo outcome evidence: for every attached family's needs, a period-by-period record from the agency
that would hold it, so that the outcome pages, the near-miss view and the sustainment list have families
in every state: closed and sustained (claimable), still in sustainment (some within a month of a claim),
needs that came back after closure, needs never resolved at closure, and open cases on their way.

Evidence runs backwards from the closure: the need's rule met for its number of periods in a row,
ending just before the case closed, sometimes after a period that failed it. A need identified too late
for its run to fit stays unresolved, as it would in life. Then every need's judgement is computed once.
"""
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit
from app.auth.models import AgencyKind
from app.cases.models import Family, FamilyStatus, Need
from app.common.time import as_utc
from app.extensions import db
from app.framework.categories import DataCategory
from app.framework.models import Descriptor
from app.framework.rules import Comparison, MeasureKind, PeriodUnit
from app.outcomes.dates import add_calendar_months
from app.outcomes.models import Evidence, EvidenceSource
from app.outcomes.services import refresh_many

HOLDER = {
    DataCategory.EDUCATION: AgencyKind.SCHOOL, DataCategory.HEALTH: AgencyKind.HEALTH,
    DataCategory.MENTAL_HEALTH: AgencyKind.HEALTH, DataCategory.SUBSTANCE_USE: AgencyKind.HEALTH,
    DataCategory.CRIME: AgencyKind.POLICE, DataCategory.HOUSING: AgencyKind.HOUSING,
    DataCategory.EMPLOYMENT: AgencyKind.EMPLOYMENT, DataCategory.DOMESTIC_ABUSE: AgencyKind.DOMESTIC_ABUSE,
    DataCategory.FINANCE: AgencyKind.VOLUNTARY, DataCategory.CHILD_SAFETY: AgencyKind.SOCIAL_CARE,
}
SOURCES = {
    AgencyKind.SCHOOL: "School attendance and behaviour return", AgencyKind.HEALTH: "Health service record",
    AgencyKind.POLICE: "Police incidents extract", AgencyKind.HOUSING: "Rent account statement",
    AgencyKind.EMPLOYMENT: "Jobcentre Plus work coach record",
    AgencyKind.DOMESTIC_ABUSE: "Domestic abuse service review",
    AgencyKind.VOLUNTARY: "Debt advice case review", AgencyKind.SOCIAL_CARE: "Children's social care review",
    AgencyKind.EARLY_HELP: "Key worker review",
}
PERIOD_DAYS = {PeriodUnit.TERM: 91, PeriodUnit.QUARTER: 91, PeriodUnit.MONTH: 30, PeriodUnit.WEEK: 7}
# What happens to a closed family's needs, by weight
CLOSED_SCENARIOS = {"sustained": 62, "came_back": 18, "unresolved": 20}


def _value(descriptor: Descriptor, passing: bool, rng):
    """(number, yes) that passes or fails the descriptor's rule."""
    kind, comparison = MeasureKind(descriptor.measure_kind), Comparison(descriptor.comparison)
    if kind is MeasureKind.YES_NO:
        return None, passing
    threshold = float(descriptor.threshold)
    if comparison is Comparison.AT_MOST:
        value = threshold if passing else threshold + rng.randint(1, 3)
    elif comparison is Comparison.AT_LEAST:
        value = threshold + rng.uniform(0.5, 8) if passing else threshold - rng.uniform(3, 20)
    else:
        value = threshold if passing else threshold + 1
    value = min(100.0, max(0.0, round(value, 1))) if kind is MeasureKind.PERCENTAGE else max(0, round(value))
    return float(value), None


def _run(need: Need, end: date, *, periods: int, rng, passing=True):
    """`periods` consecutive periods ending on `end`, oldest first, as (start, end, passing)."""
    length = PERIOD_DAYS[PeriodUnit(need.descriptor.period_unit)]
    out = []
    for index in range(periods):
        stop = end - timedelta(days=length * (periods - 1 - index))
        out.append((stop - timedelta(days=length - 1), stop, passing))
    return out


def _plan(need: Need, family: Family, scenario: str, today: date, rng, *, unresolved_need: bool, came_back: bool):
    descriptor = need.descriptor
    wanted = descriptor.consecutive_periods
    length = PERIOD_DAYS[PeriodUnit(descriptor.period_unit)]
    closed = family.closed_on
    until = (closed - timedelta(days=rng.randint(0, 10))) if closed else today - timedelta(days=rng.randint(3, 40))
    if until <= need.identified_on:
        return []
    if unresolved_need or (closed is None and rng.random() < 0.4):
        # some evidence, but never the run the rule needs
        count = max(1, min(wanted, 3))
        periods = _run(need, until, periods=count, rng=rng, passing=False)
        return [p for p in periods if p[0] >= need.identified_on]
    periods = _run(need, until, periods=wanted, rng=rng)
    if periods[0][0] < need.identified_on:
        return [p for p in periods if p[0] >= need.identified_on]  # too late to show the whole run
    before = periods[0][0] - timedelta(days=1)
    if before - timedelta(days=length - 1) >= need.identified_on and rng.random() < 0.6:
        periods.insert(0, (before - timedelta(days=length - 1), before, False))
    if closed is not None and scenario == "sustained":
        # still resolved in the period after closure, as far as the evidence reaches today
        start = closed + timedelta(days=rng.randint(1, 20))
        if start + timedelta(days=length - 1) < today:
            periods.append((start, start + timedelta(days=length - 1), True))
    if came_back:
        returned = closed + timedelta(days=rng.randint(40, 150))
        if returned < today and returned < add_calendar_months(closed, 6):
            periods.append((returned - timedelta(days=length - 1), returned, False))
    return periods


def seed_outcome_evidence(ctx) -> None:
    rng = ctx.rng("outcomes")
    today = ctx.today
    users_by_agency = {}
    for user in sorted(ctx.users.values(), key=lambda u: u.id):
        users_by_agency.setdefault(user.agency_id, user)
    families = db.session.scalars(
        select(Family).where(Family.attached_on.is_not(None))
        .options(selectinload(Family.members)).order_by(Family.id)).all()
    needs_of: dict[int, list[Need]] = {}
    for need in db.session.scalars(select(Need).options(selectinload(Need.descriptor), selectinload(Need.people))
                                   .order_by(Need.family_id, Need.identified_on, Need.id)):
        needs_of.setdefault(need.family_id, []).append(need)
    scenarios = {"sustained": 0, "came_back": 0, "unresolved": 0, "open": 0}
    count = 0
    for family in families:
        needs = needs_of.get(family.id, [])
        if not needs:
            continue
        if family.status == FamilyStatus.CLOSED:
            scenario = rng.choices(list(CLOSED_SCENARIOS), weights=list(CLOSED_SCENARIOS.values()))[0]
            if scenario == "came_back" and family.closed_on + timedelta(days=45) >= today:
                scenario = "sustained"  # closed too recently for a need to have come back yet
        elif family.status in (FamilyStatus.ACTIVE, FamilyStatus.PLAN):
            scenario = "open"
        else:
            continue
        scenarios[scenario] += 1
        odd_one = rng.randrange(len(needs))
        for index, need in enumerate(needs):
            kind = HOLDER.get(need.category, AgencyKind.EARLY_HELP)
            agency = ctx.agencies.get(kind) or ctx.agencies[AgencyKind.EARLY_HELP]
            recorder = users_by_agency.get(agency.id)
            plan = _plan(need, family, scenario, today, rng, unresolved_need=scenario == "unresolved" and
                         index == odd_one, came_back=scenario == "came_back" and index == odd_one)
            for start, end, passing in plan:
                if end > today:
                    continue
                number, yes = _value(need.descriptor, passing, rng)
                recorded = min(end + timedelta(days=rng.randint(2, 20)), today)
                db.session.add(Evidence(
                    family_id=family.id, need_id=need.id, descriptor_id=need.descriptor_id,
                    holding_agency_id=agency.id, category=need.category, value_number=number, value_yes=yes,
                    period_start=start, period_end=end, source=SOURCES[kind], recorded_via=EvidenceSource.FORM,
                    recorded_by_id=recorder.id if recorder else family.lead_practitioner_id,
                    recorded_at_utc=as_utc(datetime.combine(recorded, time(rng.randint(8, 17)), tzinfo=UTC)),
                    created_at_utc=datetime.combine(recorded, time(12), tzinfo=UTC), people=list(need.people)))
                count += 1
        db.session.flush()
    changed = refresh_many([f.id for f in families], audited=False)
    audit.record("DemoEvidenceSeeded", object_type="demo", evidence=count, judgements=len(changed))
    ctx.counts["evidence"] = count
    ctx.counts["need_judgements"] = len(changed)
    ctx.messages.append("Outcome evidence: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in scenarios.items()))
