"""Pure rules of claim rounds: the closure window, round codes, the audit sample, snapshot hashing,
money and financial years. No database and no Flask."""
import hashlib
import json
import math
import random
import re
from datetime import date

from app.outcomes.dates import add_calendar_months, month_end, month_start

DEFAULT_WINDOW_FROM_MONTHS = 24
DEFAULT_WINDOW_TO_MONTHS = 6
DEFAULT_SAMPLE_PERCENT = 10
_CODE = re.compile(r"^(\d{4})-(\d{2})$")


class RoundCodeInvalid(ValueError):
    pass


def parse_round(code: str) -> date:
    """'2026-05' -> 1 May 2026. Raises RoundCodeInvalid with a message fit to show."""
    match = _CODE.match((code or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise RoundCodeInvalid("Enter the round as a year and month, like 2026-05")
    return date(int(match.group(1)), int(match.group(2)), 1)


def round_window(month: date, from_months: int = DEFAULT_WINDOW_FROM_MONTHS,
                 to_months: int = DEFAULT_WINDOW_TO_MONTHS) -> tuple[date, date]:
    """Closure dates round M takes in: from the first day of M-`from_months` to the last day of
    M-`to_months`, both included (domain.md, "Claim rounds"; configurable)."""
    if not 0 <= to_months <= from_months:
        raise ValueError("the window must end no earlier than it starts")
    first = month_start(month)
    return add_calendar_months(first, -from_months), month_end(add_calendar_months(first, -to_months))


def in_month(day: date | None, month: date) -> bool:
    return day is not None and month_start(day) == month_start(month)


def sample_size(count: int, percent: int) -> int:
    """At least one claim of a non-empty round; otherwise the percentage, rounded up."""
    if count <= 0:
        return 0
    return max(1, min(count, math.ceil(count * percent / 100)))


def draw_sample(claim_ids, percent: int, seed: int) -> list[int]:
    """A reproducible random sample: the same ids, percentage and seed give the same claims."""
    ids = sorted(int(i) for i in claim_ids)
    return sorted(random.Random(seed).sample(ids, sample_size(len(ids), percent)))


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pence(amount) -> int:
    """Pounds (Decimal or str) to integer pence, exactly."""
    from decimal import Decimal

    value = Decimal(str(amount)) * 100
    if value != value.to_integral_value():
        raise ValueError("an amount has at most two decimal places")
    return int(value)


def pounds(amount_pence: int | None) -> str:
    if amount_pence is None:
        return ""
    sign = "-" if amount_pence < 0 else ""
    whole, part = divmod(abs(int(amount_pence)), 100)
    return f"{sign}{whole}.{part:02d}"


def money(amount_pence: int | None) -> str:
    if amount_pence is None:
        return ""
    whole, part = divmod(int(amount_pence), 100)
    return f"£{whole:,}.{part:02d}"


def financial_year_starting(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year(year_starting: int) -> tuple[date, date]:
    return date(year_starting, 4, 1), date(year_starting + 1, 3, 31)
