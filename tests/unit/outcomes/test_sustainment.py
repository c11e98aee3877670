from dataclasses import replace
from datetime import date

from app.outcomes.facts import NeedEventKind
from app.outcomes.sustainment import SustainmentState, last_closure, need_state_on, needs_came_back, sustainment
from tests.unit.outcomes.builders import (
    CLAIMABLE,
    CLOSED,
    closed,
    need,
    plus_need,
    recurred,
    reopened,
    resolved,
    sf_family,
    with_need,
)


def test_states_over_the_life_of_a_case():
    assert sustainment(sf_family(case_events=()), CLAIMABLE).state is SustainmentState.CASE_OPEN
    in_progress = sustainment(sf_family(), date(2025, 5, 1))
    assert in_progress.state is SustainmentState.IN_SUSTAINMENT
    assert (in_progress.closed_on, in_progress.ends_on, in_progress.days_remaining) == (CLOSED, CLAIMABLE, 91)
    done = sustainment(sf_family(), CLAIMABLE)
    assert done.state is SustainmentState.SUSTAINED and done.days_remaining == 0


def test_a_need_not_resolved_at_closure_is_not_in_sustainment():
    status = sustainment(with_need(sf_family(), 0, events=()), date(2025, 5, 1))
    assert status.state is SustainmentState.NOT_RESOLVED
    assert [n.need_ref for n in status.unresolved] == ["need:1"]


def test_families_whose_needs_came_back_are_flagged():
    facts = with_need(sf_family(), 2, events=(resolved(date(2024, 5, 1)), recurred(date(2025, 3, 9), "evidence:77")))
    assert not needs_came_back(facts, date(2025, 3, 8))  # judged before it happened
    assert needs_came_back(facts, date(2025, 3, 9))
    status = sustainment(facts, date(2025, 4, 1))
    assert status.state is SustainmentState.NEED_CAME_BACK
    assert [(r.need.need_ref, r.on, r.evidence_ref, r.new) for r in status.came_back] == [
        ("need:3", date(2025, 3, 9), "evidence:77", False)]


def test_a_new_need_during_sustainment_is_flagged_too():
    facts = plus_need(sf_family(), need(9, "crime", "proven_offence", identified=date(2025, 2, 10),
                                        at_attachment=False, events=()))
    status = sustainment(facts, date(2025, 3, 1))
    assert status.state is SustainmentState.NEED_CAME_BACK
    assert status.came_back[0].new and status.came_back[0].on == date(2025, 2, 10)
    # the same need identified after the period ended is a new story, not a failed sustainment
    later = plus_need(sf_family(), need(9, "crime", "proven_offence", identified=date(2025, 8, 1),
                                        at_attachment=False, events=()))
    assert sustainment(later, date(2025, 8, 2)).state is SustainmentState.SUSTAINED


def test_the_clock_runs_from_the_last_closure():
    events = (closed(CLOSED), reopened(date(2025, 3, 3)), closed(date(2025, 4, 30)))
    assert last_closure(sf_family(case_events=events), date(2025, 3, 1)) == (CLOSED, None)
    assert last_closure(sf_family(case_events=events), date(2025, 3, 3)) == (None, date(2025, 3, 3))
    assert last_closure(sf_family(case_events=events), date(2025, 5, 1)) == (date(2025, 4, 30), date(2025, 3, 3))
    # events given out of order are put in date order
    assert last_closure(sf_family(case_events=tuple(reversed(events))), date(2025, 5, 1))[0] == date(2025, 4, 30)


def test_events_on_the_same_day_count_in_the_order_given():
    closed_then_reopened = sf_family(case_events=(closed(CLOSED), reopened(CLOSED)))
    assert last_closure(closed_then_reopened, CLAIMABLE) == (None, CLOSED)
    resolved_then_back = replace(sf_family().needs[0], events=(resolved(CLOSED), recurred(CLOSED)))
    assert need_state_on(resolved_then_back, CLOSED) is NeedEventKind.RECURRED
    assert need_state_on(resolved_then_back, date(2025, 1, 30)) is None


def test_a_recurrence_on_the_closure_day_means_it_was_not_resolved_at_closure():
    facts = with_need(sf_family(), 0, events=(resolved(date(2024, 5, 1)), recurred(CLOSED)))
    status = sustainment(facts, CLAIMABLE)
    assert status.state is SustainmentState.NOT_RESOLVED
    assert status.came_back == ()


def test_a_configured_period():
    assert sustainment(sf_family(), date(2025, 1, 31), months=12).ends_on == date(2026, 1, 31)
