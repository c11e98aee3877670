"""The sharing rule over a table of cases, and its two faces (decide and the SQL filter) agreeing on
generated data. No application database: the SQL face runs against SQLite in memory."""
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sharing.policy import (
    CONTENT_ACTIONS,
    Action,
    FamilyColumns,
    FamilyTies,
    Purpose,
    RecordColumns,
    RecordFacts,
    ReferralFacts,
    Tie,
    Viewer,
    decide,
    family_filter,
    may_open_family,
    may_view_referral,
    record_filter,
    referral_filter,
)

EARLY_HELP, POLICE, SCHOOL = 1, 2, 3
KEY_WORKER = Viewer(10, EARLY_HELP, "key_worker")
POLICE_OFFICER = Viewer(20, POLICE, "practitioner")
POLICE_LEAD = Viewer(21, POLICE, "practitioner", is_designated_lead=True)
TEACHER = Viewer(30, SCHOOL, "practitioner")
MANAGER = Viewer(40, EARLY_HELP, "programme_manager")
FINANCE = Viewer(50, EARLY_HELP, "finance_officer")
ADMIN = Viewer(60, EARLY_HELP, "admin")
FAMILY = FamilyTies(1, lead_practitioner_id=10, team_user_ids=frozenset({20}), team_agency_ids=frozenset({POLICE}))


def _record(agency, whole_family=False, category="crime"):
    return RecordFacts(FAMILY, agency, category, whole_family_record=whole_family)


@pytest.mark.parametrize("viewer, tie", [
    (KEY_WORKER, Tie.LEAD_PRACTITIONER),
    (POLICE_OFFICER, Tie.TEAM_MEMBER),
    (POLICE_LEAD, Tie.DESIGNATED_LEAD),
    (MANAGER, Tie.PROGRAMME_MANAGER),
    (TEACHER, None),  # school not on the team
    (FINANCE, None),
    (ADMIN, None),
    (Viewer(31, SCHOOL, "practitioner", is_designated_lead=True), None),  # a lead, but not of a team agency
])
def test_who_may_open_the_family(viewer, tie):
    decision = may_open_family(viewer, FAMILY)
    assert decision.allowed is (tie is not None)
    assert decision.tie == tie


@pytest.mark.parametrize("viewer, record, allowed, reason", [
    (KEY_WORKER, _record(EARLY_HELP), True, "own_agency"),
    (KEY_WORKER, _record(POLICE), False, "no_agreement"),  # no agreement in these ties
    (POLICE_OFFICER, _record(POLICE), True, "own_agency"),
    (POLICE_OFFICER, _record(EARLY_HELP), False, "no_agreement"),
    (POLICE_OFFICER, _record(EARLY_HELP, whole_family=True), True, "whole_family_record"),
    (POLICE_LEAD, _record(EARLY_HELP, whole_family=True), True, "whole_family_record"),
    (MANAGER, _record(EARLY_HELP), True, "own_agency"),
    (MANAGER, _record(POLICE), False, "no_agreement"),
    (MANAGER, _record(SCHOOL, whole_family=True), False, "no_agreement"),
    (TEACHER, _record(SCHOOL), False, "no_relationship"),  # even its own agency's record: no relationship
    (FINANCE, _record(EARLY_HELP), False, "no_relationship"),
])
def test_who_may_see_a_records_content(viewer, record, allowed, reason):
    decision = decide(viewer, Action.VIEW_CONTENT, record, Purpose.CASE_COORDINATION)
    assert (decision.allowed, decision.reason) == (allowed, reason)


def test_programme_managers_oversee_but_do_not_record_work():
    assert not decide(MANAGER, Action.WORK_ON_FAMILY, _record(EARLY_HELP), Purpose.CASE_COORDINATION)
    assert decide(POLICE_OFFICER, Action.WORK_ON_FAMILY, _record(POLICE), Purpose.CASE_COORDINATION)


@pytest.mark.parametrize("viewer, allowed", [
    (POLICE_OFFICER, True), (POLICE_LEAD, True), (Viewer(22, POLICE, "practitioner"), False),
    (MANAGER, True), (TEACHER, False), (KEY_WORKER, False),
])
def test_who_may_see_a_referral(viewer, allowed):
    assert may_view_referral(viewer, ReferralFacts(referrer_user_id=20, referring_agency_id=POLICE)).allowed is allowed


# --- The two faces agree --------------------------------------------------------------------------------------------

metadata = sa.MetaData()
families = sa.Table("families", metadata, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("lead", sa.Integer, nullable=True), sa.Column("sampled", sa.Boolean))
team = sa.Table("team", metadata, sa.Column("family_id", sa.Integer), sa.Column("user_id", sa.Integer, nullable=True),
                sa.Column("agency_id", sa.Integer))
records = sa.Table("records", metadata, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("family_id", sa.Integer), sa.Column("agency_id", sa.Integer),
                   sa.Column("whole_family", sa.Boolean), sa.Column("sensitive", sa.Boolean))
glass = sa.Table("glass", metadata, sa.Column("family_id", sa.Integer), sa.Column("user_id", sa.Integer))
handovers = sa.Table("handovers", metadata, sa.Column("family_id", sa.Integer), sa.Column("user_id", sa.Integer))
referrals = sa.Table("referrals", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("referrer", sa.Integer), sa.Column("agency_id", sa.Integer))

COLUMNS = FamilyColumns(
    lead_practitioner_id=families.c.lead,
    team_has_user=lambda uid: sa.exists().where(team.c.family_id == families.c.id, team.c.user_id == uid),
    team_has_agency=lambda aid: sa.exists().where(team.c.family_id == families.c.id, team.c.agency_id == aid),
    break_glass_for=lambda uid: sa.exists().where(glass.c.family_id == families.c.id, glass.c.user_id == uid),
    in_claim_sample=lambda: families.c.sampled.is_(True),
    outgoing_lead=lambda uid: sa.exists().where(handovers.c.family_id == families.c.id, handovers.c.user_id == uid),
)
RECORD = RecordColumns(holding_agency_id=records.c.agency_id, category=sa.literal("case_note"),
                       family_id=records.c.family_id, record_people=lambda: sa.select(sa.literal(0)).where(sa.false()),
                       whole_family_record=records.c.whole_family, extra_sensitive=records.c.sensitive)

users = st.integers(1, 6)
agencies = st.integers(1, 3)
roles = st.sampled_from(["key_worker", "practitioner", "programme_manager", "finance_officer", "ig_officer", "admin",
                         "internal_auditor"])
viewers = st.builds(Viewer, users, agencies, roles, st.booleans())
# (lead, [(team user, team agency)], in a drawn claim sample, users with a live grant, users whose handover is open)
family_data = st.lists(st.tuples(st.none() | users, st.lists(st.tuples(st.none() | users, agencies), max_size=4),
                                 st.booleans(), st.sets(users, max_size=2), st.sets(users, max_size=2)),
                       min_size=1, max_size=5)
record_data = st.lists(st.tuples(st.integers(0, 4), agencies, st.booleans(), st.booleans()), max_size=12)


@settings(max_examples=200, deadline=None)
@given(viewer=viewers, fams=family_data, recs=record_data, refs=st.lists(st.tuples(users, agencies), max_size=6),
       purpose=st.sampled_from(list(Purpose)), action=st.sampled_from(CONTENT_ACTIONS))
def test_the_sql_filter_returns_exactly_what_decide_allows(viewer, fams, recs, refs, purpose, action):
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    ties = {}
    with engine.begin() as conn:
        for fid, (lead, members, sampled, grants, outgoing) in enumerate(fams, start=1):
            conn.execute(families.insert().values(id=fid, lead=lead, sampled=sampled))
            for user_id, agency_id in members:
                conn.execute(team.insert().values(family_id=fid, user_id=user_id, agency_id=agency_id))
            for user_id in grants:
                conn.execute(glass.insert().values(family_id=fid, user_id=user_id))
            for user_id in outgoing:
                conn.execute(handovers.insert().values(family_id=fid, user_id=user_id))
            ties[fid] = FamilyTies(fid, lead, frozenset(u for u, _ in members if u is not None),
                                   frozenset(a for _, a in members), break_glass_user_ids=frozenset(grants),
                                   in_claim_sample=sampled, outgoing_lead_ids=frozenset(outgoing))
        for rid, (family_index, agency_id, whole, sensitive) in enumerate(recs, start=1):
            fid = family_index % len(fams) + 1
            conn.execute(records.insert().values(id=rid, family_id=fid, agency_id=agency_id, whole_family=whole,
                                                 sensitive=sensitive))
        for rid, (referrer, agency_id) in enumerate(refs, start=1):
            conn.execute(referrals.insert().values(id=rid, referrer=referrer, agency_id=agency_id))

        for family_action in (Action.OPEN_FAMILY, Action.WRITE_HANDOVER):
            open_sql = set(conn.scalars(sa.select(families.c.id).where(
                family_filter(viewer, COLUMNS, purpose, family_action))))
            open_py = {fid for fid, t in ties.items()
                       if decide(viewer, family_action, RecordFacts(t, viewer.agency_id, "case_note"), purpose)}
            assert open_sql == open_py, family_action

        content_sql = set(conn.scalars(
            sa.select(records.c.id).join(families, families.c.id == records.c.family_id).where(
                record_filter(viewer, COLUMNS, holding_agency_id=records.c.agency_id, record=RECORD, purpose=purpose,
                              action=action))))
        content_py = set()
        for row in conn.execute(sa.select(records)):
            facts = RecordFacts(ties[row.family_id], row.agency_id, "case_note", whole_family_record=row.whole_family,
                                extra_sensitive=row.sensitive)
            if decide(viewer, action, facts, purpose):
                content_py.add(row.id)
        assert content_sql == content_py

        refs_sql = set(conn.scalars(sa.select(referrals.c.id).where(
            referral_filter(viewer, referrer_user_id=referrals.c.referrer, referring_agency_id=referrals.c.agency_id))))
        refs_py = {row.id for row in conn.execute(sa.select(referrals))
                   if may_view_referral(viewer, ReferralFacts(row.referrer, row.agency_id))}
        assert refs_sql == refs_py


@pytest.mark.parametrize("action, sampled, purpose, expected", [
    (Action.VIEW_CONTENT, True, Purpose.CLAIM_ASSURANCE, {1, 2, 3}),  # own agency's extra-sensitive record on screen
    (Action.PUT_IN_DOCUMENT, True, Purpose.CLAIM_ASSURANCE, {1, 2}),  # ... never in the evidence pack
    (Action.VIEW_CONTENT, True, Purpose.CASE_COORDINATION, set()),
    (Action.VIEW_CONTENT, False, Purpose.CLAIM_ASSURANCE, set()),
])
def test_the_sql_face_for_an_internal_auditor(action, sampled, purpose, expected):
    auditor = Viewer(70, EARLY_HELP, "internal_auditor")
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(families.insert().values(id=1, lead=10, sampled=sampled))
        conn.execute(records.insert(), [
            {"id": 1, "family_id": 1, "agency_id": EARLY_HELP, "whole_family": False, "sensitive": False},
            {"id": 2, "family_id": 1, "agency_id": POLICE, "whole_family": False, "sensitive": False},
            {"id": 3, "family_id": 1, "agency_id": EARLY_HELP, "whole_family": False, "sensitive": True},
            {"id": 4, "family_id": 1, "agency_id": POLICE, "whole_family": False, "sensitive": True}])
        found = set(conn.scalars(sa.select(records.c.id).join(families, families.c.id == records.c.family_id).where(
            record_filter(auditor, COLUMNS, holding_agency_id=records.c.agency_id, record=RECORD, purpose=purpose,
                          action=action))))
        ties = FamilyTies(1, 10, in_claim_sample=sampled)
        by_decide = {rid for rid, agency, sensitive in ((1, EARLY_HELP, False), (2, POLICE, False),
                                                        (3, EARLY_HELP, True), (4, POLICE, True))
                     if decide(auditor, action, RecordFacts(ties, agency, "case_note", extra_sensitive=sensitive),
                               purpose)}
    assert found == by_decide == expected
