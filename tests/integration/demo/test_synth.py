"""`flask synth`: bulk synthetic data that the app's own pages accept."""
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from app.audit.integrity import verify
from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.cases import identifiers
from app.cases.models import Family, FamilyStatus, Intervention, Need, Person
from app.claims.models import Claim, ClaimRound, ClaimSnapshot, RoundStatus
from app.claims.rounds import canonical_json, sha256_of
from app.demo.synth.run import run_synth
from app.extensions import db
from app.outcomes.models import Evidence, NeedJudgement
from app.referrals.models import Referral, ReferralStatus
from app.sharing.models import Consent
from tests.conftest import signed_in_client

FAMILIES = 60
TODAY = date(2026, 11, 20)


def _synth(app, *args):
    return app.test_cli_runner().invoke(args=["synth", "--families", str(FAMILIES), "--seed", "7", *args])


def _per_family(column, *where):
    return dict(db.session.execute(select(column, func.count()).where(*where).group_by(column)).all())


def test_synth_generates_a_council_the_pages_accept(app):
    result = _synth(app)
    assert result.exit_code == 0, result.output
    assert "Synthetic council generated" in result.output

    families = db.session.scalars(select(Family).order_by(Family.id)).all()
    assert len(families) == FAMILIES
    assert {f.reference for f in families} == {f"HF-{f.id:06d}" for f in families}
    statuses = Counter(f.status for f in families)
    assert set(statuses) == set(FamilyStatus), statuses
    sizes = _per_family(Person.family_id)
    assert len(sizes) == FAMILIES and all(2 <= n <= 6 for n in sizes.values())
    attached = {f.id for f in families if f.attached_on}
    needs = _per_family(Need.family_id)
    assert set(needs) == attached and all(3 <= n <= 9 for n in needs.values())
    work = _per_family(Intervention.family_id)
    assert set(work) == attached and all(5 <= n <= 30 for n in work.values())
    assert db.session.scalar(select(func.count(Evidence.id))) > 0
    assert db.session.scalar(select(func.count()).select_from(NeedJudgement)) == sum(needs.values())
    assert all(f.closed_on >= f.attached_on for f in families if f.closed_on)

    people = db.session.scalars(select(Person)).all()
    nhs = [p.nhs_number for p in people if p.nhs_number]
    assert len(set(nhs)) == len(nhs) and all(identifiers.validate_nhs_number(n) == n for n in nhs)
    assert all(identifiers.validate_upn(p.upn) == p.upn for p in people if p.upn)
    assert all(p.given_name_normal and p.family_name_sound for p in people)

    consents = db.session.scalars(select(Consent)).all()
    states = {c.state_on(TODAY) for c in consents}
    assert {"given", "withdrawn", "expired"} <= states
    members = Counter(p.family_id for p in people)
    consented = Counter(c.family_id for c in consents)
    assert any(n < members[fid] for fid, n in consented.items()), "no family with partial consent"

    referrals = Counter(r.status for r in db.session.scalars(select(Referral)))
    assert referrals[ReferralStatus.ACCEPTED] == FAMILIES
    assert referrals[ReferralStatus.RECEIVED] >= 10 and referrals[ReferralStatus.DECLINED] >= 4

    rounds = db.session.scalars(select(ClaimRound).order_by(ClaimRound.month)).all()
    assert len(rounds) == 18
    claims = db.session.scalars(select(Claim)).all()
    assert claims and len({(c.family_id, c.programme, c.claim_type) for c in claims}) == len(claims)
    for snapshot in db.session.scalars(select(ClaimSnapshot)):
        assert sha256_of(snapshot.body) == snapshot.sha256
    approved = [r for r in rounds if r.status != RoundStatus.DRAFT]
    for claim_round in approved:
        hashes = db.session.execute(select(ClaimSnapshot.claim_id, ClaimSnapshot.sha256).join(Claim)
                                    .where(Claim.round_id == claim_round.id).order_by(Claim.id)).all()
        assert claim_round.approval_sha256 == sha256_of(canonical_json([list(h) for h in hashes]))

    # One audit event says what was generated; the chain is intact.
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "SyntheticDataGenerated")).all()
    assert event.details["families"] == FAMILIES
    assert verify().ok

    # The pages answer, each for the role that uses it.
    users = {u.email: u for u in db.session.scalars(select(User))}
    family = next(f for f in families if f.status == FamilyStatus.ACTIVE)
    lead = db.session.get(User, family.lead_practitioner_id)
    key_worker = signed_in_client(app, lead)
    for url in (f"/families/{family.id}", f"/families/{family.id}/timeline", "/families/mine",
                f"/families/search?q={family.postcode}"):
        assert key_worker.get(url).status_code == 200, url
    manager = signed_in_client(app, users["manager1@synth.test"])
    for url in ("/referrals/triage", "/reports/dashboard"):
        assert manager.get(url).status_code == 200, url
    finance = signed_in_client(app, users["finance1@synth.test"])
    assert users["finance1@synth.test"].role == Role.FINANCE_OFFICER
    for claim_round in rounds[-6:]:
        assert finance.get(f"/claims/rounds/{claim_round.code}").status_code == 200, claim_round.code


def test_same_seed_same_data(app):
    def digest():
        return [tuple(row) for row in db.session.execute(
            select(Family.reference, Family.status, Family.postcode, Person.given_name, Person.date_of_birth,
                   Person.nhs_number).join(Person).order_by(Person.id))]

    with db.session.begin_nested() as first:
        run_synth(app.config, 12, seed=5)
        before = digest()
        first.rollback()
    assert db.session.scalar(select(func.count(Family.id))) == 0
    run_synth(app.config, 12, seed=5)
    assert digest() == before


def test_synth_refuses_production_and_a_database_with_families(app, monkeypatch):
    monkeypatch.setitem(app.config, "HEARTH_ENV", "production")
    result = _synth(app)
    assert result.exit_code != 0 and "never generated in production" in result.output
    monkeypatch.setitem(app.config, "HEARTH_ENV", "test")
    db.session.add(Family(status=FamilyStatus.REFERRED))
    db.session.flush()
    result = _synth(app)
    assert result.exit_code != 0 and "already has families" in result.output
    assert db.session.scalar(select(func.count(User.id)).where(User.email.like("%@synth.test"))) == 0
