"""A family with a team across agencies, for the case-work tests."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.cases import services
from app.cases.models import FamilyStatus
from app.common.time import today_london
from app.extensions import db
from tests.querycount import StatementCounter


@dataclass
class Casework:
    family: object
    key_worker: object
    police: object  # a police practitioner on the team
    mother: object
    child: object
    kw_client: object
    police_client: object


@pytest.fixture
def casework(app, factory):
    from tests.conftest import signed_in_client

    key_worker = factory.user("key_worker")
    police = factory.user("practitioner", agency_kind="police")
    services.seed_intervention_types()
    attached = today_london() - timedelta(days=60)
    family = services.create_family(address_line_1="1 Mill Lane", town="Northfield", postcode="LS2 7HY",
                                    lead_practitioner=key_worker, status=FamilyStatus.ATTACHED, attached_on=attached,
                                    actor=key_worker)
    mother = services.add_person(family, given_name="Natalie", family_name="Smith", relationship_to_family="parent",
                                 date_of_birth=date(1990, 5, 1), nhs_number="9434765919")
    child = services.add_person(family, given_name="Isla", family_name="Smith", relationship_to_family="child",
                                date_of_birth=date(2015, 3, 2))
    services.add_team_member(family, role_description="Neighbourhood officer", user=police, joined_on=attached)
    db.session.commit()
    return Casework(family, key_worker, police, mother, child, signed_in_client(app, key_worker),
                    signed_in_client(app, police))


def intervention_type_id(code="home_visit"):
    from sqlalchemy import select

    from app.cases.models import InterventionType

    return db.session.scalar(select(InterventionType.id).where(InterventionType.code == code))


@pytest.fixture
def count_queries(app):
    """Counts the SQL statements run while the `with` block is open (tests/querycount.py)."""
    return StatementCounter
