"""The cost of a page does not grow with the size of the data (issue 12): each page or operation issues the same
number of SQL statements over a small council and over one four times its size, so none runs a query per row.

Two databases of their own, each loaded with the demo council (the real seed, every step: casework, referrals,
evidence, teamwork, sharing, claim rounds) at SMALL and LARGE families, plus what the demo holds too little of
to grow: waiting referrals, a claim round with a claim per closed family, and a long history for the family
whose record and timeline are measured. Each test also checks that the data it measures really is bigger in the
large council, so a flat count is not a flat data set.

Pages are real requests, each in a fresh app context and session as in production; operations (the claim round
build, the monthly PDF) run in a fresh app context too, so they start from an empty identity map.
"""
import functools
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.cases import services as case_services
from app.cases.models import Family, FamilyStatus, InterventionType, Person
from app.claims import models as claim_models
from app.claims import services as claim_services
from app.common.time import today_london
from app.demo import seed
from app.extensions import db
from app.outcomes.facts import ClaimType
from app.referrals.models import Referral, ReferralStatus
from app.reporting import reports
from app.reporting.periods import period_containing
from tests.conftest import make_app_on_own_database, signed_in_client
from tests.databases import ThrowawayDatabase
from tests.integration.claims.conftest import stand_in_facts
from tests.integration.referrals import helpers as referral_helpers
from tests.querycount import StatementCounter

pytestmark = pytest.mark.own_database

SMALL, LARGE = 10, 40
KEY_WORKER, MANAGER, FINANCE = "keyworker@demo.test", "manager@demo.test", "finance@demo.test"
EXPORT_MONTH = date(2020, 1, 1)  # a round of its own, far from the demo's
IN_LIST = re.compile(r"IN \((?:[^()]|\([^()]*\))*\)")


@dataclass
class World:
    app: object
    engine: object
    family_id: int  # the key worker's family whose record and timeline are measured

    def user(self, email):
        return db.session.scalar(select(User).where(User.email == email))

    def client(self, email):
        with self.app.app_context():
            client = signed_in_client(self.app, self.user(email))
        with client.session_transaction() as session:
            session["mfa_at"] = 10**10  # stepped up (the export asks for a recent MFA)
        return client


def _build_world(url, families, history):
    app = make_app_on_own_database(url)
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(seed, "build_families", functools.partial(seed.build_families, count=families))
        seed.run_seed(app.config)
        db.session.commit()
        key_worker = db.session.scalar(select(User).where(User.email == KEY_WORKER))
        family = db.session.scalar(select(Family).where(Family.lead_practitioner_id == key_worker.id,
                                                        Family.status != FamilyStatus.CLOSED).order_by(Family.id))
        _add_history(family, key_worker, history)
        for n in range(families // 4):
            referral_helpers.referral(key_worker, people=[referral_helpers.person(f"Waiting{n}", "Queue")])
        _add_export_round()
        db.session.commit()
        return World(app, db.engine, family.id)


def _add_history(family, key_worker, items):
    kind = db.session.scalar(select(InterventionType).order_by(InterventionType.id))
    for n in range(items):
        case_services.record_intervention(family, type_id=kind.id, agency=key_worker.agency,
                                          occurred_on=today_london() - timedelta(days=n), duration_minutes=30,
                                          summary=f"Visit {n}", category="case_note", actor=key_worker)
        case_services.add_case_note(family, body=f"Note {n}", category="case_note", actor=key_worker)


def _add_export_round():
    finance = db.session.scalars(select(User).where(User.email.like("finance%@demo.test")).order_by(User.id)).all()
    claim_round = claim_models.ClaimRound(
        month=EXPORT_MONTH, status=claim_models.RoundStatus.APPROVED, window_start=date(2018, 1, 1),
        window_end=date(2019, 7, 31), prepared_by_user_id=finance[0].id, approved_by_user_id=finance[1].id)
    db.session.add(claim_round)
    db.session.flush()
    closed = db.session.scalars(select(Family).where(Family.status == FamilyStatus.CLOSED)).all()
    for n, family in enumerate(closed):
        db.session.add(claim_models.Claim(
            round_id=claim_round.id, family_id=family.id, programme="sf_2022", claim_type=ClaimType.RESULTS,
            rule_set_code="sf22", amount_pence=80000, judged_on=EXPORT_MONTH, closed_on=family.closed_on,
            conditions=[], sampled=n % 3 == 0,
            sample_result=claim_models.SampleResult.SIGNED_OFF if n % 6 == 0 else None))


@pytest.fixture(scope="module")
def worlds(db_kind):
    with ThrowawayDatabase(db_kind) as small_url, ThrowawayDatabase(db_kind) as large_url:
        made = (_build_world(small_url, SMALL, history=3), _build_world(large_url, LARGE, history=30))
        yield made
        for world in made:
            with world.app.app_context():
                db.session.remove()
                db.engine.dispose()


def _page_cost(world, email, url):
    client = world.client(email)
    with StatementCounter(world.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return counter


def _shape(statement):
    """A statement without its parameters: an IN list of any length is one shape."""
    return IN_LIST.sub("IN (...)", " ".join(statement.split()))


def _assert_flat(small, large, what):
    """No statement runs more often over the large council than over the small one. A statement may run once
    in one council only: a kind of record only one of the two measured families has (a selectinload is skipped
    when there is nothing to load), which is not a query per row."""
    small_runs, large_runs = Counter(map(_shape, small.statements)), Counter(map(_shape, large.statements))
    grown = {shape: (small_runs[shape], runs) for shape, runs in large_runs.items()
             if runs > max(small_runs[shape], 1)}
    listing = "\n".join(f"  {before} -> {after}: {shape[:200]}" for shape, (before, after) in grown.items())
    assert not grown, (f"{what}: statements that ran more often over {LARGE} families than over {SMALL} "
                       f"({small.count} statements in all, then {large.count}):\n{listing}")


def _scalar(world, statement):
    with world.app.app_context():
        return db.session.scalar(statement)


def _grew(worlds, statement):
    small, large = (_scalar(world, statement) for world in worlds)
    assert large > small, f"the large council should hold more: {small} vs {large}"


def test_family_search(worlds):
    costs = [_page_cost(world, MANAGER, "/families/search?q=s") for world in worlds]
    _assert_flat(*costs, "family search")
    _grew(worlds, select(func.count(Person.id)))


def test_family_record(worlds):
    costs = [_page_cost(world, KEY_WORKER, f"/families/{world.family_id}") for world in worlds]
    _assert_flat(*costs, "family record")


def test_timeline_page(worlds):
    costs = [_page_cost(world, KEY_WORKER, f"/families/{world.family_id}/timeline") for world in worlds]
    _assert_flat(*costs, "timeline")
    last_pages = [_page_cost(world, KEY_WORKER, f"/families/{world.family_id}/timeline?page=2") for world in worlds]
    _assert_flat(*last_pages, "timeline, second page")
    small, large = (_scalar(world, select(func.count()).select_from(db.metadata.tables["case_notes"]).where(
        db.metadata.tables["case_notes"].c.family_id == world.family_id)) for world in worlds)
    assert large > small


def test_caseload(worlds):
    costs = [_page_cost(world, KEY_WORKER, "/families/mine?closed=1") for world in worlds]
    _assert_flat(*costs, "caseload")
    _grew(worlds, select(func.count(Family.id)).join(User, User.id == Family.lead_practitioner_id)
          .where(User.email == KEY_WORKER))


def test_triage_queue(worlds):
    costs = [_page_cost(world, MANAGER, "/referrals/triage") for world in worlds]
    _assert_flat(*costs, "triage queue")
    _grew(worlds, select(func.count(Referral.id)).where(Referral.status == ReferralStatus.RECEIVED))


def test_dashboard(worlds):
    costs = [_page_cost(world, MANAGER, "/reports/dashboard") for world in worlds]
    _assert_flat(*costs, "dashboard")
    _grew(worlds, select(func.count(Family.id)))


def test_finance_export(worlds):
    code = EXPORT_MONTH.strftime("%Y-%m")
    for fmt in ("csv", "xlsx"):
        costs = [_page_cost(world, FINANCE, f"/claims/rounds/{code}/export.{fmt}") for world in worlds]
        _assert_flat(*costs, f"finance export ({fmt})")
    _grew(worlds, select(func.count(claim_models.Claim.id)))


def _operation_cost(world, operation, *, skip=()):
    with world.app.app_context(), world.app.test_request_context():
        with StatementCounter() as counter:
            operation()
        db.session.rollback()
    counter.statements = [s for s in counter.statements if not any(word in s for word in skip)]
    return counter


def test_claim_round_build(worlds):
    # Each claim drafted is inserted and audited (a row and an audit event each, on purpose); what must not
    # grow is the reading: candidate families, their facts, previous claims and overrides, a fixed set per chunk.
    today = today_london()
    costs = [_operation_cost(world, lambda: claim_services.build_round(today, today=today),
                             skip=("audit_events", "INSERT INTO claims", "pg_advisory_xact_lock"))
             for world in worlds]
    _assert_flat(*costs, "claim round build")
    small, large = (len(_candidates(world, today)) for world in worlds)
    assert large > small


def _candidates(world, today):
    with world.app.app_context():
        start, end = claim_services.window_for(today)
        return claim_services.candidate_families(today, start, end)


def test_monthly_pdf(worlds):
    period = period_containing(today_london()).previous()
    costs = [_operation_cost(world, lambda: reports.build_monthly(period)) for world in worlds]
    _assert_flat(*costs, "monthly PDF")


def test_claim_round_build_writes_only_its_claims_per_family(worlds, monkeypatch):
    # The same build with every candidate judged eligible (the claims tests' stand-in facts), so claims are
    # drafted: what grows with them is their own INSERT and audit event, nothing read.
    monkeypatch.setattr(claim_services, "build_facts_many", stand_in_facts)
    today = today_london()
    added = []

    def build():
        added.append(claim_services.build_round(today, today=today).added)

    costs = [_operation_cost(world, build, skip=("audit_events", "INSERT INTO claims", "pg_advisory_xact_lock"))
             for world in worlds]
    _assert_flat(*costs, "claim round build, drafting claims")
    assert 0 < added[0] < added[1]
