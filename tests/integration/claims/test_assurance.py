"""Four eyes, the evidence snapshot, the audit sample, submission and payment, and the finance export."""
import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from app.cases.models import Family
from app.claims import exports, rounds, services
from app.claims.models import Claim, ClaimSnapshot, RejectionReason, RoundStatus, SampleResult
from app.extensions import db
from tests.integration.claims.conftest import make_family

MAY = date(2026, 5, 1)


@pytest.fixture
def built(eligible_everywhere, lead, factory):
    finance = factory.user("finance_officer", name="Priya Shah")
    for n in range(12):
        make_family(lead, date(2025, 1 + n % 10, 3 + n))
    result = services.build_round(MAY, actor=finance, today=date(2026, 5, 30))
    assert result.added == 12
    return result.round, finance


def test_the_preparer_cannot_approve(built):
    claim_round, finance = built
    with pytest.raises(services.SameUserRefused):
        services.approve_round(claim_round, finance)
    assert claim_round.status == RoundStatus.DRAFT


def test_anyone_who_rebuilt_cannot_approve(built, factory):
    claim_round, _ = built
    other = factory.user("finance_officer")
    services.build_round(MAY, actor=other, today=date(2026, 5, 31))
    with pytest.raises(services.SameUserRefused):
        services.approve_round(claim_round, other)


def test_snapshot_is_unchanged_after_the_case_is_edited(built, factory):
    claim_round, _ = built
    approver = factory.user("finance_officer")
    round_hash = services.approve_round(claim_round, approver)
    claim = db.session.scalar(select(Claim).where(Claim.round_id == claim_round.id).order_by(Claim.id).limit(1))
    snapshot = db.session.scalar(select(ClaimSnapshot).where(ClaimSnapshot.claim_id == claim.id))
    body, digest = snapshot.body, snapshot.sha256
    data = json.loads(body)
    family = db.session.get(Family, claim.family_id)
    assert data["closed_on"] == family.closed_on.isoformat() and data["family_reference"] == family.reference
    assert "Northfield" not in body  # no address or other free text
    family.closed_on = date(2025, 12, 31)  # a later edit to the case
    family.town = "Elsewhere"
    db.session.commit()
    db.session.expire_all()
    again = db.session.scalar(select(ClaimSnapshot).where(ClaimSnapshot.claim_id == claim.id))
    assert (again.body, again.sha256) == (body, digest) and services.snapshot_intact(again)
    assert rounds.sha256_of(again.body) == digest and claim_round.approval_sha256 == round_hash


def test_sample_is_reproducible_and_decisions_report_the_invalid_rate(built, factory):
    claim_round, _ = built
    services.approve_round(claim_round, factory.user("finance_officer"))
    auditor = factory.user("internal_auditor")
    ids = db.session.scalars(select(Claim.id).where(Claim.round_id == claim_round.id).order_by(Claim.id)).all()
    chosen = services.draw_sample(claim_round, auditor, seed=424242)
    assert chosen == rounds.draw_sample(ids, 10, 424242) and len(chosen) == 2
    assert claim_round.sample_seed == 424242 and claim_round.sample_percent == 10
    with pytest.raises(services.WrongRoundState):
        services.draw_sample(claim_round, auditor, seed=1)
    first, second = (db.session.get(Claim, i) for i in chosen)
    with pytest.raises(services.SampleDecisionInvalid):
        services.decide_sampled_claim(first, auditor, result="rejected", reason="made_up")
    services.decide_sampled_claim(first, auditor, result=SampleResult.REJECTED, reason=RejectionReason.NOT_SUSTAINED)
    assert claim_round.status == RoundStatus.SAMPLED
    services.decide_sampled_claim(second, auditor, result=SampleResult.SIGNED_OFF)
    assert claim_round.status == RoundStatus.SIGNED_OFF
    totals = services.totals(claim_round)
    assert (totals.count, totals.amount_pence, totals.invalid_rate) == (11, 11 * 80000, 0.5)


def _signed_off(claim_round, factory):
    services.approve_round(claim_round, factory.user("finance_officer", name="=HYPERLINK(\"x\")"))
    auditor = factory.user("internal_auditor")
    for claim_id in services.draw_sample(claim_round, auditor, seed=99):
        services.decide_sampled_claim(db.session.get(Claim, claim_id), auditor, result=SampleResult.SIGNED_OFF)


def test_submission_and_payment_reconcile(built, factory):
    claim_round, finance = built
    _signed_off(claim_round, factory)
    with pytest.raises(services.AmountsDoNotReconcile):
        services.mark_submitted(claim_round, finance, on=date(2026, 6, 5), reference="DFE-1", amount_pence=1)
    services.mark_submitted(claim_round, finance, on=date(2026, 6, 5), reference="DFE-1", amount_pence=960000)
    with pytest.raises(services.AmountsDoNotReconcile):
        services.mark_paid(claim_round, finance, on=date(2026, 7, 1), amount_pence=959999)
    with pytest.raises(services.ClaimsError):
        services.mark_paid(claim_round, finance, on=date(2026, 6, 4), amount_pence=960000)
    services.mark_paid(claim_round, finance, on=date(2026, 7, 1), amount_pence=960000)
    assert claim_round.status == RoundStatus.PAID


def test_export_reconciles_and_has_no_formula_cells(built, factory):
    claim_round, _ = built
    _signed_off(claim_round, factory)
    total = services.totals(claim_round)
    text = exports.export_round(claim_round, "csv").decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == list(exports.COLUMNS)
    body, footer = table[:-1], table[-1]
    assert len(body) == total.count
    assert sum(rounds.pence(r["amount_gbp"]) for r in body) == total.amount_pence == rounds.pence(footer["amount_gbp"])
    assert all(r["approved_by"] == "'=HYPERLINK(\"x\")" for r in body)
    assert {r["sample_result"] for r in body} <= {"signed_off", "not_sampled"}

    book = openpyxl.load_workbook(io.BytesIO(exports.export_round(claim_round, "xlsx")))
    sheet = book.active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c for c in cells if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("="))]
    amounts = [row[3].value for row in sheet.iter_rows(min_row=2)]
    assert round(sum(amounts[:-1]) * 100) == total.amount_pence == round(amounts[-1] * 100)
    assert len(amounts) - 1 == total.count
