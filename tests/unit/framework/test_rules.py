import pytest

from app.framework.rules import Comparison, MeasureKind, ResolutionRule, describe_rule, descriptor_problems

VALID = {"code": "school_attendance_below_90", "description": "School attendance below 90%",
         "measure": "Attendance percentage over a term", "resolved_when": "At or above 90% over three terms",
         "measure_kind": "percentage", "comparison": ">=", "threshold": 90, "consecutive_periods": 3,
         "period_unit": "term", "category": "education"}


def test_a_valid_descriptor_has_no_problems():
    assert descriptor_problems(VALID, "education") == {}


@pytest.mark.parametrize("changes, field, message", [
    ({"code": "School Attendance"}, "code", "lower-case letters"),
    ({"code": ""}, "code", "Enter a code"),
    ({"description": "  "}, "description", "Enter the need"),
    ({"resolved_when": "x" * 1001}, "resolved_when", "1000 characters or fewer"),
    ({"threshold": None}, "threshold", "Enter the threshold"),
    ({"threshold": 120}, "threshold", "between 0 and 100"),
    ({"measure_kind": "count", "threshold": 1.5}, "threshold", "whole number"),
    ({"measure_kind": "yes_no", "comparison": "==", "threshold": 90}, "threshold", "Leave the threshold empty"),
    ({"measure_kind": "yes_no", "comparison": ">=", "threshold": None}, "comparison", "Exactly"),
    ({"measure_kind": "loudness"}, "measure_kind", "Select the kind of measure"),
    ({"consecutive_periods": 0}, "consecutive_periods", "between 1 and 36"),
    ({"period_unit": "decade"}, "period_unit", "Select the period"),
    ({"category": "crime"}, "category", "must be education data"),
    ({"category": "gossip"}, "category", "Select the data category"),
])
def test_bad_descriptors_are_refused_with_a_message_on_the_field(changes, field, message):
    problems = descriptor_problems({**VALID, **changes}, "education")
    assert message in problems[field]


def test_health_allows_health_or_mental_health_only():
    assert descriptor_problems({**VALID, "category": "mental_health"}, "health") == {}
    assert "health or mental health" in descriptor_problems({**VALID, "category": "education"}, "health")["category"]


def test_code_can_be_left_unchecked_for_edits():
    assert descriptor_problems({**VALID, "code": None}, "education", check_code=False) == {}


def test_percentage_rule_needs_consecutive_periods_at_the_end():
    rule = ResolutionRule(MeasureKind.PERCENTAGE, Comparison.AT_LEAST, 90, 3)
    assert rule.resolved_by([80, 91, 90, 95])
    assert not rule.resolved_by([91, 92, 85])  # the latest term fell short
    assert not rule.resolved_by([95, 96])  # not enough terms yet
    assert not rule.met_by(None)


def test_count_and_yes_no_rules():
    none_for_six = ResolutionRule(MeasureKind.COUNT, Comparison.AT_MOST, 0, 6)
    assert none_for_six.resolved_by([2, 0, 0, 0, 0, 0, 0])
    assert not none_for_six.resolved_by([0, 0, 0, 1, 0, 0])
    exactly = ResolutionRule(MeasureKind.COUNT, Comparison.EQUAL, 2, 1)
    assert exactly.met_by(2) and not exactly.met_by(3)
    yes = ResolutionRule(MeasureKind.YES_NO, Comparison.EQUAL, None, 2)
    assert yes.resolved_by([False, True, True])
    assert not yes.resolved_by([True, False])


def test_rule_in_words():
    assert describe_rule("percentage", ">=", 90, 3, "term") == "at least 90% for 3 terms in a row"
    assert describe_rule("count", "<=", 0, 6, "month") == "none for 6 months in a row"
    assert describe_rule("count", "<=", 2, 1, "quarter") == "at most 2 for 1 quarter"
    assert describe_rule("yes_no", "==", None, 26, "week") == "yes for 26 weeks in a row"
