"""A family with needs under the default framework, a key worker, a police officer on the team, a school
practitioner off it, and helpers to record evidence."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.cases import services as case_services
from app.cases.models import FamilyStatus
from app.common.time import today_london
from app.extensions import db
from app.framework import queries as framework_queries
from app.framework.services import seed_default_framework, version_in_force
from app.outcomes import services


def descriptor(code):
    version = version_in_force(today_london())
    if version is None:
        seed_default_framework()
        db.session.commit()
        version = version_in_force(today_london())
    return framework_queries.descriptor_by_code(version, code)


@dataclass
class Outcomes:
    family: object
    key_worker: object
    police: object
    school: object  # a school practitioner, not on the team
    mother: object
    child: object
    attendance: object  # need: school attendance below 90 (percentage, 3 terms), held by early help
    crime: object  # need: a proven offence (held by the police)
    kw_client: object
    police_client: object
    school_client: object


@pytest.fixture
def outcomes(app, factory):
    from tests.conftest import signed_in_client

    key_worker = factory.user("key_worker")
    police = factory.user("practitioner", agency_kind="police")
    school = factory.user("practitioner", agency_kind="school")
    attached = today_london() - timedelta(days=500)
    family = case_services.create_family(address_line_1="1 Mill Lane", town="Northfield", postcode="LS2 7HY",
                                         lead_practitioner=key_worker, status=FamilyStatus.ATTACHED,
                                         attached_on=attached, actor=key_worker)
    mother = case_services.add_person(family, given_name="Natalie", family_name="Smith",
                                      relationship_to_family="parent", date_of_birth=date(1990, 5, 1),
                                      nhs_number="9434765919")
    child = case_services.add_person(family, given_name="Isla", family_name="Smith", relationship_to_family="child",
                                     date_of_birth=date(2015, 3, 2))
    case_services.add_team_member(family, role_description="Neighbourhood officer", user=police, joined_on=attached)
    attendance = case_services.add_need(family, descriptor=descriptor("school_attendance_below_90"),
                                        identified_on=attached, person_ids=[child.id], at_attachment=True,
                                        actor=key_worker)
    crime = case_services.add_need(family, descriptor=descriptor("proven_offence_or_caution"),
                                   identified_on=attached, at_attachment=True, actor=police)
    db.session.commit()
    return Outcomes(family, key_worker, police, school, mother, child, attendance, crime,
                    signed_in_client(app, key_worker), signed_in_client(app, police), signed_in_client(app, school))


def term(index, start=None):
    """The index-th 100-day period, 120 days apart, starting 480 days ago: all in the past."""
    start = start or today_london() - timedelta(days=480)
    begin = start + timedelta(days=120 * index)
    return begin, begin + timedelta(days=100)


def attendance(o, index, value, actor=None, **kwargs):
    begin, end = term(index)
    evidence = services.record_evidence(o.family, need=o.attendance, value=value, period_start=begin,
                                        period_end=end, source="Attendance return", person_ids=[o.child.id],
                                        actor=actor or o.key_worker, **kwargs)
    db.session.commit()
    return evidence
