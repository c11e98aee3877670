"""`visible_families` (the family filter as a union of index lookups) names exactly the families `decide`
opens, in the real tables: for generated leads, team memberships past, current and to come (by user and by
agency), break-glass grants live, expired, ended and not yet started, and viewers of every role, designated
lead or not."""
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth.models import Agency, AgencyKind, Role, User
from app.cases.access import family_ties, visible_families
from app.cases.models import Family, FamilyStatus, TeamMember
from app.common.time import today_london, utcnow
from app.extensions import db
from app.sharing.models import BreakGlassGrant
from app.sharing.policy import Action, Purpose, RecordFacts, Viewer, decide

ROLES = ["key_worker", "practitioner", "programme_manager", "internal_auditor", "ig_officer", "finance_officer"]
users = st.integers(0, 2)
agencies = st.integers(0, 1)
# (user or none, agency, joined days from today, left days after joining or none)
membership_s = st.tuples(st.none() | users, agencies, st.integers(-20, 5), st.none() | st.integers(0, 30))
# (user, starts hours from now, lasts hours, ended)
grant_s = st.tuples(users, st.integers(-6, 2), st.integers(1, 8), st.booleans())
family_s = st.tuples(st.none() | users, st.lists(membership_s, max_size=3), st.lists(grant_s, max_size=2))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(families=st.lists(family_s, min_size=1, max_size=4), roles=st.tuples(*(st.sampled_from(ROLES),) * 3),
       designated=st.tuples(st.booleans(), st.booleans(), st.booleans()), purpose=st.sampled_from(list(Purpose)))
def test_visible_families_are_exactly_the_families_decide_opens(app, families, roles, designated, purpose):
    today, now = today_london(), utcnow()
    nested = db.session.begin_nested()
    try:
        places = [Agency(name=f"Visible {i}", kind=AgencyKind(k)) for i, k in enumerate(("early_help", "police"))]
        db.session.add_all(places)
        db.session.flush()
        people = [User(email=f"visible{i}@faces.example", name=f"Visible {i}", role=Role(role),
                       agency=places[i % 2], is_designated_lead=lead)
                  for i, (role, lead) in enumerate(zip(roles, designated, strict=True))]
        db.session.add_all(people)
        db.session.flush()
        made = []
        for lead, memberships, grants in families:
            family = Family(reference=None, status=FamilyStatus.ATTACHED,
                            lead_practitioner_id=people[lead].id if lead is not None else None)
            db.session.add(family)
            db.session.flush()
            for user, agency, joined, stayed in memberships:
                joined_on = today + timedelta(days=joined)
                db.session.add(TeamMember(family_id=family.id, user_id=people[user].id if user is not None else None,
                                          agency_id=places[agency].id, role_description="x", joined_on=joined_on,
                                          left_on=joined_on + timedelta(days=stayed) if stayed is not None else None))
            for user, starts, lasts, ended in grants:
                starts_at = now + timedelta(hours=starts)
                db.session.add(BreakGlassGrant(user_id=people[user].id, family_id=family.id, reason="risk_of_harm",
                                               justification="j" * 20, starts_at_utc=starts_at,
                                               expires_at_utc=starts_at + timedelta(hours=lasts),
                                               ended_at_utc=now - timedelta(minutes=1) if ended else None))
            made.append(family)
        db.session.flush()
        ids = [f.id for f in made]
        ties = {f.id: family_ties(f) for f in made}
        for user in people:
            by_sql = set(db.session.scalars(visible_families(user, purpose).where(Family.id.in_(ids))
                                            .with_only_columns(Family.id)))
            by_decide = {fid for fid, t in ties.items()
                         if decide(Viewer.of(user), Action.OPEN_FAMILY, RecordFacts(t, user.agency_id, "case_note"),
                                   purpose)}
            assert by_sql == by_decide, (user.role, user.is_designated_lead)
    finally:
        nested.rollback()


def test_the_filter_is_a_union_of_index_lookups_for_working_roles(app, factory):
    """The shape PostgreSQL can serve from indexes (`id IN (... UNION ALL ...)`), not an OR it can only
    answer by reading every family; roles that see every family keep a plain TRUE."""
    key_worker = factory.user("key_worker")
    agency_lead = factory.user("practitioner", is_designated_lead=True)
    manager = factory.user("programme_manager")
    for user in (key_worker, agency_lead):
        sql = str(visible_families(user).compile(db.engine))
        where = sql.split("WHERE", 1)[1]
        assert where.lstrip().startswith("families.id IN (SELECT") and " OR " not in where.split("UNION ALL")[0]
        assert where.count("UNION ALL") == (3 if user.is_designated_lead else 2)
    assert "WHERE true" in str(visible_families(manager).compile(db.engine)).replace("1 = 1", "true")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(visible_families(manager).subquery())) == \
        db.session.scalar(sa.select(sa.func.count(Family.id)))
