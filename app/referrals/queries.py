"""Reads of referrals. Every read passes the referral visibility rule of `app.sharing.policy`: lists
through its SQL face (`referral_filter`), one referral through `may_view_referral` (404 otherwise)."""
from dataclasses import dataclass
from datetime import date

from flask import abort, current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit
from app.auth.models import Agency, User
from app.common.time import today_london
from app.extensions import db
from app.referrals.models import Referral, ReferralStatus
from app.referrals.workdays import working_days_between
from app.sharing import policy
from app.sharing.policy import ReferralFacts, Viewer


def visible_referrals(user):
    viewer = Viewer.of(user)
    return select(Referral).where(policy.referral_filter(
        viewer, referrer_user_id=Referral.referrer_user_id, referring_agency_id=Referral.referring_agency_id))


def referrals_page(user, *, page=1, per_page=25):
    """The referrals the user may see (their own; their agency's if a designated lead), newest first."""
    query = (visible_referrals(user)
             .options(selectinload(Referral.referring_agency), selectinload(Referral.referrer),
                      selectinload(Referral.people))
             .order_by(Referral.received_on.desc(), Referral.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class QueueEntry:
    referral: Referral
    days_waiting: int
    overdue: bool


def triage_target() -> int:
    return int(current_app.config["REFERRAL_TRIAGE_TARGET_WORKING_DAYS"])


def triage_queue(user, *, page=1, per_page=25, today: date | None = None):
    """Referrals awaiting triage, oldest first, each with its working days waiting."""
    today = today or today_london()
    query = (visible_referrals(user).where(Referral.status == ReferralStatus.RECEIVED)
             .options(selectinload(Referral.referring_agency), selectinload(Referral.people))
             .order_by(Referral.received_on, Referral.id))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    target = triage_target()
    entries = []
    for referral in pagination.items:
        waiting = working_days_between(referral.received_on, today)
        entries.append(QueueEntry(referral, waiting, waiting > target))
    return pagination, entries


def load_referral(user, referral_id: int) -> Referral:
    """One referral with its people and reasons, or 404 (audited) when the user may not see it."""
    referral = db.session.scalar(
        select(Referral).where(Referral.id == referral_id)
        .options(selectinload(Referral.people), selectinload(Referral.reasons),
                 selectinload(Referral.referring_agency), selectinload(Referral.referrer)))
    if referral is None:
        abort(404)
    decision = policy.may_view_referral(Viewer.of(user), ReferralFacts(referral.referrer_user_id,
                                                                      referral.referring_agency_id))
    if not decision:
        audit.record_refusal("ReferralAccessRefused", object_type="referral", object_id=referral.id,
                             reason=decision.reason)
        abort(404)
    return referral


def referral_by_reference(reference: str) -> Referral | None:
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    return db.session.scalar(select(Referral).where(Referral.reference == reference))


def agency_name(agency_id: int) -> str | None:
    return db.session.scalar(select(Agency.name).where(Agency.id == agency_id))


def user_name(user_id: int | None) -> str | None:
    return db.session.scalar(select(User.name).where(User.id == user_id)) if user_id else None
