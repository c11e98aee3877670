"""Matching with the database: blocking in SQL finds the candidates, ranking puts the right one first."""
from datetime import date

from sqlalchemy import select

from app.cases import matching, services
from app.cases.models import Person
from app.extensions import db
from tests.unit.cases.matching_cases import PEOPLE, PROBES


def test_every_near_duplicate_is_found_through_the_indexed_keys_and_ranked_first():
    ids = {}
    for key, given, family_name, dob, postcode, nhs, gender, other in PEOPLE:
        family = services.create_family(address_line_1="1 Test Street", postcode=postcode)
        person = services.add_person(family, given_name=given, family_name=family_name, date_of_birth=dob,
                                     nhs_number=nhs, gender=gender, other_names=other, relationship_to_family="parent")
        ids[key] = person.id
    db.session.flush()
    misses = []
    for expected, probe in PROBES:
        found = matching.find_people(probe)
        if not found or found[0].candidate.person_id != ids[expected] or (
                len(found) > 1 and found[1].score >= found[0].score):
            misses.append((expected, [(m.candidate.full_name, m.score) for m in found[:3]]))
    assert misses == []


def test_families_are_ranked_by_their_members():
    family = services.create_family(address_line_1="1 Mill Lane", postcode="DM1 2AB")
    for given, dob in (("Sarah", "1988-04-12"), ("Olivia", "2014-06-03")):
        services.add_person(family, given_name=given, family_name="Smith", relationship_to_family="parent",
                            date_of_birth=date.fromisoformat(dob))
    stranger = services.create_family(address_line_1="9 Elm Grove", postcode="DM9 9ZZ")
    services.add_person(stranger, given_name="Sarah", family_name="Smith", relationship_to_family="parent",
                        date_of_birth=date(1990, 1, 1))
    probes = [matching.PersonProbe("Sara", "Smith", date(1988, 4, 12), "DM1 2AB"),
              matching.PersonProbe("Olivia", "Smith", date(2014, 6, 3), "DM1 2AB")]
    ranked = matching.find_families(probes, postcode="DM1 2AB")
    assert ranked[0].family_id == family.id and len(ranked[0].people) == 2
    assert all(f.score < ranked[0].score for f in ranked[1:])
    assert db.session.scalar(select(Person.given_name_sound).where(Person.family_id == family.id).limit(1))
