"""Safe addresses (security.md, extra-sensitive fields): the rule, as plain data and pure functions.

A person at risk of domestic abuse can be flagged by the family's lead practitioner or an IG officer.
From then on their address is a safe address: their own address, and the family's address while they
live there with the family (the current family address, and every entry of the address history from a
time they lived with the family). A safe address is shown only to
- the family's lead practitioner,
- IG officers,
- designated leads of the agency kinds the council names (SAFE_ADDRESS_AGENCY_KINDS, by default the
  domestic abuse service).
Everyone else, and every document made without a named viewer (a statutory return, a letter, an export
for another agency), sees `WITHHELD` in its place, and searches and matching never use it for them.

Callers describe the household (`Household` of `Resident`s) and the viewer (`AddressViewer`); the
package that owns the addresses (app.cases.safe_addresses) loads them and applies the answers to
pages, documents and queries. Nothing here touches a database or a request.
"""
from dataclasses import dataclass, field
from datetime import date

WITHHELD = "Address withheld: safe address"
IG_OFFICER = "ig_officer"


@dataclass(frozen=True)
class AddressViewer:
    """Who is looking. `user_id` None: no person (a scheduled return, a letter, a file for another body)."""

    user_id: int | None
    role: str | None = None
    agency_kind: str | None = None
    is_designated_lead: bool = False

    @classmethod
    def of(cls, user):
        if user is None or not getattr(user, "is_authenticated", True):
            return NOBODY
        agency = getattr(user, "agency", None)
        return cls(user.id, getattr(user.role, "value", user.role),
                   getattr(getattr(agency, "kind", None), "value", getattr(agency, "kind", None)),
                   bool(user.is_designated_lead))


NOBODY = AddressViewer(None)


@dataclass(frozen=True)
class Resident:
    """A member of the household as the rule needs them."""

    person_id: int
    at_risk: bool = False
    lives_apart: bool = False
    left_on: date | None = None  # left the household on this day (None: still in it)

    def lives_with_family_on(self, on: date) -> bool:
        return not self.lives_apart and (self.left_on is None or self.left_on > on)


@dataclass(frozen=True)
class Household:
    family_id: int
    lead_practitioner_id: int | None
    residents: tuple = ()  # Resident
    on: date = field(default_factory=date.today)

    @property
    def at_risk(self) -> tuple:
        return tuple(r for r in self.residents if r.at_risk)


def may_see_safe_addresses(viewer: AddressViewer, household: Household, agency_kinds) -> bool:
    """The lead practitioner, IG officers, and designated leads of the named agency kinds."""
    if viewer.user_id is None:
        return False
    if viewer.role == IG_OFFICER:
        return True
    if household.lead_practitioner_id is not None and viewer.user_id == household.lead_practitioner_id:
        return True
    return viewer.is_designated_lead and viewer.agency_kind is not None and viewer.agency_kind in set(agency_kinds)


def family_address_is_safe(household: Household, moved_in_on: date | None = None,
                           moved_out_on: date | None = None, *, current: bool = True) -> bool:
    """Is this family address a safe address? The current address is, while an at-risk member lives
    with the family; a past address (moved_in_on to moved_out_on) is, if an at-risk member who does not
    live apart was in the household at any time then (when they joined is not recorded, so from the start)."""
    for resident in household.at_risk:
        if resident.lives_apart:
            continue  # their own address is the safe one; the family's is not theirs
        if current or moved_out_on is None:
            if resident.lives_with_family_on(household.on):
                return True
        elif resident.left_on is None or moved_in_on is None or resident.left_on > moved_in_on:
            return True
    return False


def person_address_is_safe(household: Household, person_id: int) -> bool:
    """A flagged person's own address is always a safe address."""
    return any(r.person_id == person_id for r in household.at_risk)


def withhold_family_address(viewer: AddressViewer, household: Household, agency_kinds, *,
                            moved_in_on: date | None = None, moved_out_on: date | None = None,
                            current: bool = True) -> bool:
    return (family_address_is_safe(household, moved_in_on, moved_out_on, current=current)
            and not may_see_safe_addresses(viewer, household, agency_kinds))


def withhold_person_address(viewer: AddressViewer, household: Household, agency_kinds, person_id: int) -> bool:
    return person_address_is_safe(household, person_id) and not may_see_safe_addresses(viewer, household,
                                                                                       agency_kinds)


def postcode_for_matching(viewer: AddressViewer, household: Household, agency_kinds, person_id: int,
                          own_postcode: str | None, family_postcode: str | None) -> str | None:
    """The postcode a search or a match may compare for one person (their own when they live apart,
    else the family's), or None when it is a safe address the viewer may not see."""
    resident = next((r for r in household.residents if r.person_id == person_id), Resident(person_id))
    if resident.lives_apart and own_postcode:
        hidden = withhold_person_address(viewer, household, agency_kinds, person_id)
        return None if hidden else own_postcode
    return None if withhold_family_address(viewer, household, agency_kinds) else family_postcode
