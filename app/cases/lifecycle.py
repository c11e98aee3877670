"""The lifecycle of a family's case (domain.md): referred -> attached -> assessment -> plan -> active
-> closed, and reopened.

`TRANSITIONS` is the pure table of allowed moves; `check_transition` applies it and the preconditions
to plain facts and raises a named error; `change_status` is the service: it checks, updates the
family, writes the status history (which the outcomes work reads for the sustainment clock) and audits.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app import audit
from app.cases.models import (
    Assessment,
    ClosureReason,
    Family,
    FamilyStatus,
    FamilyStatusChange,
    LeadAssignment,
    PlanGoal,
    StatusEvent,
)
from app.common.time import today_london
from app.extensions import db

S = FamilyStatus

# from -> the statuses it may move to. Closing is allowed from every open status; reopening is the
# one way out of closed, and puts the case back to active (its assessment and plan stand).
TRANSITIONS: dict[FamilyStatus, frozenset[FamilyStatus]] = {
    S.REFERRED: frozenset({S.ATTACHED, S.CLOSED}),
    S.ATTACHED: frozenset({S.ASSESSMENT, S.CLOSED}),
    S.ASSESSMENT: frozenset({S.PLAN, S.CLOSED}),
    S.PLAN: frozenset({S.ACTIVE, S.ASSESSMENT, S.CLOSED}),
    S.ACTIVE: frozenset({S.PLAN, S.CLOSED}),
    S.CLOSED: frozenset({S.ACTIVE}),
}

ACTION_LABELS = {
    S.ATTACHED: "Attach the family",
    S.ASSESSMENT: "Start the assessment",
    S.PLAN: "Agree the plan",
    S.ACTIVE: "Make the case active",
    S.CLOSED: "Close the case",
}

# Going back a step is a different act from going forward to it: an active case's plan is revised, not agreed.
BACKWARD_LABELS = {
    (S.ACTIVE, S.PLAN): "Revise the plan",
    (S.PLAN, S.ASSESSMENT): "Go back to the assessment",
}


def action_label(current: FamilyStatus, target: FamilyStatus) -> str:
    """What the button that moves a case from `current` to `target` says."""
    if current == S.CLOSED:
        return "Reopen the case"
    return BACKWARD_LABELS.get((current, target)) or ACTION_LABELS.get(target, target.label)


class LifecycleError(ValueError):
    """A transition the rules refuse; the message is fit to show the user."""

    field = "to_status"


class TransitionNotAllowed(LifecycleError):
    def __init__(self, current: FamilyStatus, wanted):
        label = getattr(wanted, "label", str(wanted))
        super().__init__(f"A case that is '{current.label}' cannot move to '{label}'")
        self.current, self.wanted = current, wanted


class ClosureReasonRequired(LifecycleError):
    field = "closure_reason"

    def __init__(self):
        super().__init__("Select why the case is closing")


class UnknownClosureReason(LifecycleError):
    field = "closure_reason"

    def __init__(self):
        super().__init__("Select a reason from the list")


class LeadPractitionerRequired(LifecycleError):
    def __init__(self):
        super().__init__("Name a lead practitioner before attaching or reopening the family")


class AssessmentNotCompleted(LifecycleError):
    def __init__(self):
        super().__init__("Complete the whole-family assessment before agreeing the plan")


class PlanHasNoGoals(LifecycleError):
    def __init__(self):
        super().__init__("Add at least one goal to the family plan before making the case active")


class InvalidTransitionDate(LifecycleError):
    field = "changed_on"


@dataclass(frozen=True)
class CaseFacts:
    """What the preconditions need to know about a family, gathered by the service."""

    status: FamilyStatus
    has_lead_practitioner: bool
    assessment_completed: bool
    plan_goal_count: int
    attached_on: date | None = None


def allowed_targets(status: FamilyStatus) -> list[FamilyStatus]:
    order = list(FamilyStatus)
    return sorted(TRANSITIONS.get(status, ()), key=order.index)


def check_transition(facts: CaseFacts, to_status, closure_reason: str | None = None,
                     allowed_reasons=None) -> FamilyStatus:
    """The target status if the move is allowed, else a named LifecycleError."""
    try:
        target = FamilyStatus(to_status)
    except ValueError:
        raise TransitionNotAllowed(facts.status, to_status) from None
    if target not in TRANSITIONS[facts.status]:
        raise TransitionNotAllowed(facts.status, target)
    if target == S.CLOSED:
        if not closure_reason:
            raise ClosureReasonRequired()
        reasons = allowed_reasons if allowed_reasons is not None else {r.value for r in ClosureReason}
        if closure_reason not in reasons:
            raise UnknownClosureReason()
    if target in (S.ATTACHED, S.ACTIVE) and not facts.has_lead_practitioner:
        raise LeadPractitionerRequired()
    if target == S.PLAN and facts.status == S.ASSESSMENT and not facts.assessment_completed:
        raise AssessmentNotCompleted()
    if target == S.ACTIVE and facts.status == S.PLAN and facts.plan_goal_count == 0:
        raise PlanHasNoGoals()
    return target


def case_facts(family: Family) -> CaseFacts:
    completed = db.session.scalar(select(func.count(Assessment.id)).where(
        Assessment.family_id == family.id, Assessment.completed_on.is_not(None)))
    goals = db.session.scalar(select(func.count(PlanGoal.id)).where(PlanGoal.family_id == family.id))
    return CaseFacts(family.status, family.lead_practitioner_id is not None, bool(completed), goals or 0,
                     family.attached_on)


def change_status(family: Family, to_status, *, actor=None, closure_reason: str | None = None,
                  on: date | None = None) -> FamilyStatusChange:
    """Move the case, record the history row and audit it. Services flush; the caller commits."""
    on = on or today_london()
    facts = case_facts(family)
    target = check_transition(facts, to_status, closure_reason)
    if on > today_london():
        raise InvalidTransitionDate("The date must be today or in the past")
    previous = family.status
    event = StatusEvent.CHANGED
    if target == S.CLOSED:
        if family.attached_on and on < family.attached_on:
            raise InvalidTransitionDate("The closing date must be on or after the date the family was attached")
        family.closed_on, family.closure_reason = on, closure_reason
        event = StatusEvent.CLOSED
    elif previous == S.CLOSED:
        # Reopening restarts the sustainment clock: the case is open again from today.
        family.closed_on, family.closure_reason, family.reopened_on = None, None, on
        event = StatusEvent.REOPENED
    if target == S.ATTACHED and family.attached_on is None:
        family.attached_on = on
        _open_lead_assignment(family, on, actor)
    family.status = target
    change = FamilyStatusChange(family_id=family.id, from_status=previous, to_status=target, event=event,
                                changed_on=on, closure_reason=closure_reason if target == S.CLOSED else None,
                                changed_by_id=getattr(actor, "id", None),
                                holding_agency_id=getattr(actor, "agency_id", None))
    db.session.add(change)
    db.session.flush()
    audit.record("FamilyReopened" if event == StatusEvent.REOPENED else
                 "FamilyClosed" if event == StatusEvent.CLOSED else "FamilyStatusChanged",
                 actor=actor, object_type="family", object_id=family.id, family_id=family.id,
                 from_status=previous.value, to_status=target.value, closure_reason=change.closure_reason)
    return change


def _open_lead_assignment(family, on, actor):
    if family.lead_practitioner_id is None:
        return
    exists = db.session.scalar(select(LeadAssignment.id).where(
        LeadAssignment.family_id == family.id, LeadAssignment.ended_on.is_(None)).limit(1))
    if exists is None:
        db.session.add(LeadAssignment(family_id=family.id, user_id=family.lead_practitioner_id, assigned_on=on,
                                      assigned_by_id=getattr(actor, "id", None)))
