"""The two clocks of individual rights: subject access due dates and family retention, on their boundaries."""
from datetime import date

import pytest

from app.rights.dates import FamilyRetentionRule, Member, birthday, family_expiry, is_expired, sar_due_on


@pytest.mark.parametrize("received, due", [
    (date(2026, 9, 3), date(2026, 10, 5)),  # 3 October 2026 is a Saturday: the next working day
    (date(2026, 3, 10), date(2026, 4, 10)),  # a Friday, an ordinary month
    (date(2027, 1, 31), date(2027, 3, 1)),  # 28 February 2027 is a Sunday: Monday 1 March
    (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year: the last day of February, a Tuesday
    (date(2026, 3, 31), date(2026, 4, 30)),  # 31 March -> 30 April
    (date(2026, 11, 25), date(2026, 12, 29)),  # 25 December is Christmas Day; 26-28 the holidays and weekend
    (date(2026, 12, 31), date(2027, 2, 1)),  # 31 January 2027 is a Sunday: Monday 1 February
])
def test_a_response_is_due_one_calendar_month_after_receipt_on_a_working_day(received, due):
    assert sar_due_on(received) == due


def test_an_extension_counts_further_months_from_the_day_received():
    assert sar_due_on(date(2026, 3, 10), 1) == date(2026, 5, 11)  # 10 May 2026 is a Sunday
    assert sar_due_on(date(2026, 3, 10), 2) == date(2026, 6, 10)
    assert sar_due_on(date(2027, 11, 30), 2) == date(2028, 2, 29)  # 30 Nov + 3 months: end of February, leap year


@pytest.mark.parametrize("months", [-1, 3])
def test_an_extension_is_at_most_two_further_months(months):
    with pytest.raises(ValueError):
        sar_due_on(date(2026, 3, 10), months)


def test_a_birthday_on_29_february_falls_on_1_march_in_a_common_year():
    assert birthday(date(2008, 2, 29), 25) == date(2033, 3, 1)
    assert birthday(date(2008, 2, 29), 24) == date(2032, 2, 29)
    assert birthday(date(2010, 6, 15), 25) == date(2035, 6, 15)


RULE = FamilyRetentionRule(child_age=25, years_after_closure=6)


def child(born):
    return Member(born, recorded_as_child=True)


def adult(born):
    return Member(born, recorded_as_child=False)


def test_an_open_case_never_expires():
    expiry = family_expiry(None, [child(date(2010, 1, 1))], RULE)
    assert expiry.expires_on is None and expiry.reason == "open_case"
    assert not is_expired(expiry, date(2200, 1, 1))


def test_a_family_without_children_is_kept_six_years_after_closure():
    expiry = family_expiry(date(2020, 2, 29), [adult(date(1980, 5, 1)), adult(None)], RULE)
    assert (expiry.expires_on, expiry.reason, expiry.child_limit) == (date(2026, 2, 28), "after_closure", None)
    assert not is_expired(expiry, date(2026, 2, 27))
    assert is_expired(expiry, date(2026, 2, 28))


def test_the_youngest_childs_25th_birthday_wins_when_later():
    members = [adult(date(1985, 1, 1)), child(date(2010, 7, 4)), child(date(2014, 3, 9))]
    expiry = family_expiry(date(2024, 5, 31), members, RULE)
    assert (expiry.expires_on, expiry.reason) == (date(2039, 3, 9), "youngest_child")
    assert expiry.closure_limit == date(2030, 5, 31)
    assert not is_expired(expiry, date(2039, 3, 8))
    assert is_expired(expiry, date(2039, 3, 9))


def test_six_years_after_closure_wins_when_the_children_are_grown():
    expiry = family_expiry(date(2024, 5, 31), [child(date(2000, 1, 1))], RULE)
    assert (expiry.expires_on, expiry.reason) == (date(2030, 5, 31), "after_closure")


def test_on_the_day_both_limits_meet_the_closure_rule_names_it():
    expiry = family_expiry(date(2024, 6, 1), [child(date(2005, 6, 1))], RULE)
    assert expiry.expires_on == date(2030, 6, 1) and expiry.child_limit == date(2030, 6, 1)


def test_anyone_under_18_at_closure_counts_as_a_child_whatever_their_role():
    # A young parent, 17 at closure, recorded as a parent: their 25th birthday counts.
    expiry = family_expiry(date(2024, 1, 10), [adult(date(2006, 8, 20))], RULE)
    assert (expiry.expires_on, expiry.reason) == (date(2031, 8, 20), "youngest_child")
    # Turning 18 on the closure day: an adult by then.
    expiry = family_expiry(date(2024, 1, 10), [adult(date(2006, 1, 10))], RULE)
    assert expiry.reason == "after_closure"


def test_a_child_without_a_date_of_birth_keeps_records_as_long_as_possible():
    expiry = family_expiry(date(2024, 1, 10), [child(None), child(date(2012, 1, 1))], RULE)
    assert expiry.expires_on == date(2049, 1, 10)


def test_the_rule_reads_its_numbers_from_configuration():
    rule = FamilyRetentionRule.from_config({"family": {"until_youngest_child_age": 21, "years_after_closure": 3}})
    assert rule == FamilyRetentionRule(child_age=21, years_after_closure=3)
    assert FamilyRetentionRule.from_config({}) == RULE
    expiry = family_expiry(date(2024, 1, 10), [child(date(2010, 1, 1))], rule)
    assert expiry.expires_on == date(2031, 1, 1)
