"""Working days in England: weekends and bank holidays excluded. Pure functions, no database.

Bank holidays follow the statutory pattern (New Year's Day, Good Friday, Easter Monday, the first and
last Mondays of May, the last Monday of August, Christmas Day and Boxing Day, moved to the next
weekday when they fall at a weekend), plus the one-off changes in `ONE_OFF_CHANGES`, which a council
extends by proclamation as they are announced.
"""
from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter

# Proclaimed changes to the usual pattern: (added days, removed days) per year.
ONE_OFF_CHANGES: dict[int, tuple[tuple[date, ...], tuple[date, ...]]] = {
    2020: ((date(2020, 5, 8),), (date(2020, 5, 4),)),  # VE Day moved the early May holiday
    2022: ((date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)), (date(2022, 5, 30),)),  # Jubilee; funeral
    2023: ((date(2023, 5, 8),), ()),  # the Coronation
}


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    day = following - timedelta(days=1)
    return day - timedelta(days=day.weekday())


def _next_weekday(day: date, taken: set[date]) -> date:
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of one year."""
    taken: set[date] = set()
    taken.add(_next_weekday(date(year, 1, 1), taken))
    good_friday = easter(year) - timedelta(days=2)
    taken |= {good_friday, good_friday + timedelta(days=3)}
    taken |= {_first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)}
    christmas = _next_weekday(date(year, 12, 25), taken)
    taken.add(christmas)
    taken.add(_next_weekday(date(year, 12, 26), taken))
    added, removed = ONE_OFF_CHANGES.get(year, ((), ()))
    return frozenset((taken | set(added)) - set(removed))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start): a
    referral received on a Friday has waited 1 working day on the Monday."""
    if end <= start:
        return 0
    count, day = 0, start
    # Whole weeks first, so a long wait costs a few steps rather than one per day.
    weeks = (end - start).days // 7
    if weeks:
        day = start + timedelta(weeks=weeks)
        count = weeks * 5 - sum(1 for year in range(start.year, day.year + 1) for holiday in bank_holidays(year)
                                if start < holiday <= day and holiday.weekday() < 5)
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= is_working_day(day)
    return day
