"""Teamwork's "My tasks" providers (one query each) and the audiences and address book that the
notifications service in `common` asks for. Registered once, when the app is created."""
import sqlalchemy as sa
from sqlalchemy import select

from app.auth.models import Role, User
from app.cases.models import OPEN_GOAL_STATUSES, Family, LeadAssignment, PlanGoal, PlanReview
from app.common.notifications import register_audience, set_address_book
from app.common.tasks import Task, register_task_provider
from app.extensions import db
from app.teamwork.models import HandoverNote, MeetingAction
from app.teamwork.services import family_path


def meeting_action_tasks(user) -> list[Task]:
    rows = db.session.execute(
        select(MeetingAction.id, MeetingAction.family_id, Family.reference, PlanGoal.due_on)
        .join(PlanGoal, PlanGoal.id == MeetingAction.plan_goal_id).join(Family, Family.id == MeetingAction.family_id)
        .where(MeetingAction.owner_user_id == user.id, PlanGoal.status.in_(OPEN_GOAL_STATUSES))
        .order_by(PlanGoal.due_on, MeetingAction.id)).all()
    return [Task("meeting_action", f"Meeting action for family {ref}", family_path(fid, "plan"), due, "Actions")
            for _, fid, ref, due in rows]


def plan_goal_tasks(user) -> list[Task]:
    """Open plan actions of the families the user leads that their agency owns (meeting actions have an owner)."""
    rows = db.session.execute(
        select(PlanGoal.id, PlanGoal.family_id, Family.reference, PlanGoal.due_on)
        .join(Family, Family.id == PlanGoal.family_id)
        .outerjoin(MeetingAction, MeetingAction.plan_goal_id == PlanGoal.id)
        .where(Family.lead_practitioner_id == user.id, PlanGoal.owner_agency_id == user.agency_id,
               PlanGoal.status.in_(OPEN_GOAL_STATUSES), MeetingAction.id.is_(None))
        .order_by(PlanGoal.due_on, PlanGoal.id)).all()
    return [Task("plan_action", f"Plan action for family {ref}", family_path(fid, "plan"), due, "Actions")
            for _, fid, ref, due in rows]


def plan_review_tasks(user) -> list[Task]:
    rows = db.session.execute(
        select(PlanReview.id, PlanReview.family_id, Family.reference, PlanReview.due_on)
        .join(Family, Family.id == PlanReview.family_id)
        .where(Family.lead_practitioner_id == user.id, PlanReview.held_on.is_(None), Family.closed_on.is_(None))
        .order_by(PlanReview.due_on, PlanReview.id)).all()
    return [Task("plan_review", f"Plan review for family {ref}", family_path(fid, "plan"), due, "Reviews")
            for _, fid, ref, due in rows]


def handover_to_write_tasks(user) -> list[Task]:
    rows = db.session.execute(
        select(LeadAssignment.id, LeadAssignment.family_id, Family.reference, LeadAssignment.ended_on)
        .join(Family, Family.id == LeadAssignment.family_id)
        .where(LeadAssignment.user_id == user.id, LeadAssignment.ended_on.is_not(None),
               ~sa.exists().where(HandoverNote.lead_assignment_id == LeadAssignment.id))
        .order_by(LeadAssignment.ended_on, LeadAssignment.id)).all()
    return [Task("handover_write", f"Write a handover note for family {ref}", family_path(fid, "handover", "new"),
                 ended, "Handovers") for _, fid, ref, ended in rows]


def handover_to_acknowledge_tasks(user) -> list[Task]:
    rows = db.session.execute(
        select(HandoverNote.id, HandoverNote.family_id, Family.reference)
        .join(Family, Family.id == HandoverNote.family_id)
        .where(HandoverNote.incoming_user_id == user.id, HandoverNote.acknowledged_at_utc.is_(None))
        .order_by(HandoverNote.id)).all()
    return [Task("handover_acknowledge", f"Read and acknowledge the handover for family {ref}",
                 family_path(fid, "handover", nid), None, "Handovers") for nid, fid, ref in rows]


def triage_audience(**_):
    """Who is told about a new referral: the programme managers who triage them."""
    return db.session.scalars(select(User.id).where(User.role == Role.PROGRAMME_MANAGER, User.active.is_(True))
                              .order_by(User.id)).all()


def addresses(user_ids) -> dict[int, str]:
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(list(user_ids)), User.active.is_(True))
                              .order_by(User.id)).all()
    return dict(rows)


def register_teamwork_tasks():
    for provider in (meeting_action_tasks, plan_goal_tasks, plan_review_tasks, handover_to_write_tasks,
                     handover_to_acknowledge_tasks):
        register_task_provider(provider)
    register_audience("triage", triage_audience)
    set_address_book(addresses)
