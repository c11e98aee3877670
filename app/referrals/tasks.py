"""The referrals' "My tasks" provider: referrals waiting for triage, for the programme managers who
triage them, due by the triage target in working days. Registered when the blueprint is."""
from sqlalchemy import select

from app.auth.models import Role
from app.common.tasks import Task, register_task_provider
from app.extensions import db
from app.referrals.models import Referral, ReferralStatus
from app.referrals.queries import triage_target
from app.referrals.workdays import add_working_days


def triage_tasks(user) -> list[Task]:
    if getattr(user.role, "value", user.role) != Role.PROGRAMME_MANAGER.value:
        return []
    rows = db.session.execute(select(Referral.id, Referral.reference, Referral.received_on)
                              .where(Referral.status == ReferralStatus.RECEIVED)
                              .order_by(Referral.received_on, Referral.id)).all()
    target = triage_target()
    return [Task("referral_triage", f"Triage referral {ref}", f"/referrals/{rid}/triage",
                 add_working_days(received, target), "Referrals to triage") for rid, ref, received in rows]


def register_referral_tasks():
    register_task_provider(triage_tasks)
