"""A family with a team across agencies (early help lead, police and health practitioners) for the
teamwork tests, plus small helpers to post messages, meetings and documents."""
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.cases import services as case_services
from app.cases.models import FamilyStatus
from app.common.time import today_london
from app.extensions import db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@dataclass
class Team:
    family: object
    key_worker: object  # early help, the lead practitioner
    police: object  # on the team
    health: object  # on the team
    manager: object  # programme manager (oversight)
    mother: object
    child: object


@pytest.fixture
def team(app, factory):
    key_worker = factory.user("key_worker")
    police = factory.user("practitioner", agency_kind="police")
    health = factory.user("practitioner", agency_kind="health")
    manager = factory.user("programme_manager", agency=key_worker.agency)
    attached = today_london() - timedelta(days=60)
    family = case_services.create_family(address_line_1="1 Mill Lane", town="Northfield", postcode="LS2 7HY",
                                         lead_practitioner=key_worker, status=FamilyStatus.ATTACHED,
                                         attached_on=attached, actor=key_worker)
    family.created_at_utc = family.created_at_utc - timedelta(days=90)
    mother = case_services.add_person(family, given_name="Natalie", family_name="Smith",
                                      relationship_to_family="parent", date_of_birth=date(1990, 5, 1))
    child = case_services.add_person(family, given_name="Isla", family_name="Smith", relationship_to_family="child",
                                     date_of_birth=date(2015, 3, 2))
    case_services.add_team_member(family, role_description="Neighbourhood officer", user=police, joined_on=attached)
    case_services.add_team_member(family, role_description="Health visitor", user=health, joined_on=attached)
    db.session.commit()
    return Team(family, key_worker, police, health, manager, mother, child)


def client_for(app, user):
    from tests.conftest import signed_in_client

    return signed_in_client(app, user)


def upload(data=PDF_BYTES, name="report.pdf", content_type="application/pdf"):
    return (io.BytesIO(data), name, content_type)
