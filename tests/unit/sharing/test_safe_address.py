"""The safe address rule, proved over generated households: any mix of members (flagged or not, living
apart or not, left or not), any lead practitioner, any viewer (role, agency kind, designated lead or not,
nobody at all) and any choice of agency kinds the council names. Each member has their own postcode and
the family has its own, so "which postcode can this viewer reach" is a plain question."""
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.sharing.safe_address import (
    NOBODY,
    AddressViewer,
    Household,
    Resident,
    family_address_is_safe,
    may_see_safe_addresses,
    postcode_for_matching,
    withhold_family_address,
    withhold_person_address,
)

TODAY = date(2026, 11, 28)
ROLES = ("key_worker", "practitioner", "programme_manager", "ig_officer", "finance_officer", "internal_auditor",
         "admin")
KINDS = ("early_help", "police", "health", "school", "housing", "domestic_abuse", "voluntary")
FAMILY_POSTCODE = "FAM 1LY"

left_on = st.one_of(st.none(), st.integers(-400, 400).map(lambda d: TODAY + timedelta(days=d)))


@st.composite
def households(draw):
    count = draw(st.integers(1, 6))
    residents = tuple(Resident(pid, draw(st.booleans()), draw(st.booleans()), draw(left_on))
                      for pid in range(1, count + 1))
    lead = draw(st.one_of(st.none(), st.integers(1, 8)))
    return Household(7, lead, residents, TODAY)


viewers = st.one_of(st.just(NOBODY), st.builds(AddressViewer, st.integers(1, 8), st.sampled_from(ROLES),
                                               st.sampled_from(KINDS), st.booleans()))
named_kinds = st.frozensets(st.sampled_from(KINDS), max_size=3)


def own_postcode(pid):
    return f"P{pid} 1AA"


def reachable_postcodes(viewer, household, kinds):
    """Every postcode that pages, searches or matches may show this viewer, through any member."""
    found = {postcode_for_matching(viewer, household, kinds, r.person_id, own_postcode(r.person_id),
                                   FAMILY_POSTCODE) for r in household.residents}
    found.update(own_postcode(r.person_id) for r in household.residents
                 if not withhold_person_address(viewer, household, kinds, r.person_id))
    if not withhold_family_address(viewer, household, kinds):
        found.add(FAMILY_POSTCODE)
    return found - {None}


def where_they_live(resident, household):
    """The postcode of the home of an at-risk member today, or None if they have left and live nowhere known."""
    if resident.lives_apart:
        return own_postcode(resident.person_id)
    return FAMILY_POSTCODE if resident.lives_with_family_on(household.on) else None


@settings(max_examples=200, deadline=None)
@given(viewer=viewers, household=households(), kinds=named_kinds)
def test_only_the_named_viewers_may_see(viewer, household, kinds):
    expected = viewer.user_id is not None and (
        viewer.role == "ig_officer" or viewer.user_id == household.lead_practitioner_id
        or (viewer.is_designated_lead and viewer.agency_kind in kinds))
    assert may_see_safe_addresses(viewer, household, kinds) is expected


@settings(max_examples=300, deadline=None)
@given(viewer=viewers, household=households(), kinds=named_kinds)
def test_no_other_viewer_can_reach_where_an_at_risk_person_lives(viewer, household, kinds):
    if may_see_safe_addresses(viewer, household, kinds):
        return
    reachable = reachable_postcodes(viewer, household, kinds)
    for resident in household.at_risk:
        home = where_they_live(resident, household)
        assert home is None or home not in reachable, (resident, reachable)
        # Their own address is never shown, wherever they live.
        assert own_postcode(resident.person_id) not in reachable


@settings(max_examples=200, deadline=None)
@given(viewer=viewers, household=households(), kinds=named_kinds)
def test_nothing_is_hidden_that_need_not_be(viewer, household, kinds):
    reachable = reachable_postcodes(viewer, household, kinds)
    permitted = may_see_safe_addresses(viewer, household, kinds)
    flagged = {r.person_id for r in household.at_risk}
    for resident in household.residents:
        if permitted or resident.person_id not in flagged:
            assert own_postcode(resident.person_id) in reachable
    family_is_a_refuge = any(r.lives_with_family_on(TODAY) for r in household.at_risk)
    assert (FAMILY_POSTCODE in reachable) is (permitted or not family_is_a_refuge)


@settings(max_examples=200, deadline=None)
@given(viewer=viewers, household=households(), kinds=named_kinds,
       moved_in=st.integers(-3000, -1), stayed=st.integers(1, 2000))
def test_a_past_family_address_is_hidden_if_an_at_risk_member_lived_there(viewer, household, kinds, moved_in,
                                                                         stayed):
    moved_in_on = TODAY + timedelta(days=moved_in)
    moved_out_on = min(moved_in_on + timedelta(days=stayed), TODAY)
    lived_there = any(not r.lives_apart and (r.left_on is None or r.left_on > moved_in_on)
                      for r in household.at_risk)
    assert family_address_is_safe(household, moved_in_on, moved_out_on, current=False) is lived_there
    hidden = withhold_family_address(viewer, household, kinds, moved_in_on=moved_in_on, moved_out_on=moved_out_on,
                                     current=False)
    assert hidden is (lived_there and not may_see_safe_addresses(viewer, household, kinds))


@settings(max_examples=200, deadline=None)
@given(household=households(), kinds=named_kinds)
def test_a_document_for_nobody_never_carries_a_safe_address(household, kinds):
    reachable = reachable_postcodes(NOBODY, household, kinds)
    for resident in household.at_risk:
        assert own_postcode(resident.person_id) not in reachable
        if resident.lives_with_family_on(TODAY):
            assert FAMILY_POSTCODE not in reachable


def test_a_person_who_left_no_longer_hides_the_family_address():
    gone = Resident(1, at_risk=True, left_on=TODAY - timedelta(days=1))
    household = Household(7, None, (gone, Resident(2)), TODAY)
    assert not withhold_family_address(NOBODY, household, ())
    assert withhold_person_address(NOBODY, household, (), 1)
