"""The "referral received" entries of the family timeline, registered with `app.cases.timeline` when
the app is created. An entry is operational (who referred, when, the status); what the referral says
stays behind the referral visibility rule, so the link shows only to those who may open it."""
import sqlalchemy as sa
from flask import url_for

from app.auth.models import Agency
from app.cases.timeline import TimelineItem, TimelineProvider, register_provider, row
from app.extensions import db
from app.referrals.models import Referral
from app.sharing import policy
from app.sharing.policy import ReferralFacts


def _select(family_id):
    return sa.select(*row(Referral.created_at_utc, "referral", Referral.id, Referral.referring_agency_id)).where(
        Referral.family_id == family_id)


def _hydrate(ids, ctx):
    rows = db.session.execute(
        sa.select(Referral, Agency.name).join(Agency, Agency.id == Referral.referring_agency_id)
        .where(Referral.id.in_(ids)).order_by(Referral.id)).all()
    items = {}
    for referral, agency_name in rows:
        allowed = policy.may_view_referral(ctx.viewer, ReferralFacts(referral.referrer_user_id,
                                                                     referral.referring_agency_id))
        items[referral.id] = TimelineItem(
            kind="referral", item_id=referral.id, when=referral.created_at_utc,
            title=f"Referral {referral.reference} received ({referral.status.label.lower()})",
            agency_name=agency_name, href=url_for("referrals.show", referral_id=referral.id) if allowed else None,
            label="Referral")
    return items


def register_referral_timeline():
    register_provider(TimelineProvider("referral", "Referral received", _select, _hydrate, order=5))
