"""The machine-readable resolution rule of a descriptor, and the checks a descriptor must pass.

Pure functions over plain data, so the outcomes and claims packages can judge evidence without a
database, and the admin pages and the seed refuse the same bad data.
"""
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.common.enums import CodeEnum
from app.framework.categories import DataCategory, UnknownHeadline, allowed_categories


class MeasureKind(CodeEnum):
    PERCENTAGE = ("percentage", "Percentage")
    COUNT = ("count", "Count")
    YES_NO = ("yes_no", "Yes or no")


class Comparison(CodeEnum):
    AT_LEAST = (">=", "At least")
    AT_MOST = ("<=", "At most")
    EQUAL = ("==", "Exactly")


class PeriodUnit(CodeEnum):
    TERM = ("term", "School term")
    MONTH = ("month", "Month")
    QUARTER = ("quarter", "Quarter")
    WEEK = ("week", "Week")


MAX_CONSECUTIVE_PERIODS = 36
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
TEXT_LIMITS = {"description": 200, "measure": 300, "resolved_when": 1000}


@dataclass(frozen=True)
class ResolutionRule:
    """When a need counts as resolved: each period's value passes the comparison, for
    `consecutive_periods` periods running. A yes/no measure records whether the resolved condition
    held in the period (yes = True), so it has no threshold."""

    measure_kind: MeasureKind
    comparison: Comparison
    threshold: float | None
    consecutive_periods: int

    def met_by(self, value) -> bool:
        if value is None:
            return False
        if self.measure_kind is MeasureKind.YES_NO:
            return bool(value) is True
        value = float(value)
        if self.comparison is Comparison.AT_LEAST:
            return value >= self.threshold
        if self.comparison is Comparison.AT_MOST:
            return value <= self.threshold
        return value == self.threshold

    def resolved_by(self, values: Iterable) -> bool:
        """True when the latest `consecutive_periods` values, oldest first, all meet the rule."""
        values = list(values)
        if len(values) < self.consecutive_periods:
            return False
        return all(self.met_by(v) for v in values[-self.consecutive_periods:])


class InvalidDescriptor(ValueError):
    """A descriptor the framework refuses. `problems` maps a field name to a message fit to show."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.problems.items()))


def _enum_or_none(enum_cls, value):
    try:
        return enum_cls(value)
    except ValueError:
        return None


def descriptor_problems(data: Mapping, headline_code: str, *, check_code: bool = True) -> dict[str, str]:
    """Field -> message for everything wrong with descriptor `data` under `headline_code`; empty when valid.

    `data` has the Descriptor's fields (code, description, measure, resolved_when, measure_kind,
    comparison, threshold, consecutive_periods, period_unit, category)."""
    problems: dict[str, str] = {}
    if check_code:
        code = data.get("code") or ""
        if not code:
            problems["code"] = "Enter a code for the descriptor"
        elif not CODE_PATTERN.match(code):
            problems["code"] = ("The code must be 2 to 60 characters: lower-case letters, numbers and underscores, "
                                "starting with a letter")
    labels = {"description": "the need", "measure": "how the need is measured",
              "resolved_when": "what counts as resolved"}
    for field, limit in TEXT_LIMITS.items():
        text = (data.get(field) or "").strip()
        if not text:
            problems[field] = f"Enter {labels[field]}"
        elif len(text) > limit:
            problems[field] = f"{labels[field][0].upper()}{labels[field][1:]} must be {limit} characters or fewer"

    kind = _enum_or_none(MeasureKind, data.get("measure_kind"))
    comparison = _enum_or_none(Comparison, data.get("comparison"))
    threshold = data.get("threshold")
    if kind is None:
        problems["measure_kind"] = "Select the kind of measure"
    if comparison is None:
        problems["comparison"] = "Select how the measure is compared with the threshold"
    if kind is MeasureKind.YES_NO:
        if comparison is not None and comparison is not Comparison.EQUAL:
            problems["comparison"] = "A yes or no measure is resolved when the answer is yes: select 'Exactly'"
        if threshold is not None:
            problems["threshold"] = "Leave the threshold empty for a yes or no measure"
    elif kind is not None:
        if threshold is None:
            problems["threshold"] = "Enter the threshold, for example 90"
        elif kind is MeasureKind.PERCENTAGE and not 0 <= float(threshold) <= 100:
            problems["threshold"] = "A percentage threshold must be between 0 and 100"
        elif kind is MeasureKind.COUNT and (float(threshold) < 0 or float(threshold) != int(float(threshold))):
            problems["threshold"] = "A count threshold must be a whole number, 0 or more"

    periods = data.get("consecutive_periods")
    if periods is None:
        problems["consecutive_periods"] = "Enter how many periods in a row the need must stay resolved"
    elif not 1 <= int(periods) <= MAX_CONSECUTIVE_PERIODS:
        problems["consecutive_periods"] = f"The number of periods must be between 1 and {MAX_CONSECUTIVE_PERIODS}"
    if _enum_or_none(PeriodUnit, data.get("period_unit")) is None:
        problems["period_unit"] = "Select the period the measure is taken over"

    category = _enum_or_none(DataCategory, data.get("category"))
    try:
        allowed = allowed_categories(headline_code)
    except UnknownHeadline:
        allowed = ()
        problems["headline"] = "The headline outcome is not one Hearth knows"
    if category is None:
        problems["category"] = "Select the data category"
    elif allowed and category not in allowed:
        names = " or ".join(c.label.lower() for c in allowed)
        problems["category"] = f"A need under this headline must be {names} data"
    return problems


_UNIT_PLURALS = {PeriodUnit.TERM: "terms", PeriodUnit.MONTH: "months", PeriodUnit.QUARTER: "quarters",
                 PeriodUnit.WEEK: "weeks"}
_UNIT_SINGULAR = {PeriodUnit.TERM: "term", PeriodUnit.MONTH: "month", PeriodUnit.QUARTER: "quarter",
                  PeriodUnit.WEEK: "week"}


def describe_rule(measure_kind, comparison, threshold, consecutive_periods, period_unit) -> str:
    """The rule in words, for pages and exports: "at least 90% for 3 terms in a row"."""
    kind, unit = MeasureKind(measure_kind), PeriodUnit(period_unit)
    if kind is MeasureKind.YES_NO:
        test = "yes"
    elif kind is MeasureKind.COUNT and Comparison(comparison) is Comparison.AT_MOST and float(threshold) == 0:
        test = "none"
    else:
        amount = f"{float(threshold):g}{'%' if kind is MeasureKind.PERCENTAGE else ''}"
        test = f"{Comparison(comparison).label.lower()} {amount}"
    if consecutive_periods == 1:
        return f"{test} for 1 {_UNIT_SINGULAR[unit]}"
    return f"{test} for {consecutive_periods} {_UNIT_PLURALS[unit]} in a row"


__all__ = [
    "CODE_PATTERN",
    "MAX_CONSECUTIVE_PERIODS",
    "TEXT_LIMITS",
    "Comparison",
    "InvalidDescriptor",
    "MeasureKind",
    "PeriodUnit",
    "ResolutionRule",
    "describe_rule",
    "descriptor_problems",
]
