"""Reads for the family record, the caseload and search. Lists start from `visible_families()` (the
policy's SQL filter), so pages are full and counts right; every list is ordered and paginated, and
related rows are eager-loaded or aggregated in SQL (no query per row)."""
import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.cases import identifiers
from app.cases.access import current_team_clause, visible_families
from app.cases.models import (
    OPEN_GOAL_STATUSES,
    Assessment,
    CaseNote,
    Family,
    FamilyAddress,
    FamilyStatus,
    Intervention,
    InterventionVersion,
    LeadAssignment,
    Need,
    Person,
    PlanGoal,
    PlanReview,
    TeamMember,
)
from app.cases.names import normalise_name, sound_alike_key
from app.cases.safe_addresses import postcode_match_clause
from app.common.time import today_london
from app.extensions import db
from app.framework.models import Descriptor

PER_PAGE = 20


class RowsPage:
    """One page of rows (entities or tuples), with the total counted in SQL, shaped like
    Flask-SQLAlchemy's Pagination for the templates' pagination macro."""

    def __init__(self, query, page, per_page=PER_PAGE, *, scalars=True):
        self.total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        self.per_page = per_page
        self.pages = max(1, -(-self.total // per_page))
        self.page = max(1, min(page, self.pages))
        result = db.session.execute(query.limit(per_page).offset((self.page - 1) * per_page))
        self.items = list(result.scalars().all() if scalars else result.all())

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


def _paginate(query, page, per_page=PER_PAGE, *, scalars=True):
    return RowsPage(query, page, per_page, scalars=scalars)


# --- caseload and search -------------------------------------------------------------------------------

def _next_review():
    return (select(func.min(PlanReview.due_on)).where(PlanReview.family_id == Family.id, PlanReview.held_on.is_(None))
            .correlate(Family).scalar_subquery())


def _overdue_goals(today):
    return (select(func.count(PlanGoal.id)).where(PlanGoal.family_id == Family.id, PlanGoal.due_on < today,
                                                  PlanGoal.status.in_(OPEN_GOAL_STATUSES))
            .correlate(Family).scalar_subquery())


def _with_caseload_columns(query, today):
    return (query.add_columns(_next_review().label("next_review_on"), _overdue_goals(today).label("overdue_actions"))
            .options(selectinload(Family.members), selectinload(Family.lead_practitioner)))


def my_families(user, *, page=1, include_closed=False):
    """The families a key worker leads or a practitioner is on the team of, with the next review and
    overdue plan actions aggregated in SQL."""
    today = today_london()
    # Theirs as one list of ids (a union of two index lookups), not `lead = me OR EXISTS (team)`: PostgreSQL
    # cannot use an index for that OR, and read every family in the council to find a caseload.
    theirs = sa.union(select(Family.id).where(Family.lead_practitioner_id == user.id),
                      select(TeamMember.family_id).where(TeamMember.user_id == user.id, current_team_clause()))
    query = visible_families(user).where(Family.id.in_(theirs))
    if not include_closed:
        query = query.where(Family.status != FamilyStatus.CLOSED)
    next_review = _next_review()
    query = _with_caseload_columns(query, today).order_by(
        next_review.is_(None), next_review, Family.reference, Family.id)
    return _paginate(query, page, scalars=False)


REFERENCE_RE = re.compile(r"^\s*(?:HF-?)?(\d{1,6})\s*$", re.IGNORECASE)


class SearchTerms:
    """What was typed, understood: a family reference, an NHS number, a postcode or names."""

    def __init__(self, text: str | None, date_of_birth: date | None = None):
        self.text = (text or "").strip()[:100]
        self.date_of_birth = date_of_birth
        self.reference = self.nhs_number = self.postcode = None
        self.names: list[str] = []
        compact = re.sub(r"[\s-]", "", self.text)
        if match := REFERENCE_RE.match(self.text) if self.text.upper().startswith("HF") else None:
            self.reference = f"HF-{int(match.group(1)):06d}"
        elif compact.isdigit() and len(compact) == 10:
            try:
                self.nhs_number = identifiers.validate_nhs_number(compact)
            except identifiers.InvalidIdentifier:
                self.nhs_number = compact
        elif self.text:
            try:
                self.postcode = identifiers.validate_postcode(self.text)
            except identifiers.InvalidIdentifier:
                self.names = [w for w in re.split(r"[\s,]+", self.text) if normalise_name(w)][:4]

    @property
    def empty(self):
        return not (self.text or self.date_of_birth)


def _name_matches(word: str):
    """A person whose first or last name starts with the word, or sounds like it (typos, variants)."""
    normal, sound = normalise_name(word), sound_alike_key(word)
    return sa.or_(Person.given_name_normal.startswith(normal, autoescape=True),
                  Person.family_name_normal.startswith(normal, autoescape=True),
                  Person.given_name_sound == sound, Person.family_name_sound == sound)


def search_families(user, terms: SearchTerms, *, page=1):
    """Families the user may open that match every part of the search, best first."""
    query = visible_families(user)
    person_clauses = []
    if terms.reference:
        query = query.where(Family.reference == terms.reference)
    if terms.postcode:
        # A safe address never finds a family for someone who may not see it.
        query = query.where(postcode_match_clause(user, terms.postcode))
    if terms.nhs_number:
        person_clauses.append(Person.nhs_number == terms.nhs_number)
    for word in terms.names:
        query = query.where(sa.exists().where(Person.family_id == Family.id, _name_matches(word)))
    if terms.date_of_birth:
        person_clauses.append(Person.date_of_birth == terms.date_of_birth)
    if person_clauses:
        query = query.where(sa.exists().where(Person.family_id == Family.id, *person_clauses))
    # Exact spellings first, then sound-alikes: a name that starts with what was typed ranks higher.
    if terms.names:
        exact = sa.exists().where(Person.family_id == Family.id, sa.and_(*(
            sa.or_(Person.given_name_normal.startswith(normalise_name(w), autoescape=True),
                   Person.family_name_normal.startswith(normalise_name(w), autoescape=True)) for w in terms.names)))
        query = query.order_by(sa.case((exact, 0), else_=1))
    query = _with_caseload_columns(query, today_london()).order_by(Family.reference, Family.id)
    return _paginate(query, page, scalars=False)


# --- the family record -----------------------------------------------------------------------------------

def family_people(family) -> list[Person]:
    return list(db.session.scalars(select(Person).where(Person.family_id == family.id).order_by(
        Person.date_of_birth.is_(None), Person.date_of_birth, Person.id)))


def summary_counts(family) -> dict:
    def count(model, *where):
        return select(func.count(model.id)).where(model.family_id == family.id, *where).scalar_subquery()

    today = today_london()
    row = db.session.execute(select(
        count(Need).label("needs"),
        count(Intervention, Intervention.deleted_at_utc.is_(None)).label("interventions"),
        count(CaseNote).label("notes"),
        count(PlanGoal).label("goals"),
        count(PlanGoal, PlanGoal.due_on < today, PlanGoal.status.in_(OPEN_GOAL_STATUSES)).label("overdue"),
        select(func.min(PlanReview.due_on)).where(PlanReview.family_id == family.id, PlanReview.held_on.is_(None))
        .scalar_subquery().label("next_review_on"),
        select(func.sum(Intervention.duration_minutes)).where(Intervention.family_id == family.id,
                                                             Intervention.deleted_at_utc.is_(None))
        .scalar_subquery().label("minutes"),
    )).one()
    return row._asdict()


def team(family) -> list[TeamMember]:
    return list(db.session.scalars(select(TeamMember).where(TeamMember.family_id == family.id)
                                   .options(selectinload(TeamMember.user), selectinload(TeamMember.agency))
                                   .order_by(TeamMember.left_on.is_not(None), TeamMember.joined_on, TeamMember.id)))


def lead_history(family) -> list[LeadAssignment]:
    return list(db.session.scalars(select(LeadAssignment).where(LeadAssignment.family_id == family.id)
                                   .options(selectinload(LeadAssignment.user))
                                   .order_by(LeadAssignment.assigned_on.desc(), LeadAssignment.id.desc())))


def addresses(family) -> list[FamilyAddress]:
    return list(db.session.scalars(select(FamilyAddress).where(FamilyAddress.family_id == family.id)
                                   .order_by(FamilyAddress.moved_out_on.is_(None).desc(),
                                             FamilyAddress.moved_out_on.desc(), FamilyAddress.id.desc())))


def needs(family) -> list[Need]:
    return list(db.session.scalars(
        select(Need).where(Need.family_id == family.id)
        .options(selectinload(Need.people), selectinload(Need.holding_agency), selectinload(Need.source_agency),
                 selectinload(Need.descriptor).selectinload(Descriptor.headline))
        .order_by(Need.identified_on, Need.id)))


def assessment(family) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.family_id == family.id)
                             .options(selectinload(Assessment.holding_agency))
                             .order_by(Assessment.id.desc()).limit(1))


def plan_goals(family) -> list[PlanGoal]:
    return list(db.session.scalars(
        select(PlanGoal).where(PlanGoal.family_id == family.id)
        .options(selectinload(PlanGoal.owner_agency),
                 selectinload(PlanGoal.need).selectinload(Need.descriptor))
        .order_by(PlanGoal.due_on.is_(None), PlanGoal.due_on, PlanGoal.id)))


def plan_reviews(family) -> list[PlanReview]:
    return list(db.session.scalars(select(PlanReview).where(PlanReview.family_id == family.id)
                                   .order_by(PlanReview.due_on, PlanReview.id)))


def interventions_page(family, *, include_deleted=False, page=1):
    query = (select(Intervention).where(Intervention.family_id == family.id)
             .options(selectinload(Intervention.people), selectinload(Intervention.type),
                      selectinload(Intervention.agency), selectinload(Intervention.holding_agency),
                      selectinload(Intervention.recorded_by))
             .order_by(Intervention.occurred_on.desc(), Intervention.id.desc()))
    if not include_deleted:
        query = query.where(Intervention.deleted_at_utc.is_(None))
    return _paginate(query, page)


def intervention_versions(intervention) -> list[InterventionVersion]:
    return list(db.session.scalars(select(InterventionVersion)
                                   .where(InterventionVersion.intervention_id == intervention.id)
                                   .options(selectinload(InterventionVersion.type))
                                   .order_by(InterventionVersion.version.desc())))


def notes_page(family, *, page=1):
    query = (select(CaseNote).where(CaseNote.family_id == family.id)
             .options(selectinload(CaseNote.people), selectinload(CaseNote.holding_agency),
                      selectinload(CaseNote.recorded_by))
             .order_by(CaseNote.created_at_utc.desc(), CaseNote.id.desc()))
    return _paginate(query, page)


def status_history(family):
    from app.cases.models import FamilyStatusChange

    return list(db.session.scalars(select(FamilyStatusChange).where(FamilyStatusChange.family_id == family.id)
                                   .order_by(FamilyStatusChange.changed_on, FamilyStatusChange.id)))
