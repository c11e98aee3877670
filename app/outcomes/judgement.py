"""Whether a need is resolved, and since when, from its evidence: a pure function over plain data.

A need is resolved when its descriptor's measure meets the resolution rule (`app.framework.rules.
ResolutionRule`) for the rule's number of consecutive periods; it comes back when, after that, a period's
value fails the rule; and it can be resolved again by another unbroken run. Each event is dated by the
last day of the period that showed it (the day the outcome was achieved, or the need was seen to return),
never by when the evidence was typed in. The database layer keeps the result (`NeedJudgement`) only as a
cache that `refresh_need_judgements` can always recompute from here.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.common.enums import CodeEnum
from app.framework.rules import ResolutionRule
from app.outcomes.facts import NeedEvent, NeedEventKind


class NeedState(CodeEnum):
    NO_EVIDENCE = ("no_evidence", "No evidence yet")
    NOT_RESOLVED = ("not_resolved", "Not resolved")
    RESOLVED = ("resolved", "Resolved")
    CAME_BACK = ("came_back", "Came back")


@dataclass(frozen=True)
class EvidencePoint:
    """One period's measurement. `value` is a number, or True/False for a yes/no measure. `order` breaks
    ties between two records of the same period: the later-recorded one (higher order) stands."""

    ref: str
    period_start: date
    period_end: date
    value: float | bool | None
    order: int = 0


@dataclass(frozen=True)
class Judgement:
    state: NeedState
    resolved_on: date | None  # the start of the current resolution (None unless resolved now)
    recurred_on: date | None  # the latest day the need came back, if it ever did
    events: tuple[NeedEvent, ...]
    periods_met: int  # the current unbroken run of periods meeting the rule
    evidence_count: int


def _one_per_period(points: Iterable[EvidencePoint]) -> list[EvidencePoint]:
    latest: dict[tuple[date, date], EvidencePoint] = {}
    for point in points:
        key = (point.period_start, point.period_end)
        if key not in latest or point.order > latest[key].order:
            latest[key] = point
    return sorted(latest.values(), key=lambda p: (p.period_end, p.period_start, p.order))


def judge(rule: ResolutionRule, points: Iterable[EvidencePoint], as_of: date | None = None) -> Judgement:
    """The need's resolution events and state, from the evidence dated up to `as_of` (all of it if None)."""
    chosen = _one_per_period(p for p in points if as_of is None or p.period_end <= as_of)
    events: list[NeedEvent] = []
    run, resolved_on, recurred_on, resolved = 0, None, None, False
    for point in chosen:
        if rule.met_by(point.value):
            run += 1
            if not resolved and run >= rule.consecutive_periods:
                resolved, resolved_on = True, point.period_end
                events.append(NeedEvent(NeedEventKind.RESOLVED, point.period_end, point.ref))
        else:
            run = 0
            if resolved:
                resolved, resolved_on, recurred_on = False, None, point.period_end
                events.append(NeedEvent(NeedEventKind.RECURRED, point.period_end, point.ref))
    if not chosen:
        state = NeedState.NO_EVIDENCE
    elif resolved:
        state = NeedState.RESOLVED
    elif recurred_on is not None:
        state = NeedState.CAME_BACK
    else:
        state = NeedState.NOT_RESOLVED
    return Judgement(state, resolved_on, recurred_on, tuple(events), run, len(chosen))


__all__ = ["EvidencePoint", "Judgement", "NeedState", "judge"]
