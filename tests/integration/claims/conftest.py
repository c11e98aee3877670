"""Claims fixtures: closed families in the database, and a stand-in facts builder that judges each one as a
plain eligible Supporting Families family closed on its real closure date. The previous claims and
overrides come from the real claims provider, so idempotence, the constraint and overrides are real."""
from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.cases import services as case_services
from app.cases.models import Family, FamilyStatus
from app.claims import services
from app.extensions import db
from tests.unit.outcomes.builders import sf_family


def make_family(lead, closed_on: date | None, attached_on: date | None = None) -> Family:
    attached_on = attached_on or (closed_on - timedelta(days=300) if closed_on else date(2024, 1, 10))
    family = case_services.create_family(town="Northfield", status=FamilyStatus.ATTACHED, lead_practitioner=lead,
                                         attached_on=attached_on, actor=lead)
    if closed_on is not None:
        family.status, family.closed_on = FamilyStatus.CLOSED, closed_on
    db.session.commit()
    return family


def stand_in_facts(family_ids, *, as_of=None):
    out = {}
    extra = services.claims_facts_provider(list(family_ids))
    for family in db.session.query(Family).filter(Family.id.in_(list(family_ids))).order_by(Family.id):
        if family.attached_on is None:
            continue
        facts = sf_family(attached=family.attached_on, closed_on=family.closed_on or date(2099, 1, 1),
                          family_ref=f"family:{family.id}")
        out[family.id] = replace(facts, **extra.get(family.id, {}))
    return out


@pytest.fixture
def eligible_everywhere(monkeypatch):
    monkeypatch.setattr(services, "build_facts_many", stand_in_facts)


@pytest.fixture
def lead(factory):
    return factory.user("key_worker")
