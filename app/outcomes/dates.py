"""Calendar arithmetic for sustainment and claim rounds: pure functions over `date` (Europe/London days).

No datetimes on purpose: a case closes on a day, a family becomes claimable on a day, and a round is a
month. Converting "now" to a London day is the caller's job (`app.common.time.today_london`).
"""
import calendar
from datetime import date


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_calendar_months(day: date, months: int) -> date:
    """The same day number `months` calendar months later (or earlier, for a negative count), or that
    month's last day when it is shorter: 31 January + 6 -> 31 July; 31 August + 6 -> 28 (or 29)
    February; 29 February 2024 + 6 -> 29 August 2024."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def round_window(processing_month: date) -> tuple[date, date]:
    """The closure dates a claim round for `processing_month` (any day in it) takes in: from the first
    day of month M-24 to the last day of month M-6, both included (domain.md, "Claim rounds")."""
    first_of_month = month_start(processing_month)
    return add_calendar_months(first_of_month, -24), month_end(add_calendar_months(first_of_month, -6))


def in_round_window(closed_on: date, processing_month: date) -> bool:
    start, end = round_window(processing_month)
    return start <= closed_on <= end


def may_build_round(processing_month: date, today: date) -> bool:
    """A round for month M is built on or after the first day of M; earlier is refused."""
    return today >= month_start(processing_month)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def long_date(day: date) -> str:
    """GOV.UK style, whatever the process locale: 31 July 2025."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


__all__ = [
    "add_calendar_months",
    "in_round_window",
    "long_date",
    "may_build_round",
    "month_end",
    "month_start",
    "round_window",
]
