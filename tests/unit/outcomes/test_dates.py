from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.outcomes.dates import (
    add_calendar_months,
    in_round_window,
    long_date,
    may_build_round,
    month_end,
    month_start,
    round_window,
)


@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 1, 31), 6, date(2025, 7, 31)),   # domain.md's example
    (date(2025, 1, 30), 6, date(2025, 7, 30)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),   # shorter month: its last day
    (date(2023, 8, 31), 6, date(2024, 2, 29)),   # leap year
    (date(2024, 2, 29), 6, date(2024, 8, 29)),   # same day number, not the month end
    (date(2025, 4, 30), 6, date(2025, 10, 30)),  # not the 31st
    (date(2025, 3, 31), 6, date(2025, 9, 30)),
    (date(2025, 7, 15), 6, date(2026, 1, 15)),   # across a year end
    (date(2025, 12, 31), 2, date(2026, 2, 28)),
    (date(2025, 5, 31), -3, date(2025, 2, 28)),  # backwards too
    (date(2025, 3, 1), -24, date(2023, 3, 1)),
    (date(2025, 3, 1), 0, date(2025, 3, 1)),
])
def test_add_calendar_months(day, months, expected):
    assert add_calendar_months(day, months) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(min_value=-600, max_value=600))
def test_add_calendar_months_keeps_the_day_number_or_ends_the_month(day, months):
    later = add_calendar_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and later == month_end(later))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.integers(min_value=1, max_value=24))
def test_add_calendar_months_never_goes_backwards(day, months):
    assert add_calendar_months(day, months) > day
    assert add_calendar_months(day + timedelta(days=1), months) >= add_calendar_months(day, months)


@pytest.mark.parametrize("month, window", [
    (date(2025, 9, 1), (date(2023, 9, 1), date(2025, 3, 31))),
    (date(2025, 9, 17), (date(2023, 9, 1), date(2025, 3, 31))),  # any day names its month
    (date(2025, 3, 1), (date(2023, 3, 1), date(2024, 9, 30))),
    (date(2024, 8, 1), (date(2022, 8, 1), date(2024, 2, 29))),  # M-6 is a leap February
    (date(2025, 1, 1), (date(2023, 1, 1), date(2024, 7, 31))),
])
def test_round_window_runs_from_month_m_minus_24_to_the_end_of_m_minus_6(month, window):
    assert round_window(month) == window


def test_in_round_window_includes_both_ends():
    month = date(2025, 9, 1)
    assert in_round_window(date(2023, 9, 1), month)
    assert in_round_window(date(2025, 3, 31), month)
    assert not in_round_window(date(2023, 8, 31), month)
    assert not in_round_window(date(2025, 4, 1), month)


def test_a_round_is_built_on_or_after_the_first_day_of_its_month():
    assert not may_build_round(date(2025, 9, 1), date(2025, 8, 31))
    assert may_build_round(date(2025, 9, 1), date(2025, 9, 1))
    assert may_build_round(date(2025, 9, 30), date(2025, 9, 1))
    assert may_build_round(date(2025, 9, 1), date(2026, 1, 5))  # a late rebuild is allowed


def test_month_helpers_and_long_dates():
    assert month_start(date(2024, 2, 17)) == date(2024, 2, 1)
    assert month_end(date(2024, 2, 17)) == date(2024, 2, 29)
    assert long_date(date(2025, 7, 1)) == "1 July 2025"
