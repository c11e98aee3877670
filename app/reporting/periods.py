"""Report periods and schedule rules: pure functions, no database.

A period is a calendar month ("2026-10") or a quarter of a financial year, April to March, as the
programme's returns and targets count them: "2026-Q1" is April to June 2026 and "2026-Q4" January to
March 2027 (the year is the one the financial year starts in, as `ClaimTarget.year_starting`). A
schedule's period rule turns the day a schedule fires into the period it reports on.
"""
import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.common.enums import CodeEnum

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class InvalidPeriod(ValueError):
    """A period that is not YYYY-MM or YYYY-Qn, or not a real month."""


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date  # inclusive

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.code

    @property
    def label(self) -> str:
        if self.is_quarter:
            year = int(self.code[:4])
            return (f"{self.start.strftime('%B')} to {self.end.strftime('%B %Y')} "
                    f"(quarter {self.code[-1]} of {year}-{(year + 1) % 100:02d})")
        return self.start.strftime("%B %Y")

    def previous(self) -> "Period":
        return period_containing(self.start - timedelta(days=1), quarter=self.is_quarter)

    def months(self) -> list[str]:
        out, day = [], self.start
        while day <= self.end:
            out.append(day.strftime("%Y-%m"))
            day = _month_end(day) + timedelta(days=1)
        return out


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def month(year: int, month_number: int) -> Period:
    start = date(year, month_number, 1)
    return Period(f"{year:04d}-{month_number:02d}", start, _month_end(start))


def quarter_of(year_starting: int, number: int) -> Period:
    """Quarter `number` (1 to 4) of the financial year that starts in April of `year_starting`."""
    months_after_april = 3 * (number - 1)
    start = date(year_starting + (months_after_april >= 9), (3 + months_after_april) % 12 + 1, 1)
    last = date(start.year, start.month + 2, 1)
    return Period(f"{year_starting:04d}-Q{number}", start, _month_end(last))


def parse_period(text: str, *, allow_quarter: bool = True) -> Period:
    text = (text or "").strip().upper()
    if m := _MONTH.match(text):
        year, number = int(m[1]), int(m[2])
        if not 1 <= number <= 12 or year < 2000:
            raise InvalidPeriod("Enter a real month, like 2026-10")
        return month(year, number)
    if allow_quarter and (m := _QUARTER.match(text)):
        if int(m[1]) < 2000:
            raise InvalidPeriod("Enter a real quarter, like 2026-Q3")
        return quarter_of(int(m[1]), int(m[2]))
    extra = ", or a quarter of a financial year as YYYY-Qn" if allow_quarter else ""
    raise InvalidPeriod(f"Enter a month as YYYY-MM, like 2026-10{extra}")


def period_containing(day: date, *, quarter: bool = False) -> Period:
    if quarter:
        year_starting = day.year if day.month >= 4 else day.year - 1
        return quarter_of(year_starting, (day.month - 4) % 12 // 3 + 1)
    return month(day.year, day.month)


class PeriodRule(CodeEnum):
    PREVIOUS_MONTH = ("previous_month", "The previous month")
    CURRENT_MONTH = ("current_month", "The month so far")
    PREVIOUS_QUARTER = ("previous_quarter", "The previous quarter")


def apply_rule(rule: PeriodRule, on: date) -> Period:
    """The period a schedule firing on `on` reports on."""
    rule = PeriodRule(rule)
    if rule is PeriodRule.CURRENT_MONTH:
        return period_containing(on)
    if rule is PeriodRule.PREVIOUS_QUARTER:
        return period_containing(on, quarter=True).previous()
    return period_containing(on).previous()
