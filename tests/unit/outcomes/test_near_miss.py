from datetime import date

from app.outcomes.facts import ClaimType
from app.outcomes.rules import (
    FAMILY_PLAN,
    NOT_ALREADY_CLAIMED,
    PROGRESS_OR_EMPLOYMENT,
    SUSTAINED,
    NearMiss,
    RuleSetConfig,
    near_miss,
    rule_set_for,
)
from tests.unit.outcomes.builders import (
    CLAIMABLE,
    P2_CLAIMABLE,
    claimed,
    p2_family,
    recurred,
    resolved,
    sf_family,
    with_need,
)


def test_an_eligible_family_is_not_a_near_miss():
    assert near_miss(sf_family(), CLAIMABLE) == []


def test_one_failing_condition_says_what_is_missing():
    [miss] = near_miss(sf_family(plan_agreed_on=None), CLAIMABLE)
    assert miss == NearMiss(ClaimType.RESULTS, FAMILY_PLAN, "No family plan has been agreed")


def test_a_need_that_came_back_is_what_is_missing():
    facts = with_need(sf_family(), 1, events=(resolved(date(2024, 5, 1)), recurred(date(2025, 4, 10))))
    [miss] = near_miss(facts, CLAIMABLE)
    assert miss.condition_code == SUSTAINED and "came back on 10 April 2025" in miss.missing


def test_two_failing_conditions_are_not_a_near_miss():
    assert near_miss(sf_family(plan_agreed_on=None, lead_practitioner_named=False), CLAIMABLE) == []
    # still waiting for the period to end and a need unresolved: two things, not one
    assert near_miss(with_need(sf_family(), 0, events=()), date(2025, 7, 10)) == []


def test_within_a_month_of_becoming_claimable_gives_the_days():
    [miss] = near_miss(sf_family(), date(2025, 7, 1))
    assert (miss.condition_code, miss.claimable_on, miss.days_until_claimable) == (SUSTAINED, CLAIMABLE, 30)
    assert miss.missing == "Claimable in 30 days, on 31 July 2025"
    [tomorrow] = near_miss(sf_family(), date(2025, 7, 30))
    assert tomorrow.missing == "Claimable in 1 day, on 31 July 2025"


def test_more_than_a_month_away_is_not_a_near_miss():
    assert near_miss(sf_family(), date(2025, 6, 30)) == []  # 31 July is a month and a day away
    # a calendar month: 28 February is within a month of 28 January (31 days), 28 March of 28 February (28 days)
    assert near_miss(sf_family(closed_on=date(2024, 8, 31)), date(2025, 1, 28))[0].days_until_claimable == 31
    assert near_miss(sf_family(closed_on=date(2024, 9, 28)), date(2025, 2, 28))[0].days_until_claimable == 28
    assert near_miss(sf_family(closed_on=date(2024, 9, 28)), date(2025, 2, 27)) == []


def test_waiting_and_one_thing_missing_is_not_a_near_miss():
    assert near_miss(sf_family(previous_claims=(claimed(),)), date(2025, 7, 1)) == []


def test_phase_2_lists_each_claim_type():
    facts = p2_family(previous_claims=(claimed("troubled_families_phase_2", ClaimType.RESULTS),))
    misses = near_miss(facts, P2_CLAIMABLE)
    assert [(m.claim_type, m.condition_code) for m in misses] == [(ClaimType.RESULTS, NOT_ALREADY_CLAIMED)]
    working = p2_family(case_events=(), lead_practitioner_named=True)
    working_misses = near_miss(working, date(2019, 8, 1))
    assert [(m.claim_type, m.condition_code) for m in working_misses] == [
        (ClaimType.RESULTS, PROGRESS_OR_EMPLOYMENT)]


def test_the_rule_set_comes_from_the_family_programme_or_is_given():
    assert near_miss(sf_family(programme="none"), CLAIMABLE) == []
    assert near_miss(sf_family(programme="families_first"), CLAIMABLE) == []
    three_months = rule_set_for("supporting_families", date(2024, 3, 1), RuleSetConfig(sustainment_months=3))
    assert near_miss(sf_family(), date(2025, 4, 1), three_months)[0].claimable_on == date(2025, 4, 30)
    assert near_miss(sf_family(), date(2025, 4, 1), config=RuleSetConfig(sustainment_months=3))[0] \
        .days_until_claimable == 29
