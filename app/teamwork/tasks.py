"""Teamwork's "My tasks" providers (one query each) and the audiences and address book that the
notifications service in `common` asks for. Registered once, when the app is created."""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import Select, select

from app.auth.models import Role, User
from app.cases.models import OPEN_GOAL_STATUSES, Family, LeadAssignment, PlanGoal, PlanReview
from app.common.notifications import register_audience, set_address_book
from app.common.tasks import Task, count_rows, register_task_provider
from app.common.time import today_london
from app.extensions import db
from app.sharing.models import Consent, IgAlert, RequestStatus, SharingRequest
from app.teamwork.models import HandoverNote, MeetingAction
from app.teamwork.services import family_path, team_user_ids


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


def _open_sharing_requests(user) -> Select:
    return (select(SharingRequest.id, Family.reference)
            .join(Family, Family.id == SharingRequest.family_id)
            .where(SharingRequest.holding_agency_id == user.agency_id, SharingRequest.status == RequestStatus.OPEN)
            .order_by(SharingRequest.created_at_utc, SharingRequest.id))


def sharing_request_tasks(user) -> list[Task]:
    """Requests to share that the user's agency holds the information for; its designated leads answer them."""
    if not user.is_designated_lead:
        return []
    return [Task("sharing_request", f"Answer a request to share about family {ref}", f"/sharing/requests/{rid}",
                 None, "Sharing requests") for rid, ref in db.session.execute(_open_sharing_requests(user)).all()]


def sharing_request_count(user) -> int:
    return count_rows(_open_sharing_requests(user)) if user.is_designated_lead else 0


CONSENT_REVIEW_NOTICE_DAYS = 30


def consent_review_tasks(user) -> list[Task]:
    """Consents of the families the user leads that lapse within a month and have not been withdrawn."""
    horizon = today_london() + timedelta(days=CONSENT_REVIEW_NOTICE_DAYS)
    rows = db.session.execute(
        select(Consent.id, Consent.family_id, Family.reference, Consent.review_on)
        .join(Family, Family.id == Consent.family_id)
        .where(Family.lead_practitioner_id == user.id, Consent.withdrawn_on.is_(None), Consent.review_on.is_not(None),
               Consent.review_on <= horizon, Family.closed_on.is_(None))
        .order_by(Consent.review_on, Consent.id)).all()
    return [Task("consent_review", f"Review consent for family {ref}", family_path(fid, "consent"), due, "Reviews")
            for _, fid, ref, due in rows]


def _is_ig_officer(user) -> bool:
    return getattr(user.role, "value", user.role) == Role.IG_OFFICER.value


def _alerts_to_review() -> Select:
    return (select(IgAlert.id, Family.reference, IgAlert.due_on, IgAlert.kind)
            .outerjoin(Family, Family.id == IgAlert.family_id)  # an export-limit alert is about no family
            .where(IgAlert.reviewed_at_utc.is_(None)).order_by(IgAlert.due_on, IgAlert.id))


def ig_alert_tasks(user) -> list[Task]:
    if not _is_ig_officer(user):
        return []
    return [Task("ig_alert", f"Review {kind.label.lower()}" + (f" for family {ref}" if ref else ""),
                 f"/information-governance/alerts/{aid}", due, "Information governance alerts")
            for aid, ref, due, kind in db.session.execute(_alerts_to_review()).all()]


def ig_alert_count(user) -> int:
    return count_rows(_alerts_to_review()) if _is_ig_officer(user) else 0


def triage_audience(**_):
    """Who is told about a new referral: the programme managers who triage them."""
    return db.session.scalars(select(User.id).where(User.role == Role.PROGRAMME_MANAGER, User.active.is_(True))
                              .order_by(User.id)).all()


def family_team_audience(*, family_id, **_):
    """The workers around a family today (its lead practitioner and named team members)."""
    family = db.session.get(Family, family_id)
    return sorted(team_user_ids(family)) if family is not None else []


def addresses(user_ids) -> dict[int, str]:
    rows = db.session.execute(select(User.id, User.email).where(User.id.in_(list(user_ids)), User.active.is_(True))
                              .order_by(User.id)).all()
    return dict(rows)


def register_teamwork_tasks():
    # The user's own work is listed to be counted; the queues an agency or the council shares are counted in SQL.
    for provider in (meeting_action_tasks, plan_goal_tasks, plan_review_tasks, handover_to_write_tasks,
                     handover_to_acknowledge_tasks, consent_review_tasks):
        register_task_provider(provider)
    register_task_provider(sharing_request_tasks, count=sharing_request_count)
    register_task_provider(ig_alert_tasks, count=ig_alert_count)
    register_audience("triage", triage_audience)
    register_audience("family_team", family_team_audience)
    set_address_book(addresses)
