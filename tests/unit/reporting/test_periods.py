from datetime import date, timedelta

import pytest

from app.reporting.periods import InvalidPeriod, PeriodRule, apply_rule, parse_period, period_containing


def test_months_and_quarters():
    p = parse_period("2026-02")
    assert (p.start, p.end, p.label) == (date(2026, 2, 1), date(2026, 2, 28), "February 2026")
    q = parse_period("2026-q2")
    assert (q.code, q.start, q.end) == ("2026-Q2", date(2026, 7, 1), date(2026, 9, 30))
    assert q.months() == ["2026-07", "2026-08", "2026-09"]
    assert q.label == "July to September 2026 (quarter 2 of 2026-27)"


@pytest.mark.parametrize(("code", "start", "end"), [
    ("2026-Q1", date(2026, 4, 1), date(2026, 6, 30)),  # financial years start in April
    ("2026-Q3", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026-Q4", date(2027, 1, 1), date(2027, 3, 31)),  # the year is the one the financial year starts in
    ("2099-Q4", date(2100, 1, 1), date(2100, 3, 31)),
])
def test_quarters_are_financial_year_quarters(code, start, end):
    q = parse_period(code)
    assert (q.start, q.end) == (start, end)
    assert period_containing(start, quarter=True) == q == period_containing(end, quarter=True)
    assert period_containing(end + timedelta(days=1), quarter=True).start == end + timedelta(days=1)
    assert parse_period("2026-01").previous().code == "2025-12"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-01", "2026-Q5", "", "1999-01", "2026-1"])
def test_bad_periods(text):
    with pytest.raises(InvalidPeriod):
        parse_period(text)


def test_quarter_not_allowed_where_months_only():
    with pytest.raises(InvalidPeriod):
        parse_period("2026-Q1", allow_quarter=False)


def test_rules():
    assert apply_rule(PeriodRule.PREVIOUS_MONTH, date(2026, 1, 1)).code == "2025-12"
    assert apply_rule(PeriodRule.CURRENT_MONTH, date(2026, 1, 15)).code == "2026-01"
    # On 1 April 2026 the previous quarter is January to March 2026: the last of the year 2025-26.
    assert apply_rule(PeriodRule.PREVIOUS_QUARTER, date(2026, 4, 1)).code == "2025-Q4"
    assert apply_rule(PeriodRule.PREVIOUS_QUARTER, date(2026, 2, 1)).code == "2025-Q3"
    assert apply_rule(PeriodRule.PREVIOUS_QUARTER, date(2026, 7, 1)).code == "2026-Q1"
