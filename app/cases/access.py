"""Loading a family for a user, through the sharing policy.

Every route about one family is declared with `family_access(...)`: it loads the family named by
the `family_id` URL argument (404 first), asks `app.sharing.policy`, answers 404 to anyone without a
legitimate relationship (so the family's existence is not revealed; the refusal is audited), and
audits every successful view. Nested objects (an intervention of family 1) are loaded with
`get_child_or_404`, which refuses an object that belongs to another family.

List and search queries use `visible_families()`, which applies the policy's SQL filter, so pages are
full and counts right.

Packages above this one know facts the policy reads as ties (claims: "a claim for this family is in
a drawn audit sample"; teamwork: "this user's handover is still to write"). They register a
`TieSource` at app creation, so the facts are loaded here, with the family's other ties, and said in
SQL in `family_columns()`, without this package importing theirs.
"""
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import sqlalchemy as sa
from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from app import audit
from app.auth.access import object_access
from app.cases.models import ADULT_AGE, CHILD_RELATIONSHIPS, Family, Person, TeamMember
from app.common.time import today_london, utcnow
from app.extensions import db
from app.sharing import filters as sharing_filters
from app.sharing import policy
from app.sharing import queries as sharing_queries
from app.sharing.policy import Action, FamilyColumns, FamilyTies, Purpose, RecordColumns, TieSets, Viewer


@dataclass(frozen=True)
class TieSource:
    """One fact about a family from a higher package: `load(family_id)` gives the value of the
    `FamilyTies` field `ties_field`; `clause(family_id_column)` gives the `FamilyColumns` builder of
    the field `columns_field`, its twin in SQL."""

    ties_field: str
    load: Callable[[int], object]
    columns_field: str
    clause: Callable[[sa.ColumnElement], Callable]


_TIE_SOURCES: dict[str, TieSource] = {}


def register_tie_source(source: TieSource) -> None:
    _TIE_SOURCES[source.ties_field] = source


def current_team_clause(on=None):
    on = on or today_london()
    return (TeamMember.joined_on <= on) & (TeamMember.left_on.is_(None) | (TeamMember.left_on > on))


def family_tie_sets() -> TieSets:
    """The working ties as sets of family ids, each one index lookup (team by user or agency, live grants)."""
    current = current_team_clause()
    return TieSets(
        on_team=lambda user_id: select(TeamMember.family_id).where(TeamMember.user_id == user_id, current),
        agency_on_team=lambda agency_id: select(TeamMember.family_id).where(TeamMember.agency_id == agency_id,
                                                                            current),
        break_glass=sharing_filters.break_glass_families(utcnow()),
    )


def family_columns() -> FamilyColumns:
    """The handles the policy's SQL face needs, over `Family` and its current team."""
    return FamilyColumns.from_sets(
        Family.id, Family.lead_practitioner_id, family_tie_sets(),
        plan_agreed=sharing_filters.plan_agreed(Family.id),
        **{s.columns_field: s.clause(Family.id) for s in _TIE_SOURCES.values()},
    )


def person_is_child(person_id, on=None):
    """The SQL twin of `Person.is_child`: under 18 on the day, or without a date of birth, a child by
    their place in the household."""
    on = on or today_london()
    try:
        eighteen_ago = on.replace(year=on.year - ADULT_AGE)
    except ValueError:  # 29 February
        eighteen_ago = on.replace(year=on.year - ADULT_AGE, day=28)
    child = aliased(Person)  # the person may come from a SELECT over people itself
    return exists().where(child.id == person_id, sa.or_(
        child.date_of_birth > eighteen_ago,
        sa.and_(child.date_of_birth.is_(None), child.relationship_to_family.in_(list(CHILD_RELATIONSHIPS))))
    ).correlate_except(child)


def record_columns(model, people_table=None, *, whole_family_record=None) -> RecordColumns:
    """A content table's handles for the policy's SQL face: `people_table` is its association table
    (record_id, person_id); none means every record is about the whole family."""
    if people_table is not None:
        def record_people():
            record_id = next(c for c in people_table.c if c.name != "person_id")
            return sa.select(people_table.c.person_id).where(record_id == model.id)
    else:
        def record_people():
            return sa.select(Person.id).where(sa.false())
    return RecordColumns(
        holding_agency_id=model.holding_agency_id, category=model.category, family_id=model.family_id,
        record_people=record_people, whole_family_record=whole_family_record,
        extra_sensitive=getattr(model, "extra_sensitive", None),
        family_people=lambda: sa.select(Person.id).where(Person.family_id == model.family_id),
        person_is_child=person_is_child)


def content_filter(user, model, people_table=None, *, whole_family_record=None,
                   purpose: Purpose = Purpose.CASE_COORDINATION, action: Action = Action.VIEW_CONTENT):
    """The whole sharing rule as a WHERE clause over a content table joined to `Family`."""
    viewer_ = Viewer.of(user)
    columns = record_columns(model, people_table, whole_family_record=whole_family_record)
    sharing = sharing_filters.sharing_clauses(today_london(), duty_in_force=sharing_queries.duty_to_share_in_force())
    return policy.record_filter(viewer_, family_columns(), holding_agency_id=model.holding_agency_id,
                                record=columns, sharing=sharing, purpose=purpose, action=action)


def family_filter(user, purpose: Purpose = Purpose.CASE_COORDINATION):
    """The policy's WHERE clause over `Family`: true for the families `user` may open for `purpose`."""
    return policy.family_filter(Viewer.of(user), family_columns(), purpose)


def visible_families(user, purpose: Purpose = Purpose.CASE_COORDINATION):
    """A select of the families `user` may open, for lists and searches to refine and paginate."""
    return select(Family).where(family_filter(user, purpose))


def family_ties(family: Family) -> FamilyTies:
    """The family's lead practitioner, current team, members and sharing facts (consents, bases,
    agreements in force, live break-glass grants, settings): a few queries per family, none per
    record, read afresh on every request so a withdrawal counts at once."""
    rows = db.session.execute(
        select(TeamMember.user_id, TeamMember.agency_id).where(TeamMember.family_id == family.id,
                                                               current_team_clause())
    ).all()
    people = db.session.execute(select(Person.id, Person.date_of_birth, Person.relationship_to_family)
                                .where(Person.family_id == family.id).order_by(Person.id)).all()
    on = today_london()
    return FamilyTies(
        family.id,
        family.lead_practitioner_id,
        frozenset(r.user_id for r in rows if r.user_id is not None),
        frozenset(r.agency_id for r in rows),
        person_ids=frozenset(p.id for p in people),
        child_ids=frozenset(p.id for p in people if _is_child(p, on)),
        **sharing_queries.family_sharing_facts(family.id, on, utcnow()),
        **{s.ties_field: s.load(family.id) for s in _TIE_SOURCES.values()},
    )


def _is_child(row, on) -> bool:
    if row.date_of_birth is None:
        return row.relationship_to_family in CHILD_RELATIONSHIPS
    dob = row.date_of_birth
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day)) < ADULT_AGE


def _decide_on_family(user, ties: FamilyTies, action: Action, purpose: Purpose) -> policy.Decision:
    # The family itself, as a record of the viewer's own agency: OPEN_FAMILY, WORK_ON_FAMILY, ALLOCATE and
    # WRITE_HANDOVER are decided on the viewer's ties alone.
    return policy.decide(Viewer.of(user), action, policy.RecordFacts(ties, user.agency_id, "case_note"), purpose)


def load_family(user, family_id: int, action: Action = Action.OPEN_FAMILY,
                purpose: Purpose = Purpose.CASE_COORDINATION, **audit_details):
    """The family, with the policy's decision, or 404 (audited) when the user may not open it. Pages come
    through `family_access`; the partner API calls it directly (`audit_details` adds its client's id)."""
    family = db.session.get(Family, family_id)
    if family is None:
        abort(404)
    ties = family_ties(family)
    decision = _decide_on_family(user, ties, action, purpose)
    if not decision:
        audit.record_refusal("FamilyAccessRefused", actor=user, object_type="family", object_id=family.id,
                             family_id=family.id, purpose=purpose.value, reason=decision.reason,
                             action_requested=action.value, **audit_details)
        # 403 only where the user may see the family but not do this; otherwise do not reveal it exists.
        abort(403 if decision.tie else 404)
    return family, ties, decision


def record_family_access(user, family: Family, decision: policy.Decision, purpose: Purpose, **audit_details):
    """Audit an access the policy allowed: a read as `FamilyViewed`, a change as `FamilyRecordRequested`."""
    audit.record("FamilyViewed" if request.method == "GET" else "FamilyRecordRequested", actor=user,
                 object_type="family", object_id=family.id, family_id=family.id, purpose=purpose.value,
                 basis=decision.tie.value if decision.tie else None, endpoint=request.endpoint, **audit_details)


def family_access(action: Action = Action.OPEN_FAMILY, purpose: Purpose = Purpose.CASE_COORDINATION):
    """Declare a route about one family: load it from `family_id`, ask the policy, audit the access.

    The view receives `family` as its first keyword argument instead of `family_id`; `g.family_ties`
    and `g.family_decision` carry what the policy was told and said, for the view's own record-level
    decisions."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, family_id, **kwargs):
            family, ties, decision = load_family(current_user, family_id, action, purpose)
            g.family_ties, g.family_decision, g.family_purpose = ties, decision, purpose
            record_family_access(current_user, family, decision, purpose)
            return view(*args, family=family, **kwargs)

        return object_access(f"family: {action.value} for {purpose.value}")(wrapped)

    return decorator


def family_allows(action: Action) -> bool:
    """May the current user do `action` to the family the route loaded (`family_access`)? Pages offer an
    action only when the policy allows it, so nobody meets a button that answers 403 (a programme manager
    under an emergency grant reads, but does not work on the family)."""
    return bool(_decide_on_family(current_user, g.family_ties, action, g.family_purpose))


def get_child_or_404(model, object_id: int, family: Family):
    """Load an object nested under a family; one that belongs to another family is 404."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.family_id != family.id:
        abort(404)
    return obj


def viewer() -> Viewer:
    return Viewer.of(current_user)
