from datetime import date

import pytest

from app.reporting.periods import InvalidPeriod, PeriodRule, apply_rule, parse_period


def test_months_and_quarters():
    p = parse_period("2026-02")
    assert (p.start, p.end, p.label) == (date(2026, 2, 1), date(2026, 2, 28), "February 2026")
    q = parse_period("2026-q3")
    assert (q.code, q.start, q.end) == ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert q.months() == ["2026-07", "2026-08", "2026-09"]
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
    assert apply_rule(PeriodRule.PREVIOUS_QUARTER, date(2026, 4, 1)).code == "2026-Q1"
    assert apply_rule(PeriodRule.PREVIOUS_QUARTER, date(2026, 2, 1)).code == "2025-Q4"
