"""A hand-counted programme for October 2026 (the counts each test expects are worked out in comments).

Families (10): F7 referred; F1 attached; F2 assessment; F3 plan; F4, F5, F6 active; F8, F9, F10 closed.
kw1 leads F1-F4 (and closed F8), kw2 leads F5-F6.
Referrals: R1 police 1 Oct, triaged 2 Oct (1 working day), accepted -> F1 attached 5 Oct (4 days)
           R2 police 5 Oct, triaged 15 Oct (8 working days, past target), accepted -> F2 attached 20 Oct (15 days)
           R3 early help 6 Oct, triaged 7 Oct (1), accepted -> F3 attached 8 Oct (2 days)
           R4 early help 12 Oct, triaged 13 Oct (1), declined
           R5 early help 20 Oct, awaiting triage
           R6 early help 10 Sep, triaged 1 Oct (15, past target), accepted -> F4 attached 2 Oct (22 days)
           R7 police 3 Aug, triaged 4 Aug, accepted -> F5 attached 9 Oct (67 days); F6 attached 9 Oct, no referral
Interventions in October: early help home visits x2 (F1, F2), police x1 (F4); one deleted and one in November.
Needs at attachment: F1 two under headline A, F2 one under B; F3's need not at attachment; F7 not attached.
Needs resolved: one of F1's (headline A) on 20 Oct; F2's (B) on 1 Sep.
Closed: F8 on 15 Mar 2026 (sustainment complete by 31 Oct), F9 on 10 Jul (in sustainment), F10 5 Nov (after).
"""
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from app.cases import services as case_services
from app.cases.models import Family, FamilyStatus, Intervention, InterventionType, Need, Person, Relationship
from app.extensions import db
from app.framework.categories import DataCategory
from app.framework.models import Descriptor
from app.framework.services import seed_default_framework, version_in_force
from app.outcomes.judgement import NeedState
from app.outcomes.models import NeedJudgement
from app.referrals.models import ConsentPosition, DeclineReason, Referral, ReferralStatus

D = date


@dataclass
class Programme:
    early_help: object
    police: object
    kw1: object
    kw2: object
    families: dict
    headline_a: str
    headline_b: str
    headline_a_name: str
    headline_b_name: str


@pytest.fixture
def programme(app, factory):
    early_help, police = factory.agency("early_help"), factory.agency("police")
    kw1 = factory.user("key_worker", agency=early_help, name="Alex Key")
    kw2 = factory.user("key_worker", agency=early_help, name="Blair Worker")
    police_officer = factory.user("practitioner", agency=police)
    if version_in_force(D(2026, 10, 1)) is None:
        seed_default_framework()
    version = version_in_force(D(2026, 10, 1))
    case_services.seed_intervention_types()

    def family(n, status, lead=None, attached=None, closed=None):
        fam = Family(reference=f"HF-T{n:05d}", status=status, lead_practitioner_id=lead.id if lead else None,
                     attached_on=attached, closed_on=closed, postcode="DM1 2AB")
        db.session.add(fam)
        return fam

    f = {
        1: family(1, FamilyStatus.ATTACHED, kw1, D(2026, 10, 5)),
        2: family(2, FamilyStatus.ASSESSMENT, kw1, D(2026, 10, 20)),
        3: family(3, FamilyStatus.PLAN, kw1, D(2026, 10, 8)),
        4: family(4, FamilyStatus.ACTIVE, kw1, D(2026, 10, 2)),
        5: family(5, FamilyStatus.ACTIVE, kw2, D(2026, 10, 9)),
        6: family(6, FamilyStatus.ACTIVE, kw2, D(2026, 10, 9)),
        7: family(7, FamilyStatus.REFERRED),
        8: family(8, FamilyStatus.CLOSED, kw1, D(2025, 9, 1), D(2026, 3, 15)),
        9: family(9, FamilyStatus.CLOSED, None, D(2026, 1, 5), D(2026, 7, 10)),
        10: family(10, FamilyStatus.CLOSED, None, D(2026, 2, 5), D(2026, 11, 5)),
    }
    db.session.flush()

    def referral(agency, received, triaged=None, status=ReferralStatus.RECEIVED, fam=None, **extra):
        referrer = police_officer if agency is police else kw1
        db.session.add(Referral(
            referrer_user_id=referrer.id, referring_agency_id=agency.id, received_on=received, summary="Test",
            consent_position=ConsentPosition.AGREED, framework_version_id=version.id, status=status,
            triaged_on=triaged, triaged_by_user_id=kw1.id if triaged else None,
            family_id=fam.id if fam else None, **extra))

    accepted = ReferralStatus.ACCEPTED
    referral(police, D(2026, 10, 1), D(2026, 10, 2), accepted, f[1])
    referral(police, D(2026, 10, 5), D(2026, 10, 15), accepted, f[2])
    referral(early_help, D(2026, 10, 6), D(2026, 10, 7), accepted, f[3])
    referral(early_help, D(2026, 10, 12), D(2026, 10, 13), ReferralStatus.DECLINED,
             decline_reason=DeclineReason.NOT_ELIGIBLE)
    referral(early_help, D(2026, 10, 20))
    referral(early_help, D(2026, 9, 10), D(2026, 10, 1), accepted, f[4])
    referral(police, D(2026, 8, 3), D(2026, 8, 4), accepted, f[5])

    home_visit = db.session.scalar(select(InterventionType).where(InterventionType.code == "home_visit"))
    other_type = db.session.scalar(select(InterventionType).where(InterventionType.code != "home_visit")
                                   .order_by(InterventionType.id))

    def intervention(fam, agency, on, kind, **extra):
        db.session.add(Intervention(family_id=fam.id, type_id=kind.id, agency_id=agency.id,
                                    holding_agency_id=agency.id, occurred_on=on, duration_minutes=90,
                                    summary="Visit", category=DataCategory.CASE_NOTE, **extra))

    intervention(f[1], early_help, D(2026, 10, 3), home_visit)
    intervention(f[2], early_help, D(2026, 10, 10), home_visit)
    intervention(f[4], police, D(2026, 10, 12), other_type)
    intervention(f[1], early_help, D(2026, 10, 14), home_visit, deleted_at_utc=db.func.now())
    intervention(f[1], early_help, D(2026, 11, 2), home_visit)

    descriptors = db.session.scalars(select(Descriptor).where(Descriptor.version_id == version.id)
                                     .order_by(Descriptor.headline_id, Descriptor.id)).all()
    a = descriptors[0]
    b = next(d for d in descriptors if d.headline_id != a.headline_id)

    def need(fam, descriptor, at_attachment=True):
        made = Need(family_id=fam.id, descriptor_id=descriptor.id, headline_code=descriptor.headline.code,
                    identified_on=D(2026, 10, 5), at_attachment=at_attachment, holding_agency_id=early_help.id,
                    category=DataCategory.CASE_NOTE)
        db.session.add(made)
        return made

    resolved_a = need(f[1], a)
    need(f[1], a)
    resolved_b = need(f[2], b)
    need(f[3], a, at_attachment=False)
    need(f[7], a)

    db.session.flush()
    # Resolved: one of F1's headline A needs on 20 October; F2's headline B need in September (another period).
    for made, on in ((resolved_a, D(2026, 10, 20)), (resolved_b, D(2026, 9, 1))):
        db.session.add(NeedJudgement(need_id=made.id, family_id=made.family_id, state=NeedState.RESOLVED,
                                     resolved_on=on, evidence_count=1, refreshed_at_utc=db.func.now()))
    people = [Person(family_id=f[1].id, given_name="Sarah", family_name="Tester", date_of_birth=D(1988, 4, 12),
                     relationship_to_family=Relationship.PARENT, nhs_number="9434765919"),
              Person(family_id=f[1].id, given_name="Olly", family_name="Tester", date_of_birth=D(2014, 6, 3),
                     relationship_to_family=Relationship.CHILD),
              Person(family_id=f[7].id, given_name="Zed", family_name="Compare", date_of_birth=D(1980, 1, 1),
                     relationship_to_family=Relationship.PARENT)]
    db.session.add_all(people)
    db.session.commit()
    return Programme(early_help, police, kw1, kw2, f, a.headline.code, b.headline.code, a.headline.name,
                     b.headline.name)


@pytest.fixture
def claims(programme):
    """October 2026's round, submitted: six results claims (F1-F6, £800 each), one rejected (F7, not eligible),
    two of them sampled (one signed off, one rejected); a draft November round with one claim (F8); a
    target of 100 results claims for April 2026 to March 2027."""
    from app.claims import models as m
    from app.outcomes.facts import ClaimType

    submitted = m.ClaimRound(month=D(2026, 10, 1), status=m.RoundStatus.SUBMITTED, window_start=D(2024, 10, 1),
                             window_end=D(2026, 4, 30), sample_percent=10, submitted_on=D(2026, 10, 20),
                             submitted_amount_pence=480000)
    draft = m.ClaimRound(month=D(2026, 11, 1), status=m.RoundStatus.DRAFT, window_start=D(2024, 11, 1),
                         window_end=D(2026, 5, 31))
    db.session.add_all([submitted, draft, m.ClaimTarget(year_starting=2026, target=100)])
    db.session.flush()

    def claim(round_, n, **extra):
        db.session.add(m.Claim(round_id=round_.id, family_id=programme.families[n].id, programme="sf_2022",
                               claim_type=ClaimType.RESULTS, rule_set_code="sf22", amount_pence=80000,
                               judged_on=D(2026, 10, 1), conditions=[], **extra))

    for n in range(1, 7):
        claim(submitted, n, **({"sampled": True, "sample_result": m.SampleResult.SIGNED_OFF} if n == 1 else {}))
    claim(submitted, 7, status=m.ClaimStatus.REJECTED, rejection_reason=m.RejectionReason.NOT_ELIGIBLE, sampled=True,
          sample_result=m.SampleResult.REJECTED)
    claim(draft, 8)
    db.session.commit()
    return submitted
