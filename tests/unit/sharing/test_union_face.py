"""The SQL face with the ties as sets (`FamilyColumns.from_sets`): `family_filter` becomes `id IN (... UNION
ALL ...)` and `record_filter` uses the EXISTS clauses derived from the same sets; both still return exactly
what `decide` allows, over the same generated families, teams, grants and records as test_policy."""
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.sharing.policy import (
    CONTENT_ACTIONS,
    Action,
    FamilyColumns,
    FamilyTies,
    Purpose,
    RecordFacts,
    TieSets,
    decide,
    family_filter,
    record_filter,
)
from tests.unit.sharing.test_policy import (
    RECORD,
    families,
    family_data,
    glass,
    metadata,
    record_data,
    records,
    team,
    viewers,
)

SETS = TieSets(on_team=lambda uid: sa.select(team.c.family_id).where(team.c.user_id == uid),
               agency_on_team=lambda aid: sa.select(team.c.family_id).where(team.c.agency_id == aid),
               break_glass=lambda uid: sa.select(glass.c.family_id).where(glass.c.user_id == uid))
COLUMNS = FamilyColumns.from_sets(families.c.id, families.c.lead, SETS,
                                  in_claim_sample=lambda: families.c.sampled.is_(True))


@settings(max_examples=200, deadline=None)
@given(viewer=viewers, fams=family_data, recs=record_data, purpose=st.sampled_from(list(Purpose)),
       action=st.sampled_from(CONTENT_ACTIONS))
def test_the_union_face_returns_exactly_what_decide_allows(viewer, fams, recs, purpose, action):
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    numbered = list(enumerate(fams, start=1))
    ties = {fid: FamilyTies(fid, lead, frozenset(u for u, _ in members if u is not None),
                            frozenset(a for _, a in members), break_glass_user_ids=frozenset(grants),
                            in_claim_sample=sampled)
            for fid, (lead, members, sampled, grants, _) in numbered}
    rows = {
        families: [{"id": t.family_id, "lead": t.lead_practitioner_id, "sampled": t.in_claim_sample}
                   for t in ties.values()],
        team: [{"family_id": fid, "user_id": u, "agency_id": a} for fid, f in numbered for u, a in f[1]],
        glass: [{"family_id": fid, "user_id": u} for fid, f in numbered for u in f[3]],
        records: [{"id": rid, "family_id": index % len(fams) + 1, "agency_id": agency_id, "whole_family": whole,
                   "sensitive": sensitive} for rid, (index, agency_id, whole, sensitive) in enumerate(recs, start=1)],
    }
    with engine.begin() as conn:
        for table, table_rows in rows.items():
            if table_rows:
                conn.execute(table.insert(), table_rows)
        opened = set(conn.scalars(sa.select(families.c.id).where(family_filter(viewer, COLUMNS, purpose))))
        assert opened == {fid for fid, t in ties.items()
                          if decide(viewer, Action.OPEN_FAMILY, RecordFacts(t, viewer.agency_id, "case_note"), purpose)}
        shown = set(conn.scalars(sa.select(records.c.id).join(families, families.c.id == records.c.family_id).where(
            record_filter(viewer, COLUMNS, holding_agency_id=records.c.agency_id, record=RECORD, purpose=purpose,
                          action=action))))
        assert shown == {row.id for row in conn.execute(sa.select(records))
                         if decide(viewer, action, RecordFacts(ties[row.family_id], row.agency_id, "case_note",
                                                               whole_family_record=row.whole_family,
                                                               extra_sensitive=row.sensitive), purpose)}
