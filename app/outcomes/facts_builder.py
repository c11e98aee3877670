"""Build the plain `FamilyFacts` the claim rule sets judge, from the database, for one family or many.

The cost is a fixed number of queries per chunk of families (families, members, needs with their
descriptors, the people needs concern, evidence, plan coverage, status history, assessments, and one
per registered provider), never one per family, so a claim round or the near-miss view over thousands
of families stays flat. Resolution events come from the evidence through the same pure `judge` that
`refresh_need_judgements` caches, so the facts never depend on the cache being fresh.

Packages above outcomes (claims: previous claims and overrides; employment records) add their part by
registering a provider at app creation: `register_facts_provider(func)`, where `func(family_ids)`
returns {family_id: {FamilyFacts field: value}}.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.cases.access import current_team_clause
from app.cases.models import (
    Assessment,
    Family,
    FamilyStatus,
    FamilyStatusChange,
    Need,
    Person,
    PlanGoal,
    StatusEvent,
    TeamMember,
    need_people,
)
from app.extensions import db
from app.framework.models import Descriptor
from app.framework.rules import ResolutionRule
from app.outcomes.facts import CaseEvent, CaseEventKind, FamilyFacts, Member, NeedFacts
from app.outcomes.judgement import EvidencePoint, Judgement, judge
from app.outcomes.models import Evidence
from app.sharing.policy import FamilyTies

CHUNK = 500  # families per round of queries: keeps IN lists well inside every database's limits

FactsProvider = Callable[[Sequence[int]], dict[int, dict]]
_PROVIDERS: list[FactsProvider] = []


def register_facts_provider(provider: FactsProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def programme() -> str:
    """The programme (or explicit rule-set code) this council claims under: `CLAIM_PROGRAMME`."""
    return current_app.config["CLAIM_PROGRAMME"]


@dataclass(frozen=True)
class NeedRecord:
    """A need as the outcome pages and the sharing policy need it, without loading the model."""

    need_id: int
    family_id: int
    descriptor_id: int
    descriptor_code: str
    description: str
    headline_code: str
    identified_on: date
    at_attachment: bool
    holding_agency_id: int
    category: str
    person_ids: frozenset
    rule: ResolutionRule
    in_plan: bool


@dataclass
class FamilyOutcomeData:
    family_id: int
    reference: str | None
    status: FamilyStatus
    lead_practitioner_id: int | None
    closed_on: date | None
    facts: FamilyFacts | None  # None until the family is attached
    needs: dict[int, NeedRecord] = field(default_factory=dict)
    judgements: dict[int, Judgement] = field(default_factory=dict)
    ties: FamilyTies | None = None


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


def load_outcome_data(family_ids: Iterable[int], *, with_ties: bool = False,
                      as_of: date | None = None) -> dict[int, FamilyOutcomeData]:
    """Everything the outcome pages and the rule sets need about these families, in fixed queries."""
    ids = sorted({int(i) for i in family_ids})
    out: dict[int, FamilyOutcomeData] = {}
    for chunk in _chunks(ids):
        out.update(_load_chunk(chunk, with_ties=with_ties, as_of=as_of))
    return out


def build_facts_many(family_ids: Iterable[int], *, as_of: date | None = None) -> dict[int, FamilyFacts]:
    """FamilyFacts of every attached family among `family_ids` (families not yet attached are left out)."""
    return {fid: data.facts for fid, data in load_outcome_data(family_ids, as_of=as_of).items()
            if data.facts is not None}


def build_facts(family_id: int, *, as_of: date | None = None) -> FamilyFacts | None:
    return build_facts_many([family_id], as_of=as_of).get(family_id)


def _load_chunk(ids: list[int], *, with_ties: bool, as_of: date | None) -> dict[int, FamilyOutcomeData]:
    families = db.session.execute(
        sa.select(Family.id, Family.reference, Family.status, Family.attached_on, Family.closed_on,
                  Family.lead_practitioner_id).where(Family.id.in_(ids)).order_by(Family.id)).all()
    if not families:
        return {}

    members: dict[int, list[Member]] = defaultdict(list)
    attached = {f.id: f.attached_on for f in families}
    for p in db.session.execute(
            sa.select(Person.id, Person.family_id, Person.relationship_to_family, Person.date_of_birth,
                      Person.expectant, Person.left_household_on)
            .where(Person.family_id.in_(ids)).order_by(Person.family_id, Person.id)):
        day = attached.get(p.family_id)
        if p.left_household_on is not None and day is not None and p.left_household_on <= day:
            continue  # had left the household before the family was attached
        members[p.family_id].append(Member(f"person:{p.id}", getattr(p.relationship_to_family, "value",
                                                                     p.relationship_to_family),
                                           p.date_of_birth, bool(p.expectant)))

    need_rows = db.session.execute(
        sa.select(Need.id, Need.family_id, Need.descriptor_id, Need.headline_code, Need.identified_on,
                  Need.at_attachment, Need.holding_agency_id, Need.category, Descriptor.code, Descriptor.description,
                  Descriptor.measure_kind, Descriptor.comparison, Descriptor.threshold, Descriptor.consecutive_periods)
        .join(Descriptor, Descriptor.id == Need.descriptor_id)
        .where(Need.family_id.in_(ids)).order_by(Need.family_id, Need.identified_on, Need.id)).all()

    people_of: dict[int, set[int]] = defaultdict(set)
    for need_id, person_id in db.session.execute(
            sa.select(need_people.c.need_id, need_people.c.person_id)
            .join(Need, Need.id == need_people.c.need_id).where(Need.family_id.in_(ids))
            .order_by(need_people.c.need_id, need_people.c.person_id)):
        people_of[need_id].add(person_id)

    planned = set(db.session.scalars(
        sa.select(PlanGoal.need_id).where(PlanGoal.family_id.in_(ids), PlanGoal.need_id.is_not(None))
        .distinct().order_by(PlanGoal.need_id)))

    points: dict[int, list[EvidencePoint]] = defaultdict(list)
    for e in db.session.execute(
            sa.select(Evidence.id, Evidence.need_id, Evidence.period_start, Evidence.period_end,
                      Evidence.value_number, Evidence.value_yes)
            .where(Evidence.family_id.in_(ids), Evidence.need_id.is_not(None), Evidence.deleted_at_utc.is_(None))
            .order_by(Evidence.need_id, Evidence.period_end, Evidence.id)):
        value = e.value_yes if e.value_yes is not None else e.value_number
        points[e.need_id].append(EvidencePoint(f"evidence:{e.id}", e.period_start, e.period_end, value, e.id))

    case_events: dict[int, list[CaseEvent]] = defaultdict(list)
    plan_agreed: dict[int, date] = {}
    for c in db.session.execute(
            sa.select(FamilyStatusChange.family_id, FamilyStatusChange.event, FamilyStatusChange.to_status,
                      FamilyStatusChange.changed_on, FamilyStatusChange.closure_reason)
            .where(FamilyStatusChange.family_id.in_(ids),
                   sa.or_(FamilyStatusChange.event.in_([StatusEvent.CLOSED, StatusEvent.REOPENED]),
                          FamilyStatusChange.to_status == FamilyStatus.PLAN))
            .order_by(FamilyStatusChange.family_id, FamilyStatusChange.changed_on, FamilyStatusChange.id)):
        if c.event == StatusEvent.CLOSED:
            case_events[c.family_id].append(CaseEvent(CaseEventKind.CLOSED, c.changed_on, c.closure_reason))
        elif c.event == StatusEvent.REOPENED:
            case_events[c.family_id].append(CaseEvent(CaseEventKind.REOPENED, c.changed_on))
        if c.to_status == FamilyStatus.PLAN:
            plan_agreed.setdefault(c.family_id, c.changed_on)

    assessed = dict(db.session.execute(
        sa.select(Assessment.family_id, sa.func.min(Assessment.completed_on))
        .where(Assessment.family_id.in_(ids), Assessment.completed_on.is_not(None))
        .group_by(Assessment.family_id).order_by(Assessment.family_id)).all())

    ties_of: dict[int, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    if with_ties:
        for member in db.session.execute(
                sa.select(TeamMember.family_id, TeamMember.user_id, TeamMember.agency_id)
                .where(TeamMember.family_id.in_(ids), current_team_clause())
                .order_by(TeamMember.family_id, TeamMember.id)):
            users, agencies = ties_of[member.family_id]
            if member.user_id is not None:
                users.add(member.user_id)
            agencies.add(member.agency_id)

    extra: dict[int, dict] = defaultdict(dict)
    for provider in _PROVIDERS:
        for family_id, changes in (provider(ids) or {}).items():
            extra[family_id].update(changes)

    needs_by_family: dict[int, list] = defaultdict(list)
    for n in need_rows:
        needs_by_family[n.family_id].append(n)

    out = {}
    programme_code = programme()
    for f in families:
        records, judgements, need_facts = {}, {}, []
        for n in needs_by_family[f.id]:
            rule = ResolutionRule(n.measure_kind, n.comparison, n.threshold, n.consecutive_periods)
            record = NeedRecord(n.id, f.id, n.descriptor_id, n.code, n.description, n.headline_code,
                                n.identified_on, bool(n.at_attachment), n.holding_agency_id,
                                getattr(n.category, "value", n.category), frozenset(people_of[n.id]), rule,
                                n.id in planned)
            judgement = judge(rule, points[n.id], as_of)
            records[n.id], judgements[n.id] = record, judgement
            need_facts.append(NeedFacts(f"need:{n.id}", n.headline_code, n.code, n.identified_on,
                                        bool(n.at_attachment), judgement.events, n.id in planned, n.description))
        facts = None
        if f.attached_on is not None:
            facts = FamilyFacts(
                family_ref=f"family:{f.id}", attached_on=f.attached_on, members=tuple(members[f.id]),
                lead_practitioner_named=f.lead_practitioner_id is not None,
                assessment_completed_on=assessed.get(f.id), plan_agreed_on=plan_agreed.get(f.id),
                case_events=tuple(case_events[f.id]), needs=tuple(need_facts), programme=programme_code)
            if extra.get(f.id):
                facts = replace(facts, **extra[f.id])
        ties = None
        if with_ties:
            users, agencies = ties_of[f.id]
            ties = FamilyTies(f.id, f.lead_practitioner_id, frozenset(users), frozenset(agencies))
        out[f.id] = FamilyOutcomeData(f.id, f.reference, f.status, f.lead_practitioner_id, f.closed_on, facts,
                                      records, judgements, ties)
    return out


__all__ = [
    "FamilyOutcomeData",
    "NeedRecord",
    "build_facts",
    "build_facts_many",
    "load_outcome_data",
    "programme",
    "register_facts_provider",
]
