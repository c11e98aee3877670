"""Report periods and schedule rules: pure functions, no database.

A period is a calendar month ("2026-10") or a calendar quarter ("2026-Q3": July to September). A
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
            return f"{self.start.strftime('%B')} to {self.end.strftime('%B %Y')}"
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


def quarter_of(year: int, number: int) -> Period:
    start = date(year, 3 * (number - 1) + 1, 1)
    return Period(f"{year:04d}-Q{number}", start, _month_end(date(year, 3 * number, 1)))


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
    extra = ", or a quarter as YYYY-Qn" if allow_quarter else ""
    raise InvalidPeriod(f"Enter a month as YYYY-MM, like 2026-10{extra}")


def period_containing(day: date, *, quarter: bool = False) -> Period:
    if quarter:
        return quarter_of(day.year, (day.month - 1) // 3 + 1)
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
