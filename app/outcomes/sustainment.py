"""Sustainment: after a case closes, does every need stay resolved for the sustainment period?

Pure functions over `FamilyFacts`. The period runs from the LAST closure (a reopened case restarts the
clock) for a number of calendar months (`dates.add_calendar_months`), and the family becomes claimable
on its last day. A need recorded as coming back in the period, or a new need identified in it, fails
it; families in that state are flagged so a key worker can look again.
"""
from dataclasses import dataclass
from datetime import date

from app.common.enums import CodeEnum
from app.outcomes.dates import add_calendar_months
from app.outcomes.facts import CaseEventKind, FamilyFacts, NeedEventKind, NeedFacts

DEFAULT_SUSTAINMENT_MONTHS = 6


class SustainmentState(CodeEnum):
    CASE_OPEN = ("case_open", "Case open")
    NEED_CAME_BACK = ("need_came_back", "A need came back")
    NOT_RESOLVED = ("not_resolved", "Not every need resolved at closure")
    IN_SUSTAINMENT = ("in_sustainment", "In sustainment")
    SUSTAINED = ("sustained", "Sustained")


@dataclass(frozen=True)
class ReturnedNeed:
    """A need that came back during the sustainment period, or (`new`) a need first identified in it."""

    need: NeedFacts
    on: date
    evidence_ref: str | None
    new: bool = False


@dataclass(frozen=True)
class Sustainment:
    as_of: date
    closed_on: date | None
    ends_on: date | None
    reopened_on: date | None
    came_back: tuple[ReturnedNeed, ...]
    unresolved: tuple[NeedFacts, ...]

    @property
    def state(self) -> SustainmentState:
        if self.closed_on is None:
            return SustainmentState.CASE_OPEN
        if self.came_back:
            return SustainmentState.NEED_CAME_BACK
        if self.unresolved:
            return SustainmentState.NOT_RESOLVED
        if self.as_of < self.ends_on:
            return SustainmentState.IN_SUSTAINMENT
        return SustainmentState.SUSTAINED

    @property
    def days_remaining(self) -> int | None:
        if self.ends_on is None:
            return None
        return max((self.ends_on - self.as_of).days, 0)


def _in_date_order(items):
    # sorted() is stable: events on the same day keep the order they were given in
    return sorted(items, key=lambda item: item.on)


def last_closure(facts: FamilyFacts, as_of: date) -> tuple[date | None, date | None]:
    """(the closure the sustainment runs from, or None while the case is open; the latest reopening)."""
    closed_on = reopened_on = None
    for event in _in_date_order(e for e in facts.case_events if e.on <= as_of):
        if event.kind == CaseEventKind.CLOSED:
            closed_on = event.on
        elif event.kind == CaseEventKind.REOPENED and closed_on is not None:
            closed_on, reopened_on = None, event.on
    return closed_on, reopened_on


def need_state_on(need: NeedFacts, day: date) -> NeedEventKind | None:
    """The need's state at the end of `day`: its latest evidence on or before it (None: never resolved)."""
    state = None
    for event in _in_date_order(e for e in need.events if e.on <= day):
        state = NeedEventKind(event.kind)
    return state


def needs_known_by(facts: FamilyFacts, day: date) -> tuple[NeedFacts, ...]:
    return tuple(need for need in facts.needs if need.identified_on <= day)


def sustainment(facts: FamilyFacts, as_of: date, months: int = DEFAULT_SUSTAINMENT_MONTHS) -> Sustainment:
    closed_on, reopened_on = last_closure(facts, as_of)
    judged_on = as_of if closed_on is None else closed_on
    unresolved = tuple(need for need in needs_known_by(facts, judged_on)
                       if need_state_on(need, judged_on) != NeedEventKind.RESOLVED)
    if closed_on is None:
        return Sustainment(as_of, None, None, reopened_on, (), unresolved)

    ends_on = add_calendar_months(closed_on, months)
    watched_to = min(ends_on, as_of)  # the end day itself counts: the need must still be resolved on it
    came_back = []
    for need in facts.needs:
        if closed_on < need.identified_on <= watched_to:
            came_back.append(ReturnedNeed(need, need.identified_on, need.need_ref, new=True))
        elif need.identified_on <= closed_on and need not in unresolved:
            came_back.extend(ReturnedNeed(need, event.on, event.evidence_ref)
                             for event in _in_date_order(need.events)
                             if event.kind == NeedEventKind.RECURRED and closed_on < event.on <= watched_to)
    came_back.sort(key=lambda returned: returned.on)
    return Sustainment(as_of, closed_on, ends_on, reopened_on, tuple(came_back), unresolved)


def needs_came_back(facts: FamilyFacts, as_of: date, months: int = DEFAULT_SUSTAINMENT_MONTHS) -> bool:
    """The flag for families whose needs came back during their sustainment period."""
    return sustainment(facts, as_of, months).state is SustainmentState.NEED_CAME_BACK


__all__ = [
    "DEFAULT_SUSTAINMENT_MONTHS",
    "ReturnedNeed",
    "Sustainment",
    "SustainmentState",
    "last_closure",
    "need_state_on",
    "needs_came_back",
    "needs_known_by",
    "sustainment",
]
