"""Safe addresses in the family record: the rule (app.sharing.safe_address) applied to the addresses
`cases` holds. Pages, documents and exports ask an `AddressShield` for the text to show; searches and
matching use `postcode_match_clause` / `matching_postcode`, so a hidden postcode never finds a family for
someone who may not see it. Recording and clearing the flag is audited here too.
"""
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from app import audit
from app.cases.models import Family, FamilyAddress, Person
from app.common.time import today_london
from app.extensions import db
from app.sharing import safe_address as rule
from app.sharing.safe_address import WITHHELD, AddressViewer, Household, Resident

NOT_KNOWN = ""


def agency_kinds() -> tuple:
    return tuple(current_app.config["SAFE_ADDRESS_AGENCY_KINDS"])


def _lines(obj) -> str:
    return ", ".join(part for part in (obj.address_line_1, obj.address_line_2, obj.town, obj.postcode) if part)


def households(family_ids: Iterable[int], on: date | None = None) -> dict[int, Household]:
    """Each family's household as the rule needs it, in two queries whatever the number of families."""
    ids = sorted(set(family_ids))
    if not ids:
        return {}
    on = on or today_london()
    leads = dict(db.session.execute(sa.select(Family.id, Family.lead_practitioner_id).where(Family.id.in_(ids))).all())
    residents: dict[int, list] = {family_id: [] for family_id in ids}
    for row in db.session.execute(
            sa.select(Person.family_id, Person.id, Person.at_risk_since, Person.lives_apart, Person.left_household_on)
            .where(Person.family_id.in_(ids)).order_by(Person.id)):
        residents[row.family_id].append(Resident(row.id, row.at_risk_since is not None, bool(row.lives_apart),
                                                 row.left_household_on))
    return {family_id: Household(family_id, leads.get(family_id), tuple(residents[family_id]), on)
            for family_id in ids}


class AddressShield:
    """What one viewer may see of the addresses of some families. `user` None is nobody: a document
    or export made for another body, which never carries a safe address."""

    def __init__(self, user, family_ids: Iterable[int], on: date | None = None):
        self.viewer = AddressViewer.of(user)
        self.kinds = agency_kinds()
        self.households = households(family_ids, on)

    def _household(self, family_id) -> Household:
        household = self.households.get(family_id)
        if household is None:  # a family not loaded: refuse to guess, withhold
            raise KeyError(f"family {family_id} was not loaded into the address shield")
        return household

    def hides_family_address(self, family_id) -> bool:
        return rule.withhold_family_address(self.viewer, self._household(family_id), self.kinds)

    def hides_person_address(self, person) -> bool:
        return rule.withhold_person_address(self.viewer, self._household(person.family_id), self.kinds, person.id)

    def may_see(self, family_id) -> bool:
        return rule.may_see_safe_addresses(self.viewer, self._household(family_id), self.kinds)

    def family_address(self, family) -> str:
        return WITHHELD if self.hides_family_address(family.id) else _lines(family)

    def family_postcode(self, family) -> str:
        return WITHHELD if self.hides_family_address(family.id) else (family.postcode or NOT_KNOWN)

    def history_address(self, row: FamilyAddress) -> str:
        hidden = rule.withhold_family_address(self.viewer, self._household(row.family_id), self.kinds,
                                              moved_in_on=row.moved_in_on, moved_out_on=row.moved_out_on,
                                              current=False)
        return WITHHELD if hidden else _lines(row)

    def person_postcode(self, person, family_postcode: str | None = None) -> str:
        """The postcode a person is found at: their own when they live apart, else the family's."""
        family_postcode = family_postcode if family_postcode is not None else person.family.postcode
        shown = rule.postcode_for_matching(self.viewer, self._household(person.family_id), self.kinds, person.id,
                                           person.postcode, family_postcode)
        real = person.postcode if person.lives_apart and person.postcode else family_postcode
        return WITHHELD if shown is None and real else (shown or NOT_KNOWN)


def shield_for(user, *families) -> AddressShield:
    return AddressShield(user, [f.id if hasattr(f, "id") else f for f in families])


# --- Searching and matching --------------------------------------------------------------------------------

def sees_every_safe_address(user) -> bool:
    """IG officers and the named designated leads see safe addresses in every family they may open."""
    viewer = AddressViewer.of(user)
    return rule.may_see_safe_addresses(viewer, Household(0, None), agency_kinds())


def _lives_with_family_at_risk(family_id_column, on: date):
    member = aliased(Person)
    return sa.exists().where(
        member.family_id == family_id_column, member.at_risk_since.is_not(None), member.lives_apart.is_(False),
        sa.or_(member.left_household_on.is_(None), member.left_household_on > on)).correlate_except(member)


def family_postcode_visible(user, on: date | None = None) -> sa.ColumnElement:
    """True where `Family`'s current postcode is not a safe address hidden from `user` (SQL twin of
    AddressShield.hides_family_address)."""
    if user is not None and sees_every_safe_address(user):
        return sa.true()
    on = on or today_london()
    clauses = [sa.not_(_lives_with_family_at_risk(Family.id, on))]
    if user is not None:
        clauses.append(Family.lead_practitioner_id == user.id)
    return sa.or_(*clauses)


def person_postcode_visible(user, person=Person) -> sa.ColumnElement:
    """True where `person`'s own postcode is not a safe address hidden from `user`."""
    if user is not None and sees_every_safe_address(user):
        return sa.true()
    clauses = [person.at_risk_since.is_(None)]
    if user is not None:
        led = aliased(Family)  # the person's family, whatever else the outer query joins
        clauses.append(sa.exists().where(led.id == person.family_id, led.lead_practitioner_id == user.id)
                       .correlate_except(led))
    return sa.or_(*clauses)


def postcode_match_clause(user, postcode: str) -> sa.ColumnElement:
    """A family matches a postcode through its own address or a member's, only where `user` may see it."""
    member = aliased(Person)
    # The families with the postcode at all, as two index lookups: PostgreSQL cannot use an index for the OR
    # below, and would read every family in the council to answer it.
    candidates = sa.union(sa.select(Family.id).where(Family.postcode == postcode),
                          sa.select(Person.family_id).where(Person.postcode == postcode)).subquery()
    return sa.and_(Family.id.in_(sa.select(candidates.c[0])), sa.or_(
        sa.and_(Family.postcode == postcode, family_postcode_visible(user)),
        sa.exists().where(member.family_id == Family.id, member.postcode == postcode,
                          person_postcode_visible(user, member)).correlate_except(member)))


# --- Recording the flag --------------------------------------------------------------------------------------

class SafeAddressError(ValueError):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


def may_record(user, family) -> bool:
    """The family's lead practitioner or an IG officer records and clears the flag."""
    role = getattr(user.role, "value", user.role)
    is_lead = family.lead_practitioner_id is not None and family.lead_practitioner_id == user.id
    return role == rule.IG_OFFICER or is_lead


def record_at_risk(person: Person, *, since: date | None, actor) -> Person:
    if not may_record(actor, person.family):
        raise SafeAddressError("Only the lead practitioner or an information governance officer can record this")
    if since is None:
        raise SafeAddressError("Enter the date from which they are at risk", "since")
    if since > today_london():
        raise SafeAddressError("The date must be today or in the past", "since")
    person.at_risk_since, person.at_risk_recorded_by_id = since, actor.id
    db.session.flush()
    audit.record("SafeAddressFlagRecorded", actor=actor, object_type="person", object_id=person.id,
                 person_id=person.id, family_id=person.family_id, purpose="case_coordination")
    return person


def clear_at_risk(person: Person, *, actor) -> Person:
    if not may_record(actor, person.family):
        raise SafeAddressError("Only the lead practitioner or an information governance officer can record this")
    if person.at_risk_since is None:
        return person
    person.at_risk_since, person.at_risk_recorded_by_id = None, actor.id
    db.session.flush()
    audit.record("SafeAddressFlagCleared", actor=actor, object_type="person", object_id=person.id,
                 person_id=person.id, family_id=person.family_id, purpose="case_coordination")
    return person
