"""Loading a family for a user, through the sharing policy.

Every route about one family is declared with `family_access(...)`: it loads the family named by
the `family_id` URL argument (404 first), asks `app.sharing.policy`, answers 404 to anyone without a
legitimate relationship (so the family's existence is not revealed; the refusal is audited), and
audits every successful view. Nested objects (an intervention of family 1) are loaded with
`get_child_or_404`, which refuses an object that belongs to another family.

List and search queries use `visible_families()`, which applies the policy's SQL filter, so pages are
full and counts right.
"""
from functools import wraps

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import exists, select

from app import audit
from app.auth.access import object_access
from app.cases.models import Family, TeamMember
from app.common.time import today_london
from app.extensions import db
from app.sharing import policy
from app.sharing.policy import Action, FamilyColumns, FamilyTies, Purpose, Viewer


def current_team_clause(on=None):
    on = on or today_london()
    return (TeamMember.joined_on <= on) & (TeamMember.left_on.is_(None) | (TeamMember.left_on > on))


def family_columns() -> FamilyColumns:
    """The handles the policy's SQL face needs, over `Family` and its current team."""
    current = current_team_clause()
    return FamilyColumns(
        lead_practitioner_id=Family.lead_practitioner_id,
        team_has_user=lambda user_id: exists().where(
            TeamMember.family_id == Family.id, TeamMember.user_id == user_id, current),
        team_has_agency=lambda agency_id: exists().where(
            TeamMember.family_id == Family.id, TeamMember.agency_id == agency_id, current),
    )


def visible_families(user):
    """A select of the families `user` may open, for lists and searches to refine and paginate."""
    return select(Family).where(policy.family_filter(Viewer.of(user), family_columns()))


def family_ties(family: Family) -> FamilyTies:
    """The family's lead practitioner and current team, in one query."""
    rows = db.session.execute(
        select(TeamMember.user_id, TeamMember.agency_id).where(TeamMember.family_id == family.id,
                                                               current_team_clause())
    ).all()
    return FamilyTies(
        family.id,
        family.lead_practitioner_id,
        frozenset(r.user_id for r in rows if r.user_id is not None),
        frozenset(r.agency_id for r in rows),
    )


def load_family(user, family_id: int, action: Action = Action.OPEN_FAMILY,
                purpose: Purpose = Purpose.CASE_COORDINATION):
    """The family, with the policy's decision, or 404 (audited) when the user may not open it."""
    family = db.session.get(Family, family_id)
    if family is None:
        abort(404)
    ties = family_ties(family)
    viewer = Viewer.of(user)
    decision = policy.may_open_family(viewer, ties)
    if decision and action != Action.OPEN_FAMILY:
        decision = policy.decide(viewer, action, policy.RecordFacts(ties, user.agency_id, "case_note"), purpose)
    if not decision:
        audit.record_refusal("FamilyAccessRefused", object_type="family", object_id=family.id, family_id=family.id,
                             purpose=purpose.value, reason=decision.reason, action_requested=action.value)
        # 403 only where the user may see the family but not do this; otherwise do not reveal it exists.
        abort(403 if decision.tie else 404)
    return family, ties, decision


def family_access(action: Action = Action.OPEN_FAMILY, purpose: Purpose = Purpose.CASE_COORDINATION):
    """Declare a route about one family: load it from `family_id`, ask the policy, audit the access.

    The view receives `family` as its first keyword argument instead of `family_id`; `g.family_ties`
    and `g.family_decision` carry what the policy was told and said, for the view's own record-level
    decisions."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, family_id, **kwargs):
            family, ties, decision = load_family(current_user, family_id, action, purpose)
            g.family_ties, g.family_decision = ties, decision
            audit.record("FamilyViewed" if request.method == "GET" else "FamilyRecordRequested",
                         object_type="family", object_id=family.id, family_id=family.id, purpose=purpose.value,
                         basis=decision.tie.value if decision.tie else None, endpoint=request.endpoint)
            return view(*args, family=family, **kwargs)

        return object_access(f"family: {action.value} for {purpose.value}")(wrapped)

    return decorator


def get_child_or_404(model, object_id: int, family: Family):
    """Load an object nested under a family; one that belongs to another family is 404."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.family_id != family.id:
        abort(404)
    return obj


def viewer() -> Viewer:
    return Viewer.of(current_user)
