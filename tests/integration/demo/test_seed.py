import random
import re
from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Agency, AgencyKind, Role, User
from app.cases import identifiers
from app.cases.models import Family, FamilyStatus, Person, TeamMember
from app.common.time import today_london
from app.demo import seed
from app.extensions import db
from tests.conftest import post_form

EXPECTED_ACCOUNTS = {
    # email: (role, agency kind, designated lead)
    "keyworker@demo.test": ("key_worker", "early_help", False),
    "manager@demo.test": ("programme_manager", "early_help", False),
    "finance@demo.test": ("finance_officer", "early_help", False),
    "finance2@demo.test": ("finance_officer", "early_help", False),
    "auditor@demo.test": ("internal_auditor", "early_help", False),
    "ig@demo.test": ("ig_officer", "early_help", False),
    "admin@demo.test": ("admin", "early_help", False),
    "police@demo.test": ("practitioner", "police", True),
    "school@demo.test": ("practitioner", "school", True),
    "health@demo.test": ("practitioner", "health", True),
    "housing@demo.test": ("practitioner", "housing", True),
    "teacher@demo.test": ("practitioner", "school", False),
    "agencyadmin@demo.test": ("agency_admin", "police", False),
}


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def _seed(app):
    return app.test_cli_runner().invoke(args=["demo", "seed"])


def test_seed_builds_the_demo_council_once(app):
    result = _seed(app)
    assert result.exit_code == 0, result.output
    assert "Demo council loaded" in result.output
    assert "keyworker@demo.test" in result.output and app.config["DEMO_PASSWORD"] in result.output

    agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    assert len(agencies) == 10
    assert {a.kind for a in agencies} == set(AgencyKind)
    assert "Demo County Council Early Help" in {a.name for a in agencies}

    users = {u.email: u for u in db.session.scalars(select(User).order_by(User.id))}
    for email, (role, kind, lead) in EXPECTED_ACCOUNTS.items():
        user = users[email]
        assert (user.role.value, user.agency.kind.value, user.is_designated_lead) == (role, kind, lead), email
    key_workers = [u for u in users.values() if u.role == Role.KEY_WORKER]
    assert len(key_workers) >= 3
    assert len({u.password_hash for u in users.values()}) == 1  # hashed once for every demo account
    # One parent at risk of domestic abuse: their family's address is a safe address in the demo.
    at_risk = db.session.scalars(select(Person).where(Person.at_risk_since.is_not(None))).all()
    assert len(at_risk) == 1 and at_risk[0].family.lead_practitioner.email == "keyworker@demo.test"

    families = db.session.scalars(select(Family).order_by(Family.id)).all()
    assert 180 <= len(families) <= 220
    assert all(re.fullmatch(r"HF-\d{6}", f.reference) for f in families)
    assert {f.status for f in families} == set(FamilyStatus)
    sizes = db.session.execute(select(Person.family_id, func.count(Person.id)).group_by(Person.family_id)).all()
    assert len(sizes) == len(families) and all(2 <= n <= 6 for _, n in sizes)

    # Every family past referral has a lead practitioner (a key worker) and a team; caseloads spread.
    attached = [f for f in families if f.status != FamilyStatus.REFERRED]
    assert all(f.lead_practitioner_id and f.attached_on for f in attached)
    leads = {f.lead_practitioner_id for f in attached}
    assert len(leads) >= 3 and leads <= {u.id for u in key_workers}
    on_teams = db.session.scalar(select(func.count(func.distinct(TeamMember.family_id))))
    assert on_teams == len(attached)
    assert db.session.scalar(select(func.count(TeamMember.id)).where(TeamMember.user_id.is_(None))) > 0
    assert db.session.scalar(select(func.count(TeamMember.id)).where(
        TeamMember.user_id == users["teacher@demo.test"].id)) > 0
    closed = [f for f in families if f.status == FamilyStatus.CLOSED]
    assert closed and all(f.closed_on and f.closure_reason and f.closed_on >= f.attached_on for f in closed)

    # Identifiers are stored in their normalised form with valid check characters.
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    nhs = [p.nhs_number for p in people if p.nhs_number]
    upns = [p.upn for p in people if p.upn]
    assert len(nhs) > len(people) / 2 and len(set(nhs)) == len(nhs)
    assert len(upns) > 50 and len(set(upns)) == len(upns)
    for person in people:
        for value, validate in ((person.nhs_number, identifiers.validate_nhs_number),
                                (person.upn, identifiers.validate_upn),
                                (person.ni_number, identifiers.validate_ni_number),
                                (person.pnc_number, identifiers.validate_pnc_number),
                                (person.postcode, identifiers.validate_postcode)):
            if value:
                assert validate(value) == value
    assert all(p.date_of_birth <= today_london() for p in people if p.date_of_birth)

    [seeded] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "DemoDataSeeded")).all()
    assert seeded.details["families"] == len(families)

    # A second run adds nothing and says so.
    counts = [_count(m) for m in (Agency, User, Family, Person, TeamMember, AuditEvent)]
    again = _seed(app)
    assert again.exit_code == 0, again.output
    assert "already there: nothing was added" in again.output
    assert [_count(m) for m in (Agency, User, Family, Person, TeamMember, AuditEvent)] == counts


def test_demo_user_signs_in_with_the_demo_password(app, client):
    assert _seed(app).exit_code == 0
    response = post_form(client, "/sign-in", {"email": "keyworker@demo.test", "password": app.config["DEMO_PASSWORD"]})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_seed_refuses_to_run_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "HEARTH_ENV", "production")
    result = _seed(app)
    assert result.exit_code != 0
    assert "never loaded in production" in result.output
    assert _count(Agency) == 0 and _count(User) == 0 and _count(Family) == 0


def test_seed_refuses_without_a_demo_password(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_PASSWORD", "")
    result = _seed(app)
    assert result.exit_code != 0 and "DEMO_PASSWORD" in result.output
    assert _count(User) == 0


def test_an_existing_demo_account_counts_as_seeded(app, factory):
    factory.user(email="admin@demo.test", role="admin")
    result = _seed(app)
    assert result.exit_code == 0 and "nothing was added" in result.output
    assert _count(Family) == 0


def test_families_are_the_same_every_time():
    def fingerprint():
        agencies = {kind: Agency(name=kind.label, kind=kind) for kind in AgencyKind}
        users = {spec.email: User(email=spec.email, name=spec.name, role=spec.role, agency=agencies[spec.agency])
                 for spec in seed.DEMO_USERS}
        families = seed.build_families(random.Random("same"), date(2026, 4, 1), agencies, users, count=30)
        return [(f.status, f.postcode, f.attached_on, f.lead_practitioner.email if f.lead_practitioner else None,
                 [(p.given_name, p.family_name, p.date_of_birth, p.nhs_number, p.upn) for p in f.members],
                 [(t.agency.kind, t.role_description, t.joined_on) for t in f.team]) for f in families]

    assert fingerprint() == fingerprint()
