"""Reads for the outcome pages: a family's needs, evidence and eligibility; the near-miss and sustainment lists.

Lists start from the families the user may open (the sharing policy's SQL face, as the cases lists), then
judge them with the pure rule sets over facts built in fixed queries per chunk of families. A need's details
(what it is) appear in a list's reasons only when the policy's content filter, applied inside SQL with the
family's consents, bases and agreements, lets the viewer see that need for outcome evidence; otherwise the
reason names the condition and says the details are withheld.
"""
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.cases.access import content_filter, family_filter
from app.cases.models import Family, FamilyStatus, Need, Person, need_people
from app.cases.queries import RowsPage
from app.cases.visibility import content_decision, facts_of, withheld_text
from app.extensions import db
from app.framework.models import Descriptor
from app.outcomes import rules
from app.outcomes.dates import add_calendar_months, month_start
from app.outcomes.facts_builder import CHUNK, FamilyOutcomeData, load_outcome_data, programme
from app.outcomes.models import HELD_STATUSES, Evidence, EvidenceImportBatch, EvidenceImportRow
from app.outcomes.sustainment import Sustainment, SustainmentState, sustainment
from app.sharing.policy import FamilyTies, Purpose, Viewer

PER_PAGE = 25
WINDOW_MONTHS = 24  # a claim round takes closures from month M-24 (domain.md): older ones cannot be claimed

CONDITION_LABELS = {
    rules.HOUSEHOLD: "Dependent child or expectant parent",
    rules.NEEDS_AT_ATTACHMENT: "Needs at attachment",
    rules.PROBLEMS_AT_ATTACHMENT: "Problems at attachment",
    rules.LEAD_PRACTITIONER: "Lead practitioner",
    rules.ASSESSMENT: "Whole-family assessment",
    rules.FAMILY_PLAN: "Family plan",
    rules.NEEDS_RESOLVED: "Every need resolved",
    rules.SUSTAINED: "Sustained after closure",
    rules.PROGRESS_OR_EMPLOYMENT: "Progress or continuous employment",
    rules.ATTACHED: "Attached",
    rules.NOT_ALREADY_CLAIMED: "Not already claimed",
    rules.PAYMENT_BY_RESULTS: "Payment by results",
}
WITHHELD_REASON = "Not met. The details name a need you may not see: the lead practitioner can see them"


def visible_need_ids(user, family_ids) -> set[int]:
    """The needs of these families whose content `user` may see for outcome evidence: the policy's content
    filter inside SQL (agreements, every person's consent or basis, break-glass), one query per chunk."""
    ids = sorted(set(family_ids))
    visible = set()
    for start in range(0, len(ids), CHUNK):
        visible.update(db.session.scalars(
            sa.select(Need.id).join(Family, Family.id == Need.family_id)
            .where(Need.family_id.in_(ids[start:start + CHUNK]),
                   content_filter(user, Need, need_people, purpose=Purpose.OUTCOME_EVIDENCE))))
    return visible


def hidden_terms(data: FamilyOutcomeData, visible: set[int]) -> frozenset[str]:
    """The words that would name a need the viewer may not see (its description and descriptor code)."""
    return frozenset(t for need in data.needs.values() if need.need_id not in visible
                     for t in (need.description, need.descriptor_code) if t)


def safe_reason(text: str, hidden: frozenset[str]) -> str:
    """A rule set's reason, unless it names a need the viewer may not see (then only that it is withheld)."""
    return WITHHELD_REASON if any(term in text for term in hidden) else text


def rule_set_for_facts(facts):
    """The rule set the family is judged by, or None when none was in force on the day it was attached."""
    try:
        return rules.rule_set_for(programme(), facts.attached_on)
    except rules.RuleSetError:
        return None


# --- one family ----------------------------------------------------------------------------------------

@dataclass
class EvidenceView:
    evidence: Evidence
    allowed: bool
    withheld: str | None


@dataclass
class NeedView:
    need: Need
    allowed: bool
    withheld: str | None
    judgement: object
    evidence: list[EvidenceView] = field(default_factory=list)


@dataclass
class FamilyOutcomes:
    needs: list[NeedView]
    unlinked: list[EvidenceView]
    sustainment: Sustainment | None
    rule_set: object
    eligibility: list  # [(Eligibility, [(ConditionResult, label, reason)])]
    near_misses: list
    sees_every_need: bool


def family_evidence(family_id: int) -> list[Evidence]:
    return list(db.session.scalars(
        sa.select(Evidence).where(Evidence.family_id == family_id, Evidence.deleted_at_utc.is_(None))
        .options(selectinload(Evidence.people), selectinload(Evidence.holding_agency),
                 selectinload(Evidence.recorded_by), selectinload(Evidence.stored_file),
                 selectinload(Evidence.descriptor))
        .order_by(Evidence.period_end.desc(), Evidence.id.desc())))


def family_needs(family_id: int) -> list[Need]:
    return list(db.session.scalars(
        sa.select(Need).where(Need.family_id == family_id)
        .options(selectinload(Need.people), selectinload(Need.holding_agency),
                 selectinload(Need.descriptor).selectinload(Descriptor.headline))
        .order_by(Need.identified_on, Need.id)))


def evidence_view(viewer: Viewer, ties: FamilyTies, evidence: Evidence) -> EvidenceView:
    decision = content_decision(viewer, facts_of(ties, evidence), Purpose.OUTCOME_EVIDENCE)
    if decision:
        return EvidenceView(evidence, True, None)
    return EvidenceView(evidence, False, withheld_text("Evidence", evidence.holding_agency.name, evidence.category,
                                                       decision))


def family_outcomes(family: Family, ties: FamilyTies, viewer: Viewer, today: date) -> FamilyOutcomes:
    data = load_outcome_data([family.id])[family.id]
    by_need: dict[int | None, list[EvidenceView]] = {}
    for evidence in family_evidence(family.id):
        by_need.setdefault(evidence.need_id, []).append(evidence_view(viewer, ties, evidence))
    views = []
    for need in family_needs(family.id):
        decision = content_decision(viewer, facts_of(ties, need), Purpose.OUTCOME_EVIDENCE)
        withheld = None if decision else withheld_text("Need", need.holding_agency.name, need.category, decision)
        views.append(NeedView(need, bool(decision), withheld, data.judgements.get(need.id),
                              by_need.get(need.id, [])))
    hidden = frozenset(t for v in views if not v.allowed
                       for t in (v.need.descriptor.description, v.need.descriptor.code))
    facts = data.facts
    rule_set = rule_set_for_facts(facts) if facts is not None else None
    status, eligibility, misses = None, [], []
    if rule_set is not None:
        status = sustainment(facts, today, rule_set.config.sustainment_months)
        if rule_set.applicable:
            for result in rule_set.evaluate_all(facts, today).values():
                eligibility.append((result, [(c, CONDITION_LABELS.get(c.code, c.code), safe_reason(c.reason, hidden))
                                             for c in result.conditions]))
            misses = rule_set.near_miss(facts, today)
    return FamilyOutcomes(views, by_need.get(None, []), status, rule_set, eligibility, misses, not hidden)


# --- lists ---------------------------------------------------------------------------------------------

class ListPage:
    """A page of rows judged in Python, shaped like the other pages for the pagination macro."""

    def __init__(self, rows, page, per_page=PER_PAGE):
        self.total = len(rows)
        self.per_page = per_page
        self.pages = max(1, -(-self.total // per_page))
        self.page = max(1, min(page, self.pages))
        self.items = rows[(self.page - 1) * per_page:self.page * per_page]

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)

    def iter_pages(self, **_):
        shown = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 3))})
        previous = 0
        for number in shown:
            if number - previous > 1:
                yield None
            yield number
            previous = number


@dataclass
class ListRow:
    family_id: int
    reference: str | None
    status: FamilyStatus
    lead_name: str | None
    closed_on: date | None
    sustainment: Sustainment | None
    misses: list = field(default_factory=list)  # [(NearMiss, label, reason)]
    came_back: list = field(default_factory=list)  # [str]
    shared_need_ids: tuple = ()  # other agencies' needs the viewer may see, which the reasons may name (audited)


def candidate_family_ids(user, today: date, *, closed_only: bool = False) -> list[int]:
    """Attached families the user may open that could still be claimed: open, or closed within the window."""
    start = add_calendar_months(month_start(today), -WINDOW_MONTHS)
    query = (sa.select(Family.id).where(family_filter(user, Purpose.OUTCOME_EVIDENCE),
                                        Family.attached_on.is_not(None),
                                        sa.or_(Family.closed_on.is_(None), Family.closed_on >= start))
             .order_by(Family.id))
    if closed_only:
        query = query.where(Family.status == FamilyStatus.CLOSED)
    return list(db.session.scalars(query))


def _lead_names(data) -> dict[int, str]:
    ids = sorted({d.lead_practitioner_id for d in data.values() if d.lead_practitioner_id})
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids)).order_by(User.id)).all())


def _judged(user, today, *, closed_only):
    """Each family the user may open, judged, with the words that would name a need they may not see."""
    data = load_outcome_data(candidate_family_ids(user, today, closed_only=closed_only))
    visible = visible_need_ids(user, data)
    names = _lead_names(data)
    for _, d in sorted(data.items()):
        if d.facts is None:
            continue
        rule_set = rule_set_for_facts(d.facts)
        if rule_set is None:
            continue
        shared = tuple(sorted(n.need_id for n in d.needs.values()
                              if n.need_id in visible and n.holding_agency_id != user.agency_id))
        yield d, rule_set, hidden_terms(d, visible), shared, names.get(d.lead_practitioner_id)


def near_miss_rows(user, today: date) -> list[ListRow]:
    rows = []
    for d, rule_set, hidden, shared, lead in _judged(user, today, closed_only=False):
        misses = rule_set.near_miss(d.facts, today)
        if not misses:
            continue
        shown = [(m, CONDITION_LABELS.get(m.condition_code, m.condition_code), safe_reason(m.missing, hidden))
                 for m in misses]
        rows.append(ListRow(d.family_id, d.reference, d.status, lead, d.closed_on,
                            sustainment(d.facts, today, rule_set.config.sustainment_months), shown,
                            shared_need_ids=shared))
    # Soonest claimable first, then the ones missing one thing, by reference
    rows.sort(key=lambda r: (min((m.days_until_claimable for m, _, _ in r.misses
                                  if m.days_until_claimable is not None), default=10_000), r.reference or ""))
    return rows


SUSTAINMENT_FILTERS = {
    "": "All closed families",
    "came_back": "A need came back",
    "in_sustainment": "In sustainment",
    "sustained": "Sustained",
    "not_resolved": "Not every need resolved at closure",
}


def sustainment_rows(user, today: date, state_filter: str = "") -> list[ListRow]:
    wanted = {"came_back": SustainmentState.NEED_CAME_BACK, "in_sustainment": SustainmentState.IN_SUSTAINMENT,
              "sustained": SustainmentState.SUSTAINED, "not_resolved": SustainmentState.NOT_RESOLVED}.get(state_filter)
    rows = []
    for d, rule_set, hidden, shared, lead in _judged(user, today, closed_only=True):
        status = sustainment(d.facts, today, rule_set.config.sustainment_months)
        if wanted is not None and status.state is not wanted:
            continue
        came_back = []
        for returned in status.came_back:
            what = returned.need.description or returned.need.descriptor_code
            what = "A need" if what in hidden or returned.need.descriptor_code in hidden else what
            verb = "identified" if returned.new else "came back"
            came_back.append(f"{what} {verb} on {returned.on.day} {returned.on:%B %Y}")
        rows.append(ListRow(d.family_id, d.reference, d.status, lead, d.closed_on, status, came_back=came_back,
                            shared_need_ids=shared))
    rows.sort(key=lambda r: (r.sustainment.state is not SustainmentState.NEED_CAME_BACK,
                             r.sustainment.ends_on or date.max, r.reference or ""))
    return rows


# --- imports -------------------------------------------------------------------------------------------

def import_batches(page: int = 1):
    held = (sa.select(sa.func.count(EvidenceImportRow.id))
            .where(EvidenceImportRow.batch_id == EvidenceImportBatch.id, EvidenceImportRow.status.in_(HELD_STATUSES))
            .correlate(EvidenceImportBatch).scalar_subquery())
    query = (sa.select(EvidenceImportBatch, held.label("held"))
             .options(selectinload(EvidenceImportBatch.holding_agency), selectinload(EvidenceImportBatch.descriptor))
             .order_by(EvidenceImportBatch.created_at_utc.desc(), EvidenceImportBatch.id.desc()))
    return RowsPage(query, page, PER_PAGE, scalars=False)


def held_rows(batch: EvidenceImportBatch) -> list[EvidenceImportRow]:
    return list(db.session.scalars(
        sa.select(EvidenceImportRow).where(EvidenceImportRow.batch_id == batch.id,
                                           EvidenceImportRow.status.in_(HELD_STATUSES))
        .order_by(EvidenceImportRow.line)))


def batch_status_counts(batch: EvidenceImportBatch) -> dict:
    return {status.value: count for status, count in db.session.execute(
        sa.select(EvidenceImportRow.status, sa.func.count(EvidenceImportRow.id))
        .where(EvidenceImportRow.batch_id == batch.id).group_by(EvidenceImportRow.status)
        .order_by(EvidenceImportRow.status))}


def candidates_of(rows) -> dict:
    """person id -> (Person with its family), for every candidate of these rows, in one query."""
    ids = sorted({int(i) for row in rows for i in row.candidate_person_ids or ()})
    if not ids:
        return {}
    people = db.session.scalars(sa.select(Person).where(Person.id.in_(ids))
                                .options(selectinload(Person.family)).order_by(Person.id))
    return {p.id: p for p in people}
