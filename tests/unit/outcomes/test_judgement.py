"""A need's judgement from its evidence: resolved after the rule's run of periods, came back, resolved again."""
from datetime import date, timedelta

from app.framework.rules import Comparison, MeasureKind, ResolutionRule
from app.outcomes.facts import NeedEventKind
from app.outcomes.judgement import EvidencePoint, NeedState, judge

ATTENDANCE = ResolutionRule(MeasureKind.PERCENTAGE, Comparison.AT_LEAST, 90, 3)
NO_OFFENCES = ResolutionRule(MeasureKind.COUNT, Comparison.AT_MOST, 0, 2)
ENGAGED = ResolutionRule(MeasureKind.YES_NO, Comparison.EQUAL, None, 1)


def terms(*values, start=date(2024, 9, 1), order_from=1):
    points = []
    for index, value in enumerate(values):
        begin = start + timedelta(days=120 * index)
        points.append(EvidencePoint(f"evidence:{order_from + index}", begin, begin + timedelta(days=100), value,
                                    order_from + index))
    return points


def test_no_evidence_is_not_judged_resolved():
    result = judge(ATTENDANCE, [])
    assert (result.state, result.resolved_on, result.events) == (NeedState.NO_EVIDENCE, None, ())


def test_resolved_on_the_last_day_of_the_third_period_in_a_row():
    points = terms(82, 91, 93, 95)
    result = judge(ATTENDANCE, points)
    assert result.state is NeedState.RESOLVED
    assert result.resolved_on == points[3].period_end
    assert [(e.kind, e.evidence_ref) for e in result.events] == [(NeedEventKind.RESOLVED, "evidence:4")]


def test_two_periods_are_not_enough_and_a_break_restarts_the_run():
    assert judge(ATTENDANCE, terms(91, 93)).state is NeedState.NOT_RESOLVED
    assert judge(ATTENDANCE, terms(91, 93, 85, 92, 94)).state is NeedState.NOT_RESOLVED
    assert judge(ATTENDANCE, terms(91, 93, 85, 92, 94, 90)).state is NeedState.RESOLVED


def test_a_failing_period_after_resolution_is_the_need_coming_back():
    points = terms(91, 93, 95, 70)
    result = judge(ATTENDANCE, points)
    assert result.state is NeedState.CAME_BACK
    assert result.recurred_on == points[3].period_end and result.resolved_on is None
    assert [e.kind for e in result.events] == [NeedEventKind.RESOLVED, NeedEventKind.RECURRED]
    again = judge(ATTENDANCE, terms(91, 93, 95, 70, 92, 93, 96))
    assert again.state is NeedState.RESOLVED
    assert [e.kind for e in again.events] == [NeedEventKind.RESOLVED, NeedEventKind.RECURRED, NeedEventKind.RESOLVED]


def test_evidence_is_taken_in_period_order_whatever_order_it_was_typed():
    points = terms(91, 93, 95)
    assert judge(ATTENDANCE, list(reversed(points))).resolved_on == points[2].period_end


def test_a_later_record_of_the_same_period_replaces_the_earlier_one():
    first = terms(91, 93, 70)
    corrected = EvidencePoint("evidence:9", first[2].period_start, first[2].period_end, 95, 9)
    assert judge(ATTENDANCE, first).state is NeedState.NOT_RESOLVED
    assert judge(ATTENDANCE, [*first, corrected]).state is NeedState.RESOLVED


def test_counts_and_yes_no_measures():
    assert judge(NO_OFFENCES, terms(2, 0, 0)).state is NeedState.RESOLVED
    assert judge(NO_OFFENCES, terms(0, 0, 1)).state is NeedState.CAME_BACK
    assert judge(ENGAGED, terms(False, True)).state is NeedState.RESOLVED
    assert judge(ENGAGED, terms(True, False)).state is NeedState.CAME_BACK


def test_as_of_ignores_evidence_for_later_periods():
    points = terms(91, 93, 95, 60)
    assert judge(ATTENDANCE, points, as_of=points[3].period_end - timedelta(days=1)).state is NeedState.RESOLVED
