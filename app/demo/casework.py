"""Demo case work: for every seeded family, the lifecycle history and lead assignments, and (as far
as its status has got) needs, an assessment, a plan with reviews, interventions and notes from the
agencies on its team. Deterministic, like the rest of the demo: one random generator for the step.
"""
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import AgencyKind
from app.cases.models import (
    Assessment,
    CaseNote,
    ClosureReason,
    Family,
    FamilyStatus,
    FamilyStatusChange,
    GoalStatus,
    Intervention,
    InterventionType,
    LeadAssignment,
    Need,
    PlanGoal,
    PlanReview,
    StatusEvent,
)
from app.cases.services import ASSESSMENT_SECTIONS, seed_intervention_types
from app.extensions import db
from app.framework.categories import DataCategory, UnknownHeadline, category_for
from app.framework.queries import headlines_with_descriptors
from app.framework.services import version_in_force

S = FamilyStatus
ORDER = [S.REFERRED, S.ATTACHED, S.ASSESSMENT, S.PLAN, S.ACTIVE, S.CLOSED]
AGENCY_CATEGORY = {
    AgencyKind.EARLY_HELP: DataCategory.CASE_NOTE, AgencyKind.POLICE: DataCategory.CRIME,
    AgencyKind.YOUTH_JUSTICE: DataCategory.CRIME, AgencyKind.HEALTH: DataCategory.HEALTH,
    AgencyKind.SCHOOL: DataCategory.EDUCATION, AgencyKind.HOUSING: DataCategory.HOUSING,
    AgencyKind.EMPLOYMENT: DataCategory.EMPLOYMENT, AgencyKind.DOMESTIC_ABUSE: DataCategory.DOMESTIC_ABUSE,
    AgencyKind.SOCIAL_CARE: DataCategory.CHILD_SAFETY, AgencyKind.VOLUNTARY: DataCategory.FINANCE,
}
AGENCY_WORK = {
    AgencyKind.EARLY_HELP: [("home_visit", "Home visit with {adult}. Talked through the week, the morning routine and "
                                          "what had gone well. {adult} agreed to try the new bedtime plan."),
                            ("one_to_one", "One-to-one session with {child} about school and friendships. {child} "
                                           "said lunchtimes are the hardest part of the day."),
                            ("phone_call", "Phone call with {adult} to check on the housing appointment; it went "
                                           "ahead and the next step is a letter from the landlord."),
                            ("multi_agency_meeting", "Team around the family meeting. Progress on the plan reviewed "
                                                     "with every agency; actions updated.")],
    AgencyKind.SCHOOL: [("school_attendance", "Attendance meeting with {adult} about {child}. Attendance this half "
                                              "term is improving; a morning check-in with the pastoral lead agreed."),
                        ("school_meeting", "Meeting at school about {child}'s support plan; reading support agreed.")],
    AgencyKind.POLICE: [("home_visit", "Neighbourhood officer visit following a report of anti-social behaviour near "
                                       "the address. Advice given; no further action."),
                        ("one_to_one", "Early intervention session with {child} about staying safe online and "
                                       "peer pressure.")],
    AgencyKind.HEALTH: [("health_appointment", "Health visitor contact with {adult}. Development checks up to date; "
                                               "sleep advice given."),
                        ("one_to_one", "Mental health practitioner session with {adult}; attending weekly and "
                                       "reports feeling more able to cope.")],
    AgencyKind.HOUSING: [("home_visit", "Tenancy sustainment visit. Rent arrears plan agreed at a manageable weekly "
                                        "amount; repairs reported for the damp bedroom.")],
    AgencyKind.EMPLOYMENT: [("one_to_one", "Work coach appointment with {adult}. CV updated and two applications "
                                           "made for part-time work in school hours.")],
    AgencyKind.DOMESTIC_ABUSE: [("one_to_one", "Outreach session with {adult}. Safety plan reviewed and updated.")],
    AgencyKind.YOUTH_JUSTICE: [("one_to_one", "Youth justice session with {child}: victim awareness and a "
                                              "reparation project agreed.")],
    AgencyKind.SOCIAL_CARE: [("multi_agency_meeting", "Strategy discussion with children's social care about the "
                                                      "concerns raised.")],
    AgencyKind.VOLUNTARY: [("benefits_advice", "Benefits check with {adult}: entitled to more Universal Credit; claim "
                                               "updated. Referral to the food bank for this month."),
                           ("parenting_programme", "{adult} attended week {n} of the parenting programme.")],
}
NOTES = [
    "Spoke with {adult} on the phone. Things are calmer at home this week.",
    "{child} was late to school three days this week; the school will call if it continues.",
    "Family did not answer at the planned visit. Card left; will try again on Thursday.",
    "Good progress reported by the school at today's catch-up.",
    "{adult} asked for help with a letter from the council about council tax. Passed to the debt adviser.",
]
SECTION_TEXT = {
    "strengths": "The family are close and the children are warm towards each other. {adult} is keen to make "
                 "changes and has engaged with every visit.",
    "children": "{child} is behind with reading and finds mornings hard. Health checks are up to date.",
    "parenting": "{adult} knows what the children need but is struggling with routines since the move.",
    "environment": "The flat is overcrowded and there are rent arrears. Some support from extended family.",
    "family_views": "The family want the children to go to school every day and to get on top of the bills.",
}
PLAN_ACTIONS = {
    DataCategory.EDUCATION: "Morning routine chart and a check-in with the pastoral lead each day",
    DataCategory.HEALTH: "Book and attend the GP appointment; health visitor to follow up",
    DataCategory.MENTAL_HEALTH: "Weekly sessions with the mental health practitioner",
    DataCategory.CRIME: "Youth diversion programme and a reparation project",
    DataCategory.DOMESTIC_ABUSE: "Safety plan with the outreach worker, reviewed monthly",
    DataCategory.HOUSING: "Arrears repayment plan and a repairs request to the landlord",
    DataCategory.FINANCE: "Benefits check and a budgeting session with the debt adviser",
    DataCategory.EMPLOYMENT: "Weekly work coach appointments and two applications a week",
    DataCategory.CHILD_SAFETY: "Safety planning with the family and the school's safeguarding lead",
    DataCategory.SUBSTANCE_USE: "Attend the recovery service's assessment and weekly group",
    DataCategory.CASE_NOTE: "Family time each week agreed; key worker to support with the plan",
}
OWNER_KIND = {
    DataCategory.EDUCATION: AgencyKind.SCHOOL, DataCategory.HEALTH: AgencyKind.HEALTH,
    DataCategory.MENTAL_HEALTH: AgencyKind.HEALTH, DataCategory.CRIME: AgencyKind.POLICE,
    DataCategory.HOUSING: AgencyKind.HOUSING, DataCategory.EMPLOYMENT: AgencyKind.EMPLOYMENT,
    DataCategory.DOMESTIC_ABUSE: AgencyKind.DOMESTIC_ABUSE, DataCategory.FINANCE: AgencyKind.VOLUNTARY,
}


def _at(day: date, rng) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UTC)


def _between(rng, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _milestones(family: Family, rng, today: date) -> dict:
    """The day each status was reached, consistent with the family's attached and closed dates."""
    referred = family.created_at_utc.date()
    if family.attached_on is None:
        return {S.REFERRED: referred}
    end = family.closed_on or today
    span = max(3, (end - family.attached_on).days)
    days = {S.REFERRED: min(referred, family.attached_on), S.ATTACHED: family.attached_on}
    reached = ORDER.index(family.status) if family.status != S.CLOSED else ORDER.index(S.ACTIVE)
    if reached >= 2:
        days[S.ASSESSMENT] = family.attached_on + timedelta(days=min(span // 6, 10))
    if reached >= 3:
        days[S.PLAN] = days[S.ASSESSMENT] + timedelta(days=min(span // 5, 28))
    if reached >= 4:
        days[S.ACTIVE] = days[S.PLAN] + timedelta(days=min(span // 10, 7))
    if family.status == S.CLOSED:
        days[S.CLOSED] = family.closed_on
    return days


def seed_casework(ctx) -> None:
    rng = ctx.rng("casework")
    today = ctx.today
    seed_intervention_types()
    types = {t.code: t for t in db.session.scalars(select(InterventionType))}
    version = version_in_force(today)
    headlines = headlines_with_descriptors(version, active_only=True) if version else []
    headlines = [h for h in headlines if h.descriptors]
    early_help = ctx.agencies[AgencyKind.EARLY_HELP]
    families = db.session.scalars(select(Family).options(selectinload(Family.members), selectinload(Family.team))
                                  .order_by(Family.id)).all()
    counts = dict.fromkeys(("needs", "assessments", "plan_goals", "interventions", "case_notes"), 0)
    for family in families:
        days = _milestones(family, rng, today)
        previous = None
        for status in ORDER:
            if status not in days:
                continue
            event = StatusEvent.CLOSED if status == S.CLOSED else StatusEvent.CHANGED
            db.session.add(FamilyStatusChange(
                family_id=family.id, from_status=previous, to_status=status, event=event, changed_on=days[status],
                closure_reason=family.closure_reason if status == S.CLOSED else None,
                changed_by_id=family.lead_practitioner_id, holding_agency_id=early_help.id,
                created_at_utc=_at(days[status], rng)))
            previous = status
        if family.attached_on is None:
            continue
        db.session.add(LeadAssignment(family_id=family.id, user_id=family.lead_practitioner_id,
                                      assigned_on=family.attached_on, created_at_utc=_at(family.attached_on, rng)))
        end = family.closed_on or today
        adults = [p for p in family.members if not p.is_child] or family.members
        children = [p for p in family.members if p.is_child] or family.members
        words = {"adult": adults[0].given_name, "child": children[0].given_name}
        lead = family.lead_practitioner
        # Needs: three or four from different headlines at attachment, sometimes one emerging later.
        chosen = rng.sample(headlines, k=min(len(headlines), rng.choice([3, 3, 4])))
        needs = []
        for index, headline in enumerate(chosen):
            descriptor = rng.choice(headline.descriptors)
            later = index == len(chosen) - 1 and rng.random() < 0.25 and end > family.attached_on + timedelta(days=30)
            identified = _between(rng, family.attached_on + timedelta(days=30), end) if later else family.attached_on
            try:
                category = category_for(headline.code, descriptor)
            except UnknownHeadline:
                category = descriptor.category
            concerned = [rng.choice(children)] if category in (DataCategory.EDUCATION,) else []
            team_kinds = [m.agency for m in family.team]
            source = rng.choice(team_kinds) if team_kinds and rng.random() < 0.6 else early_help
            needs.append(Need(family_id=family.id, descriptor=descriptor, headline_code=headline.code,
                              identified_on=identified, at_attachment=not later, source_agency=source,
                              holding_agency_id=early_help.id, category=category, recorded_by_id=lead.id,
                              people=concerned, created_at_utc=_at(identified, rng)))
        db.session.add_all(needs)
        counts["needs"] += len(needs)
        if S.ASSESSMENT in days:
            completed = days.get(S.PLAN)
            sections = {key: SECTION_TEXT[key].format(**words) for key, _ in ASSESSMENT_SECTIONS}
            if completed is None:
                sections = {k: (v if i < 3 else None) for i, (k, v) in enumerate(sections.items())}
            db.session.add(Assessment(
                family_id=family.id, holding_agency_id=early_help.id, category=DataCategory.CASE_NOTE,
                sections=sections, completed_on=completed, recorded_by_id=lead.id,
                narrative=(f"The family have needs across {len(needs)} areas that feed each other. With a plan "
                           f"built around {words['adult']}'s own goals and support from the school, the children "
                           "should be safer, in school more and the household more stable.") if completed else None,
                created_at_utc=_at(days[S.ASSESSMENT], rng)))
            counts["assessments"] += 1
        if S.PLAN in days:
            plan_day = days[S.PLAN]
            for need in needs:
                owner_kind = OWNER_KIND.get(need.category)
                owner = ctx.agencies[owner_kind] if owner_kind else early_help
                due = plan_day + timedelta(days=rng.choice([28, 42, 56, 84]))
                if family.status == S.CLOSED:
                    status = GoalStatus.DONE if family.closure_reason == ClosureReason.NEEDS_MET.value else \
                        rng.choice([GoalStatus.DONE, GoalStatus.DROPPED])
                elif due < today:
                    status = rng.choice([GoalStatus.DONE, GoalStatus.DONE, GoalStatus.IN_PROGRESS])
                else:
                    status = rng.choice([GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS])
                db.session.add(PlanGoal(family_id=family.id, need=need, action=PLAN_ACTIONS[need.category],
                                        owner_agency=owner, due_on=due, status=status,
                                        holding_agency_id=early_help.id, category=DataCategory.CASE_NOTE,
                                        recorded_by_id=lead.id, created_at_utc=_at(plan_day, rng)))
                counts["plan_goals"] += 1
            review = plan_day + timedelta(weeks=6)
            while review <= end + timedelta(weeks=6):
                held = review if review <= end and (review < today - timedelta(days=3) or rng.random() < 0.5) else None
                db.session.add(PlanReview(family_id=family.id, due_on=review, held_on=held, recorded_by_id=lead.id))
                if held is None:
                    break
                review += timedelta(weeks=6)
        if S.ASSESSMENT in days:
            workers = [(early_help, lead)] + [(m.agency, m.user) for m in family.team]
            for n in range(rng.randint(5, 15)):
                agency, user = rng.choice(workers)
                code, text = rng.choice(AGENCY_WORK[agency.kind])
                occurred = _between(rng, days[S.ASSESSMENT], end)
                people = [adults[0]] if "{adult}" in text else [children[0]] if "{child}" in text else []
                db.session.add(Intervention(
                    family_id=family.id, type=types[code], agency=agency, holding_agency_id=agency.id,
                    occurred_on=occurred, duration_minutes=rng.choice([20, 30, 45, 60, 60, 90, 120]),
                    summary=text.format(n=n + 1, **words), category=AGENCY_CATEGORY[agency.kind],
                    recorded_by_id=user.id if user else None, people=people, created_at_utc=_at(occurred, rng)))
                counts["interventions"] += 1
            for _ in range(rng.randint(1, 4)):
                agency, user = rng.choice(workers)
                text = rng.choice(NOTES)
                written = _between(rng, days[S.ASSESSMENT], end)
                db.session.add(CaseNote(
                    family_id=family.id, holding_agency_id=agency.id, category=AGENCY_CATEGORY[agency.kind],
                    body=text.format(**words), recorded_by_id=user.id if user else None,
                    people=[adults[0]] if "{adult}" in text else [children[0]] if "{child}" in text else [],
                    created_at_utc=_at(written, rng)))
                counts["case_notes"] += 1
        db.session.flush()
    ctx.counts.update(counts)
