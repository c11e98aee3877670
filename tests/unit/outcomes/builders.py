"""Plain-data families for the rule-set tests: one eligible baseline per rule set, changed row by row."""
from dataclasses import replace
from datetime import date, timedelta

from app.outcomes.facts import (
    CaseEvent,
    CaseEventKind,
    ClaimType,
    EmploymentRecord,
    FamilyFacts,
    Member,
    NeedEvent,
    NeedEventKind,
    NeedFacts,
    Override,
    PreviousClaim,
)

ATTACHED = date(2024, 3, 1)
CLOSED = date(2025, 1, 31)
CLAIMABLE = date(2025, 7, 31)  # 31 January + 6 calendar months

PARENT = Member("person:1", "parent", date(1988, 5, 4))
CHILD = Member("person:2", "child", date(2014, 9, 1))


def closed(on, reason="needs_met"):
    return CaseEvent(CaseEventKind.CLOSED, on, reason)


def reopened(on):
    return CaseEvent(CaseEventKind.REOPENED, on)


def resolved(on, ref=None):
    return NeedEvent(NeedEventKind.RESOLVED, on, ref)


def recurred(on, ref=None):
    return NeedEvent(NeedEventKind.RECURRED, on, ref)


def need(ref, headline, descriptor, *, identified=ATTACHED, at_attachment=True, events=None, in_plan=True,
         resolved_on=None):
    """A need identified on `identified`, resolved 60 days later unless `events` or `resolved_on` say
    otherwise (events=() leaves it unresolved)."""
    if events is None:
        events = (resolved(resolved_on or identified + timedelta(days=60), f"evidence:{ref}"),)
    return NeedFacts(f"need:{ref}", headline, descriptor, identified, at_attachment, tuple(events), in_plan)


def sf_needs(attached=ATTACHED):
    return (
        need(1, "education", "school_attendance_below_90", identified=attached),
        need(2, "housing", "rent_arrears", identified=attached),
        need(3, "health", "adult_mental_health_need", identified=attached),
    )


def sf_family(*, attached=ATTACHED, closed_on=CLOSED, **changes) -> FamilyFacts:
    """An eligible Supporting Families 2022-25 family: a parent and a child, 3 needs from 3 headlines at
    attachment, all resolved 60 days in, case closed on `closed_on`."""
    facts = FamilyFacts(
        family_ref="family:1",
        attached_on=attached,
        members=(PARENT, CHILD),
        lead_practitioner_named=True,
        assessment_completed_on=attached + timedelta(days=19),
        plan_agreed_on=attached + timedelta(days=32),
        case_events=(closed(closed_on),),
        needs=sf_needs(attached),
    )
    return replace(facts, **changes)


def with_need(facts: FamilyFacts, index: int, **changes) -> FamilyFacts:
    needs = list(facts.needs)
    needs[index] = replace(needs[index], **changes)
    return replace(facts, needs=tuple(needs))


def plus_need(facts: FamilyFacts, extra: NeedFacts) -> FamilyFacts:
    return replace(facts, needs=(*facts.needs, extra))


P2_ATTACHED = date(2019, 5, 1)
P2_CLOSED = date(2020, 3, 31)
P2_CLAIMABLE = date(2020, 9, 30)


def p2_family(**changes) -> FamilyFacts:
    """A Troubled Families Phase 2 family with two of the six problems at attachment, both resolved,
    case closed 31 March 2020."""
    facts = FamilyFacts(
        family_ref="family:2",
        attached_on=P2_ATTACHED,
        members=(PARENT, CHILD),
        lead_practitioner_named=True,
        assessment_completed_on=date(2019, 5, 20),
        plan_agreed_on=date(2019, 6, 3),
        case_events=(closed(P2_CLOSED),),
        needs=(need(11, "p2_crime", "p2_antisocial_behaviour", identified=P2_ATTACHED),
               need(12, "p2_education", "p2_persistent_absence", identified=P2_ATTACHED)),
        programme="troubled_families_phase_2",
    )
    return replace(facts, **changes)


def p2_working(on_jsa, weeks_in_work, window_weeks, ends=date(2020, 1, 10), **changes) -> FamilyFacts:
    """A Phase 2 family whose case is still open and whose problems are not resolved, so only the
    continuous-employment route can pass."""
    facts = p2_family(case_events=(), **changes)
    facts = replace(facts, needs=tuple(replace(n, events=()) for n in facts.needs))
    record = EmploymentRecord("person:1", on_jsa, weeks_in_work, window_weeks, ends, "evidence:dwp-1")
    return replace(facts, employment=(record,))


def claimed(programme="supporting_families", claim_type=ClaimType.RESULTS, rejected=False, ref="claim:7"):
    return PreviousClaim(programme, claim_type, ref, rejected)


def override(condition_code, reason="Earlier claim was for a different household", on=date(2025, 7, 1)):
    return Override(condition_code, reason, on, "user:5")
