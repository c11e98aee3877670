import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import services
from app.cases.models import Family, FamilyStatus, Gender, Person, Relationship, TeamMember
from app.common.time import today_london
from app.extensions import db


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def _person(family, **fields):
    base = {"given_name": "Amy", "family_name": "Clarke", "relationship_to_family": "child"}
    return services.add_person(family, **{**base, **fields})


# --- families ----------------------------------------------------------------------------------------

def test_create_family_assigns_a_reference_from_the_id_and_audits(factory):
    worker = factory.user()
    family = services.create_family(address_line_1=" 12 Mill Lane ", town="Northfield", postcode="dm1 2ab",
                                    lead_practitioner=worker, actor=worker)
    assert re.fullmatch(r"HF-\d{6}", family.reference)
    assert family.reference == f"HF-{family.id:06d}"
    assert (family.address_line_1, family.address_line_2, family.postcode) == ("12 Mill Lane", None, "DM1 2AB")
    assert family.status == FamilyStatus.REFERRED
    stored = db.session.scalar(select(Family).where(Family.reference == family.reference))
    assert stored is family
    [event] = _events("FamilyCreated")
    assert (event.object_type, event.object_id, event.family_id) == ("family", str(family.id), family.id)
    assert event.actor_user_id == worker.id
    assert event.details == {"status": "referred", "lead_practitioner_id": worker.id}


def test_each_family_gets_its_own_reference(factory):
    first, second = services.create_family(), services.create_family()
    assert first.reference != second.reference
    assert services.family_reference(123) == "HF-000123"


def test_family_with_no_known_address_can_be_created():
    family = services.create_family()
    assert (family.address_line_1, family.town, family.postcode) == (None, None, None)


def test_create_family_refuses_a_postcode_that_cannot_exist_and_adds_nothing():
    with pytest.raises(services.InvalidFamilyDetails) as caught:
        services.create_family(postcode="NOT A CODE")
    assert caught.value.errors == {"postcode": "Enter a real postcode"}
    assert db.session.scalar(select(sa.func.count(Family.id))) == 0
    assert _events("FamilyCreated") == []


def test_create_family_refuses_a_disabled_lead_practitioner(factory):
    with pytest.raises(services.InvalidFamilyDetails) as caught:
        services.create_family(lead_practitioner=factory.user(active=False))
    assert set(caught.value.errors) == {"lead_practitioner_id"}


def test_family_reference_is_unique_in_the_database():
    family = services.create_family()
    other = services.create_family()
    other.reference = family.reference
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_family_cannot_close_before_it_was_attached():
    family = services.create_family(attached_on=date(2025, 5, 1))
    family.closed_on = date(2025, 4, 30)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.flush()


# --- people ------------------------------------------------------------------------------------------

def test_add_person_normalises_identifiers_and_audits():
    family = services.create_family()
    person = _person(family, given_name=" Amy ", date_of_birth=date(2015, 3, 4), gender="female",
                     nhs_number="943 476 5919", upn="b801200005001", school_urn="137456",
                     ni_number=None, pnc_number="", other_names="  ")
    assert person.family is family and person.id is not None
    assert (person.given_name, person.other_names, person.gender) == ("Amy", None, Gender.FEMALE)
    assert (person.nhs_number, person.upn, person.school_urn, person.pnc_number) == (
        "9434765919", "B801200005001", "137456", None)
    assert person.is_child
    [event] = _events("PersonAdded")
    assert (event.object_type, event.object_id, event.family_id, event.person_id) == (
        "person", str(person.id), family.id, person.id)
    assert event.details == {"relationship": "child"}  # ids and codes only: no names in the log


def test_add_person_reports_every_bad_field_at_once_and_adds_nobody():
    family = services.create_family()
    with pytest.raises(services.InvalidPersonDetails) as caught:
        services.add_person(family, given_name="", family_name=" ", relationship_to_family="cousin",
                            nhs_number="9434765918", upn="A801200005001", school_urn="12", ni_number="QQ123456C",
                            pnc_number="2008/0056560A", postcode="XX", gender="unknown")
    assert caught.value.errors == {
        "given_name": "Enter the person's first name",
        "family_name": "Enter the person's last name",
        "nhs_number": "Enter a valid NHS number",
        "upn": "Enter a valid unique pupil number (UPN): the first letter does not match the rest",
        "school_urn": "School URN must be 6 digits",
        "ni_number": "Enter a valid National Insurance number: it cannot start with those 2 letters",
        "pnc_number": "Enter a valid PNC number: the last letter does not match the rest",
        "postcode": "Enter a real postcode",
        "relationship_to_family": "Select the person's relationship to the family",
        "gender": "Select the person's gender",
    }
    assert db.session.scalar(select(sa.func.count(Person.id))) == 0
    assert _events("PersonAdded") == []


def test_add_person_refuses_a_date_of_birth_in_the_future():
    family = services.create_family()
    tomorrow = today_london() + timedelta(days=1)
    with pytest.raises(services.InvalidPersonDetails) as caught:
        _person(family, date_of_birth=tomorrow)
    assert caught.value.errors == {"date_of_birth": "Date of birth must be today or in the past"}
    assert _person(family, date_of_birth=today_london()).age == 0


def test_add_person_refuses_names_longer_than_the_column():
    family = services.create_family()
    with pytest.raises(services.InvalidPersonDetails) as caught:
        _person(family, family_name="X" * 101)
    assert caught.value.errors == {"family_name": "Last name must be 100 characters or fewer"}


def test_add_person_accepts_only_its_own_fields():
    family = services.create_family()
    other = services.create_family()
    with pytest.raises(TypeError):
        _person(family, family_id=other.id)


def test_members_are_listed_oldest_first_with_unknown_dates_of_birth_last():
    family = services.create_family()
    baby = _person(family, given_name="Baby", date_of_birth=date(2024, 1, 1))
    unknown = _person(family, given_name="Unknown", relationship_to_family="other_relative")
    mum = _person(family, given_name="Mum", date_of_birth=date(1990, 6, 1), relationship_to_family="parent")
    db.session.expire(family, ["members"])
    assert [p.given_name for p in family.members] == [mum.given_name, baby.given_name, unknown.given_name]


def test_is_child_from_age_or_from_role_when_the_date_of_birth_is_unknown():
    family = services.create_family()
    year = today_london().year
    grown_up_son = _person(family, date_of_birth=date(year - 18, 1, 1), relationship_to_family="child")
    assert not grown_up_son.is_child  # 18 or over, whatever their role
    assert _person(family, date_of_birth=date(year - 17, 12, 31), relationship_to_family="parent").is_child
    assert _person(family, relationship_to_family=Relationship.STEP_CHILD).is_child
    assert not _person(family, relationship_to_family="parent").is_child


# --- team around the family --------------------------------------------------------------------------

def test_add_team_member_with_a_named_worker_takes_their_agency_and_audits(factory):
    family = services.create_family()
    police = factory.user(role="practitioner", agency_kind="police")
    member = services.add_team_member(family, user=police, role_description="Neighbourhood officer",
                                      joined_on=date(2025, 1, 6))
    assert (member.agency_id, member.user_id, member.left_on) == (police.agency_id, police.id, None)
    db.session.expire(family, ["team"])
    assert family.team == [member]
    [event] = _events("TeamMemberAdded")
    assert event.family_id == family.id
    assert event.details == {"agency_id": police.agency_id, "user_id": police.id}


def test_add_team_member_for_an_agency_without_a_named_worker(factory):
    family = services.create_family()
    agency = factory.agency("domestic_abuse")
    member = services.add_team_member(family, agency=agency, role_description="Outreach")
    assert (member.agency_id, member.user_id, member.joined_on) == (agency.id, None, today_london())


def test_add_team_member_refuses_a_worker_from_another_agency(factory):
    family = services.create_family()
    worker = factory.user(role="practitioner", agency_kind="police")
    with pytest.raises(services.InvalidTeamMember) as caught:
        services.add_team_member(family, user=worker, agency=factory.agency("housing"), role_description="Officer")
    assert caught.value.errors == {"user_id": "Select a worker from the chosen agency"}


def test_add_team_member_needs_an_agency_and_a_role():
    family = services.create_family()
    with pytest.raises(services.InvalidTeamMember) as caught:
        services.add_team_member(family, role_description=" ")
    assert caught.value.errors == {"agency_id": "Select an agency", "role_description": "Enter their role in the team"}


def test_the_same_worker_or_agency_is_not_added_twice(factory):
    family = services.create_family()
    worker = factory.user(role="practitioner", agency_kind="school")
    services.add_team_member(family, user=worker, role_description="Attendance lead")
    with pytest.raises(services.AlreadyOnTeam):
        services.add_team_member(family, user=worker, role_description="Attendance lead")
    services.add_team_member(family, agency=worker.agency, role_description="School")  # the school itself
    with pytest.raises(services.AlreadyOnTeam):
        services.add_team_member(family, agency=worker.agency, role_description="School")
    assert len(_events("TeamMemberAdded")) == 2


def test_team_member_cannot_leave_before_joining(factory):
    family = services.create_family()
    member = services.add_team_member(family, agency=factory.agency("housing"), role_description="Housing officer",
                                      joined_on=date(2025, 3, 1))
    member.left_on = date(2025, 2, 28)
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.flush()
    assert TeamMember.__table__.c.agency_id.nullable is False
