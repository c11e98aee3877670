from datetime import date

import pytest

from app.referrals.forms import parse_date_parts
from app.referrals.workdays import add_working_days, bank_holidays, is_working_day, working_days_between


def test_english_bank_holidays_follow_the_pattern_and_the_one_off_changes():
    assert bank_holidays(2026) == {
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
        date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28)}
    # Christmas on a Saturday: both holidays move to the Monday and Tuesday.
    assert {date(2021, 12, 27), date(2021, 12, 28)} <= bank_holidays(2021)
    assert date(2022, 6, 3) in bank_holidays(2022) and date(2022, 5, 30) not in bank_holidays(2022)
    assert date(2023, 5, 8) in bank_holidays(2023)


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday
    (date(2026, 3, 9), date(2026, 3, 9), 0),
    (date(2026, 3, 9), date(2026, 3, 6), 0),
    (date(2026, 3, 9), date(2026, 3, 16), 5),
    (date(2026, 4, 1), date(2026, 4, 8), 3),  # Good Friday and Easter Monday
    (date(2026, 1, 1), date(2026, 12, 31), 253),  # 261 weekdays less 8 bank holidays
])
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected
    # The whole-weeks shortcut agrees with counting one day at a time.
    slow = sum(is_working_day(date.fromordinal(d)) for d in range(start.toordinal() + 1, end.toordinal() + 1))
    assert working_days_between(start, end) == slow


def test_add_working_days_skips_weekends_and_holidays():
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


@pytest.mark.parametrize(("parts", "message"), [
    (["31", "2", "2015"], "Date of birth must be a real date"),
    (["1", "", "2015"], "Date of birth must include a month"),
    (["", "", "2015"], "Date of birth must include a day and a month"),
    (["1", "1", "15"], "Year must include 4 numbers"),
    (["a", "1", "2015"], "Date of birth must be a real date"),
    (["1", "1", "2999"], "Date of birth must be today or in the past"),
    (["1", "1", "1850"], "Date of birth must be after 1 January 1900"),
])
def test_dates_as_typed_get_gov_uk_messages(parts, message):
    with pytest.raises(ValueError, match=message):
        parse_date_parts(parts)


def test_blank_date_is_none_and_a_real_one_parses():
    assert parse_date_parts(["", "", ""]) is None
    assert parse_date_parts(["3", "06", "2014"]) == date(2014, 6, 3)
