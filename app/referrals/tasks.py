"""The referrals' "My tasks" provider: referrals waiting for triage, for the programme managers who
triage them, due by the triage target in working days. Registered when the blueprint is."""
from sqlalchemy import Select, select

from app.auth.models import Role
from app.common.tasks import Task, count_rows, register_task_provider
from app.extensions import db
from app.referrals.models import Referral, ReferralStatus
from app.referrals.queries import triage_target
from app.referrals.workdays import add_working_days


def _triages(user) -> bool:
    return getattr(user.role, "value", user.role) == Role.PROGRAMME_MANAGER.value


def _waiting_referrals() -> Select:
    return (select(Referral.id, Referral.reference, Referral.received_on)
            .where(Referral.status == ReferralStatus.RECEIVED).order_by(Referral.received_on, Referral.id))


def triage_tasks(user) -> list[Task]:
    if not _triages(user):
        return []
    target = triage_target()
    return [Task("referral_triage", f"Triage referral {ref}", f"/referrals/{rid}/triage",
                 add_working_days(received, target), "Referrals to triage")
            for rid, ref, received in db.session.execute(_waiting_referrals()).all()]


def triage_task_count(user) -> int:
    """The queue is the whole council's: counted for the menu on every page, not listed."""
    return count_rows(_waiting_referrals()) if _triages(user) else 0


def register_referral_tasks():
    register_task_provider(triage_tasks, count=triage_task_count)
