"""The two clocks of individual rights, as pure functions over `date` (Europe/London days).

Subject access: a response is due one calendar month after the day the request was received (the ICO's
reading of Article 12(3): received 3 September, due 3 October; received 31 January, due the last day
of February, 28th or 29th), moved to the next working day when that falls on a weekend or bank holiday.
It may be extended once by up to two further months, counted from the same received date.

Retention (the `family` record class): a closed family's records are kept until the later of the
youngest child's 25th birthday and six years after closure (both configurable). An open case never
expires. Who counts as a child: anyone recorded as a child or step-child of the household, and anyone
under 18 on the day the case closed. A child with no recorded date of birth is taken to have been born
on the closure day, the latest possible, so a missing date can only keep records longer, never shorter.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from app.outcomes.dates import add_calendar_months
from app.referrals.workdays import is_working_day

RESPONSE_MONTHS = 1
MAX_EXTENSION_MONTHS = 2


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def sar_due_on(received_on: date, extension_months: int = 0) -> date:
    """When the response to a subject access request received on `received_on` is due."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"an extension is 0 to {MAX_EXTENSION_MONTHS} months, not {extension_months}")
    return next_working_day(add_calendar_months(received_on, RESPONSE_MONTHS + extension_months))


def birthday(born_on: date, age: int) -> date:
    """The day a person born on `born_on` reaches `age`. Someone born on 29 February reaches it on
    1 March in a year without one (as English law counts ages)."""
    year = born_on.year + age
    try:
        return born_on.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


@dataclass(frozen=True)
class FamilyRetentionRule:
    """The `family` record class: kept until the youngest child is `child_age` and for
    `years_after_closure` after closure, whichever is later."""

    child_age: int = 25
    years_after_closure: int = 6

    @classmethod
    def from_config(cls, rules: dict) -> "FamilyRetentionRule":
        family = (rules or {}).get("family", {})
        return cls(child_age=int(family.get("until_youngest_child_age", cls.child_age)),
                   years_after_closure=int(family.get("years_after_closure", cls.years_after_closure)))


@dataclass(frozen=True)
class Member:
    """What the retention rule needs of one person in the family."""

    date_of_birth: date | None
    recorded_as_child: bool


@dataclass(frozen=True)
class Expiry:
    """When a family's records expire and why: `reason` is "open_case", "youngest_child" or "after_closure"."""

    expires_on: date | None
    reason: str
    closure_limit: date | None = None
    child_limit: date | None = None


def family_expiry(closed_on: date | None, members: Iterable[Member],
                  rule: FamilyRetentionRule = FamilyRetentionRule()) -> Expiry:
    """The day from which a family's records may be anonymised (None: never, the case is open)."""
    if closed_on is None:
        return Expiry(None, "open_case")
    closure_limit = add_calendar_months(closed_on, 12 * rule.years_after_closure)
    children = [m for m in members if m.recorded_as_child or (
        m.date_of_birth is not None and birthday(m.date_of_birth, 18) > closed_on)]
    if not children:
        return Expiry(closure_limit, "after_closure", closure_limit)
    youngest_born = max(m.date_of_birth or closed_on for m in children)
    child_limit = birthday(youngest_born, rule.child_age)
    if child_limit > closure_limit:
        return Expiry(child_limit, "youngest_child", closure_limit, child_limit)
    return Expiry(closure_limit, "after_closure", closure_limit, child_limit)


def is_expired(expiry: Expiry, today: date) -> bool:
    return expiry.expires_on is not None and today >= expiry.expires_on
