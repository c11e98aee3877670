"""The SQL face of the safe-address rule agrees with the rule: over generated households (who is flagged,
who lives apart or has left) and every kind of viewer, the clauses that search and matching use in SQL
say "visible" exactly where `AddressShield` (the pure rule) shows the address."""
import itertools
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cases.models import Family, FamilyStatus, Person, Relationship
from app.cases.safe_addresses import AddressShield, family_postcode_visible, person_postcode_visible
from app.common.time import today_london
from app.extensions import db

_serial = itertools.count(1)
members = st.lists(st.tuples(st.booleans(), st.booleans(), st.sampled_from([None, -30, 30])), min_size=1, max_size=4)


def _household(lead, composition):
    n = next(_serial)
    family = Family(address_line_1=f"{n} Test Row", postcode=f"F{n} 1AA", status=FamilyStatus.ACTIVE,
                    lead_practitioner_id=lead.id)
    db.session.add(family)
    db.session.flush()
    today = today_london()
    for i, (at_risk, apart, left) in enumerate(composition):
        db.session.add(Person(
            family_id=family.id, given_name=f"P{i}", family_name=f"Test{n}", relationship_to_family=Relationship.PARENT,
            at_risk_since=today - timedelta(days=5) if at_risk else None, lives_apart=apart,
            postcode=f"P{n}{i} 1AA" if apart else None,
            left_household_on=today + timedelta(days=left) if left is not None else None))
    db.session.flush()
    return family


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(composition=members)
def test_the_sql_clauses_agree_with_the_rule(app, factory, composition):
    da = factory.agency("domestic_abuse")
    viewers = [None, factory.user("key_worker"), factory.user("practitioner", agency=da, is_designated_lead=True),
               factory.user("practitioner", agency=da), factory.user("programme_manager"),
               factory.user("ig_officer"), factory.user("practitioner", agency_kind="police", is_designated_lead=True)]
    lead = viewers[1]
    family = _household(lead, composition)
    people = db.session.scalars(sa.select(Person).where(Person.family_id == family.id).order_by(Person.id)).all()
    for viewer in [*viewers, lead]:
        shield = AddressShield(viewer, [family.id])
        family_shown = db.session.scalar(sa.select(family_postcode_visible(viewer)).select_from(Family)
                                         .where(Family.id == family.id))
        assert bool(family_shown) is not shield.hides_family_address(family.id), (viewer, composition)
        for person in people:
            own_shown = db.session.scalar(sa.select(person_postcode_visible(viewer)).select_from(Person)
                                          .where(Person.id == person.id))
            assert bool(own_shown) is not shield.hides_person_address(person), (viewer, composition)
