"""The lifecycle's transition table and preconditions, as pure functions."""
import pytest

from app.cases import lifecycle
from app.cases.lifecycle import CaseFacts, check_transition
from app.cases.models import FamilyStatus as S

READY = {"has_lead_practitioner": True, "assessment_completed": True, "plan_goal_count": 2}
ALLOWED = {
    (S.REFERRED, S.ATTACHED), (S.REFERRED, S.CLOSED), (S.ATTACHED, S.ASSESSMENT), (S.ATTACHED, S.CLOSED),
    (S.ASSESSMENT, S.PLAN), (S.ASSESSMENT, S.CLOSED), (S.PLAN, S.ACTIVE), (S.PLAN, S.ASSESSMENT),
    (S.PLAN, S.CLOSED), (S.ACTIVE, S.PLAN), (S.ACTIVE, S.CLOSED), (S.CLOSED, S.ACTIVE),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_every_transition_is_allowed_or_refused_by_the_table(current, target):
    facts = CaseFacts(current, **READY)
    if (current, target) in ALLOWED:
        assert check_transition(facts, target.value, closure_reason="needs_met") == target
    else:
        with pytest.raises(lifecycle.TransitionNotAllowed):
            check_transition(facts, target.value, closure_reason="needs_met")


def test_an_unknown_status_is_refused():
    with pytest.raises(lifecycle.TransitionNotAllowed):
        check_transition(CaseFacts(S.ACTIVE, **READY), "finished")


def test_closing_needs_a_known_reason():
    with pytest.raises(lifecycle.ClosureReasonRequired):
        check_transition(CaseFacts(S.ACTIVE, **READY), "closed")
    with pytest.raises(lifecycle.UnknownClosureReason):
        check_transition(CaseFacts(S.ACTIVE, **READY), "closed", closure_reason="bored")
    for reason in ("needs_met", "stepped_down", "stepped_up", "disengaged", "moved_away"):
        assert check_transition(CaseFacts(S.ACTIVE, **READY), "closed", closure_reason=reason) == S.CLOSED


def test_attaching_and_reopening_need_a_lead_practitioner():
    no_lead = {**READY, "has_lead_practitioner": False}
    with pytest.raises(lifecycle.LeadPractitionerRequired):
        check_transition(CaseFacts(S.REFERRED, **no_lead), "attached")
    with pytest.raises(lifecycle.LeadPractitionerRequired):
        check_transition(CaseFacts(S.CLOSED, **no_lead), "active")


def test_the_plan_needs_a_completed_assessment_and_active_needs_goals():
    with pytest.raises(lifecycle.AssessmentNotCompleted):
        check_transition(CaseFacts(S.ASSESSMENT, **{**READY, "assessment_completed": False}), "plan")
    with pytest.raises(lifecycle.PlanHasNoGoals):
        check_transition(CaseFacts(S.PLAN, **{**READY, "plan_goal_count": 0}), "active")


def test_allowed_targets_follow_the_lifecycle_order():
    assert lifecycle.allowed_targets(S.PLAN) == [S.ASSESSMENT, S.ACTIVE, S.CLOSED]


@pytest.mark.parametrize(("current", "target", "label"), [
    (S.ASSESSMENT, S.PLAN, "Agree the plan"),
    (S.ACTIVE, S.PLAN, "Revise the plan"),
    (S.PLAN, S.ACTIVE, "Make the case active"),
    (S.PLAN, S.ASSESSMENT, "Go back to the assessment"),
    (S.ATTACHED, S.ASSESSMENT, "Start the assessment"),
    (S.ACTIVE, S.CLOSED, "Close the case"),
    (S.CLOSED, S.ACTIVE, "Reopen the case"),
])
def test_a_button_says_what_the_step_does_from_where_the_case_is(current, target, label):
    assert lifecycle.action_label(current, target) == label


def test_every_allowed_step_has_a_label():
    assert all(lifecycle.action_label(current, target) for current, target in ALLOWED)
