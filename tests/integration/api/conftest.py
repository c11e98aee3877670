"""An API client of a police agency on the team around a family, and helpers to call the API."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.api import services as api_services
from app.cases import services as case_services
from app.cases.models import FamilyStatus
from app.common.time import today_london
from app.extensions import db
from tests.integration.referrals.helpers import framework


@dataclass
class Partner:
    agency: object
    client: object
    token: str

    @property
    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}


def make_partner(factory, kind="police", **kwargs):
    agency = factory.agency(kind)
    client, token = api_services.create_client(agency=agency, name=f"{agency.name} system", **kwargs)
    db.session.commit()
    return Partner(agency, client, token)


@pytest.fixture
def partner(app, factory):
    return make_partner(factory)


@dataclass
class Casework:
    family: object
    key_worker: object
    mother: object
    child: object


@pytest.fixture
def casework(app, factory, partner):
    """A family led by a council key worker, with the partner's agency on the team."""
    framework()
    key_worker = factory.user("key_worker")
    case_services.seed_intervention_types()
    attached = today_london() - timedelta(days=60)
    family = case_services.create_family(address_line_1="1 Mill Lane", town="Northfield", postcode="LS2 7HY",
                                         lead_practitioner=key_worker, status=FamilyStatus.ATTACHED,
                                         attached_on=attached, actor=key_worker)
    mother = case_services.add_person(family, given_name="Natalie", family_name="Smith",
                                      relationship_to_family="parent", date_of_birth=date(1990, 5, 1),
                                      nhs_number="9434765919")
    child = case_services.add_person(family, given_name="Isla", family_name="Smith", relationship_to_family="child",
                                     date_of_birth=date(2015, 3, 2), upn="A123456789012")
    case_services.add_team_member(family, role_description="Neighbourhood officer", agency=partner.agency,
                                  joined_on=attached)
    db.session.commit()
    return Casework(family, key_worker, mother, child)


def referral_body(**overrides):
    from tests.integration.referrals.helpers import reason_codes

    version = framework()
    from app.framework import queries as framework_queries

    codes = reason_codes(1)
    headline = next(h.code for h in framework_queries.headlines_with_descriptors(version)
                    for d in h.descriptors if d.code == codes[0])
    body = {
        "people": [{"given_name": "Sarah", "family_name": "Smith", "date_of_birth": "1988-04-12",
                    "relationship_to_family": "parent", "nhs_number": "943 476 5919"},
                   {"given_name": "Olivia", "family_name": "Smith", "date_of_birth": "2014-06-03",
                    "relationship_to_family": "child"}],
        "address": {"address_line_1": "1 Mill Lane", "town": "Northfield", "postcode": "DM1 2AB"},
        "reasons": [{"headline": headline, "descriptor": codes[0]}],
        "summary": "Attendance is falling and rent is in arrears.",
        "consent_position": "agreed",
        "external_reference": "POL-2026-0042",
    }
    body.update(overrides)
    return body
