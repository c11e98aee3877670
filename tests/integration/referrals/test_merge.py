"""Merging two families or two people, and undoing it: both records come back as they were."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import services as case_services
from app.cases.models import Family, Person, TeamMember
from app.extensions import db
from app.referrals import merging
from app.referrals.models import MergeRecord, Referral
from tests.conftest import post_form
from tests.integration.referrals.helpers import family, person, referral


def _rows(table, column, value):
    """Every row of a table pointing at a family or person, as plain tuples (to compare before and after)."""
    t = db.metadata.tables[table]
    return sorted(tuple(r) for r in db.session.execute(select(t).where(t.c[column] == value)))


def _state(family_ids):
    state = {}
    for table, column in merging.referencing_columns(Family.__table__):
        for fid in family_ids:
            state[(table.name, column.name, fid)] = _rows(table.name, column.name, fid)
    families = Family.__table__
    state["families"] = sorted(tuple(r) for r in db.session.execute(
        select(families).where(families.c.id.in_(family_ids))))
    return state


def test_merging_two_families_moves_everything_and_unmerging_restores_both(app, factory):
    manager = factory.user(role="programme_manager")
    worker = factory.user(role="practitioner", agency_kind="health")
    kept = family(postcode="DM1 2AB", people=[person("Sarah", "Smith", date(1988, 4, 12))])
    other = family(postcode="DM4 7XY", people=[person("Sara", "Smith", date(1988, 4, 12)),
                                               person("Jack", "Smith", date(2016, 9, 21), "child")])
    case_services.add_team_member(other, role_description="Health visitor", user=worker)
    sent = referral(worker)
    sent.family_id = other.id
    db.session.commit()
    before = _state([kept.id, other.id])

    record = merging.merge("family", kept, other, {"address": "merged"}, actor=manager)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Family, other.id) is None
    merged_family = db.session.get(Family, kept.id)
    assert merged_family.postcode == "DM4 7XY"
    assert sorted(p.given_name for p in merged_family.members) == ["Jack", "Sara", "Sarah"]
    assert db.session.scalar(select(TeamMember.family_id).where(TeamMember.user_id == worker.id)) == kept.id
    assert db.session.get(Referral, sent.id).family_id == kept.id
    moved_tables = {m["table"] for m in record.moved}
    assert {"people", "team_members", "referrals"} <= moved_tables
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "merge_record")
                             .order_by(AuditEvent.seq.desc())) == "FamiliesMerged"

    merging.unmerge(db.session.get(MergeRecord, record.id), actor=manager)
    db.session.commit()
    db.session.expire_all()
    assert _state([kept.id, other.id]) == before
    assert db.session.get(Family, other.id).reference == other.reference
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc())) == "FamilyUnmerged"
    try:
        merging.unmerge(db.session.get(MergeRecord, record.id), actor=manager)
    except merging.MergeNotUndoable as exc:
        assert "already been undone" in str(exc)
    else:
        raise AssertionError("a merge was undone twice")


def test_merging_two_people_moves_their_links_and_unmerging_restores_them(factory):
    manager = factory.user(role="programme_manager")
    fam = family(people=[person("William", "Jones", date(1979, 11, 5), nhs_number=None),
                         person("Bill", "Jones", date(1979, 5, 11), nhs_number="9434765919")])
    william, bill = sorted(fam.members, key=lambda p: p.given_name, reverse=True)
    sent = referral(factory.user(role="practitioner"))
    sent.people[0].person_id = bill.id
    db.session.commit()
    people = Person.__table__
    before = sorted(tuple(r) for r in db.session.execute(select(people).where(people.c.family_id == fam.id)))

    record = merging.merge("person", william, bill, {"nhs_number": "merged", "date_of_birth": "kept"}, actor=manager)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Person, william.id)
    assert kept.nhs_number == "9434765919" and kept.date_of_birth == date(1979, 11, 5)
    assert db.session.get(Person, bill.id) is None
    assert db.session.get(Referral, sent.id).people[0].person_id == william.id

    merging.unmerge(db.session.get(MergeRecord, record.id), actor=manager)
    db.session.commit()
    db.session.expire_all()
    after = sorted(tuple(r) for r in db.session.execute(select(people).where(people.c.family_id == fam.id)))
    assert after == before
    assert db.session.get(Referral, sent.id).people[0].person_id == bill.id


def test_a_link_table_row_held_by_both_is_dropped_and_comes_back(factory):
    """A table added by another package (here a throwaway one) follows the merge without code here."""
    link = sa.Table("test_merge_links", db.metadata,
                    sa.Column("thing", sa.Integer, primary_key=True),
                    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True))
    try:
        link.create(db.session.connection())
        manager = factory.user(role="programme_manager")
        fam = family(people=[person("Kate", "Brown", date(1985, 12, 1)), person("Catherine", "Brown",
                                                                               date(1985, 12, 1))])
        kate, catherine = sorted(fam.members, key=lambda p: p.given_name, reverse=True)
        db.session.execute(link.insert(), [{"thing": 1, "person_id": kate.id}, {"thing": 1, "person_id": catherine.id},
                                           {"thing": 2, "person_id": catherine.id}])
        record = merging.merge("person", kate, catherine, {}, actor=manager)
        assert sorted(db.session.execute(select(link)).all()) == [(1, kate.id), (2, kate.id)]
        merging.unmerge(record, actor=manager)
        assert sorted(db.session.execute(select(link)).all()) == sorted(
            [(1, kate.id), (1, catherine.id), (2, catherine.id)])
    finally:
        db.session.rollback()
        db.metadata.remove(link)


def test_the_merge_pages_compare_merge_and_undo(programme_manager_client):
    kept = family(postcode="DM1 2AB", people=[person("Sarah", "Smith", date(1988, 4, 12))])
    other = family(postcode="DM4 7XY", people=[person("Sara", "Smith", date(1988, 12, 4))])
    sarah = kept.members[0]
    page = programme_manager_client.get(f"/referrals/people/{sarah.id}/duplicates").get_data(as_text=True)
    assert "Sara Smith" in page and "day and month swapped" in page
    url = f"/referrals/merge/family/{kept.id}/{other.id}"
    page = programme_manager_client.get(url).get_data(as_text=True)
    assert "DM1 2AB" in page and "DM4 7XY" in page
    page = post_form(programme_manager_client, url, {"choice_address": "neither"}).get_data(as_text=True)
    assert "Choose which value to keep for each difference" in page
    response = post_form(programme_manager_client, url, {"choice_address": "merged"})
    assert response.status_code == 302
    record_url = response.location
    assert db.session.get(Family, kept.id).postcode == "DM4 7XY"
    assert post_form(programme_manager_client, record_url, {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Family, other.id) is not None and db.session.get(Family, kept.id).postcode == "DM1 2AB"
    assert programme_manager_client.get(f"/referrals/merge/family/{kept.id}/{kept.id}").status_code == 404
    assert programme_manager_client.get(f"/referrals/merge/thing/{kept.id}/{other.id}").status_code == 404


def test_managers_reach_the_duplicates_page_from_the_family_record(programme_manager_client, key_worker_client,
                                                                     factory):
    from app.cases.services import add_person, create_family

    family = create_family(postcode="DM1 1AA", lead_practitioner=key_worker_client.user)
    person = add_person(family, given_name="Ada", family_name="Lovelace", relationship_to_family="parent")
    from app.extensions import db

    db.session.commit()
    link = f"/referrals/people/{person.id}/duplicates"
    assert link in programme_manager_client.get(f"/families/{family.id}/members").get_data(as_text=True)
    assert programme_manager_client.get(link).status_code == 200
    assert link not in key_worker_client.get(f"/families/{family.id}/members").get_data(as_text=True)
