"""The demo's referrals: every state, several agencies, and near-duplicates the matcher finds."""
from sqlalchemy import func, select

from app.cases import matching
from app.cases.models import Family, FamilyStatus
from app.extensions import db
from app.referrals.models import Referral, ReferralStatus


def test_the_demo_has_referrals_in_every_state_and_near_duplicates_to_find(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    counts = select(Referral.status, func.count(Referral.id)).group_by(Referral.status)
    statuses = dict(db.session.execute(counts).all())
    assert set(statuses) == set(ReferralStatus)
    assert db.session.scalar(select(func.count(func.distinct(Referral.referring_agency_id)))) >= 3
    waiting = db.session.scalars(select(Referral).where(Referral.family_id.is_(None),
                                                        Referral.status == ReferralStatus.RECEIVED)
                                 .order_by(Referral.id)).all()
    found = 0
    for referral in waiting:
        entry = referral.people[0]
        probe = matching.PersonProbe(entry.given_name, entry.family_name, entry.date_of_birth, referral.postcode,
                                     gender=entry.gender.value)
        if matching.find_people(probe, min_score=0.75):
            found += 1
    assert found >= 5  # the seeded near-duplicates of known people
    referred = db.session.scalars(select(Family.id).where(Family.status == FamilyStatus.REFERRED)).all()
    accepted = set(db.session.scalars(select(Referral.family_id).where(Referral.status == ReferralStatus.ACCEPTED)))
    assert set(referred) <= accepted
    assert all(r.reference for r in db.session.scalars(select(Referral)))
