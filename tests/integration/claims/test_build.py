"""Building a round: the closure window's boundary days, idempotence, overrides, rejected claims."""
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.cases.models import Family
from app.claims import services
from app.claims.models import Claim, ClaimRound, ClaimStatus, RejectionReason, SampleResult
from app.extensions import db
from tests.integration.claims.conftest import make_family

MAY_2026 = date(2026, 5, 1)  # window: 1 May 2024 to 30 November 2025


def claimed_ids(claim_round):
    return set(db.session.scalars(select(Claim.family_id).where(Claim.round_id == claim_round.id,
                                                                Claim.status == ClaimStatus.INCLUDED)))


def test_window_boundary_days(eligible_everywhere, lead, factory):
    finance = factory.user("finance_officer")
    first = make_family(lead, date(2024, 5, 1))
    last = make_family(lead, date(2025, 11, 30))
    before = make_family(lead, date(2024, 4, 30), attached_on=date(2023, 6, 1))
    after = make_family(lead, date(2025, 12, 1))
    start, end = services.window_for(MAY_2026)
    candidates = {row.id for row in services.candidate_families(MAY_2026, start, end)}
    assert {first.id, last.id} <= candidates and not {before.id, after.id} & candidates
    # judged as at the build day: the last day's family is claimable from 30 May (six months on)
    early = services.build_round(MAY_2026, actor=finance, today=date(2026, 5, 29))
    assert claimed_ids(early.round) == {first.id}
    result = services.build_round(MAY_2026, actor=finance, today=date(2026, 5, 31))
    ids = claimed_ids(result.round)
    assert first.id in ids and last.id in ids
    assert before.id not in ids and after.id not in ids
    assert (result.round.window_start, result.round.window_end) == (date(2024, 5, 1), date(2025, 11, 30))


def test_refused_before_the_month_starts(eligible_everywhere, factory):
    with pytest.raises(services.RoundNotOpenYet):
        services.build_round(MAY_2026, actor=factory.user("finance_officer"), today=date(2026, 4, 30))


def test_rebuilding_only_adds_and_never_claims_twice(eligible_everywhere, lead, factory):
    finance = factory.user("finance_officer")
    one = make_family(lead, date(2025, 3, 14))
    first = services.build_round(MAY_2026, actor=finance, today=date(2026, 5, 2))
    assert first.added == 1
    two = make_family(lead, date(2025, 6, 2))
    again = services.build_round(MAY_2026, actor=finance, today=date(2026, 5, 20))
    assert again.added == 1 and claimed_ids(again.round) == {one.id, two.id}
    assert services.build_round(MAY_2026, actor=finance, today=date(2026, 5, 21)).added == 0
    # a later round does not claim them again either
    june = services.build_round(date(2026, 6, 1), actor=finance, today=date(2026, 6, 2))
    assert not {one.id, two.id} & claimed_ids(june.round)


def test_the_database_refuses_a_second_claim(eligible_everywhere, lead, factory):
    family = make_family(lead, date(2025, 3, 14))
    built = services.build_round(MAY_2026, actor=factory.user("finance_officer"), today=date(2026, 5, 2))
    existing = db.session.scalar(select(Claim).where(Claim.family_id == family.id))
    duplicate = Claim(round_id=built.round.id, family_id=family.id, programme=existing.programme,
                      claim_type=existing.claim_type, rule_set_code="sf2022", amount_pence=80000,
                      judged_on=date(2026, 5, 2), conditions=[])
    from sqlalchemy.exc import IntegrityError
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(duplicate)


def test_override_lets_a_claimed_family_be_claimed_once_more(eligible_everywhere, lead, factory):
    finance, admin = factory.user("finance_officer"), factory.user("admin")
    family = make_family(lead, date(2025, 3, 14))
    services.build_round(MAY_2026, actor=finance, today=date(2026, 5, 2))
    first = db.session.scalar(select(Claim).where(Claim.family_id == family.id))
    override = services.record_override(family, claim_type="results", programme=first.programme,
                                        reason="Second episode agreed with DfE", actor=admin, today=date(2026, 5, 30))
    june = services.build_round(date(2026, 6, 1), actor=finance, today=date(2026, 6, 2))
    second = db.session.scalar(select(Claim).where(Claim.round_id == june.round.id, Claim.family_id == family.id))
    assert second is not None and second.slot == override.id
    july = services.build_round(date(2026, 7, 1), actor=finance, today=date(2026, 7, 2))
    assert family.id not in claimed_ids(july.round)  # the override was used once


def test_rejected_claim_leaves_the_round_and_family_can_be_claimed_later(eligible_everywhere, lead, factory):
    finance, approver, auditor = factory.user("finance_officer"), factory.user("finance_officer"), \
        factory.user("internal_auditor")
    family = make_family(lead, date(2025, 3, 14))
    built = services.build_round(MAY_2026, actor=finance, today=date(2026, 5, 2))
    services.approve_round(built.round, approver)
    services.draw_sample(built.round, auditor, percent=100, seed=7)
    claim = db.session.scalar(select(Claim).where(Claim.family_id == family.id))
    services.decide_sampled_claim(claim, auditor, result=SampleResult.REJECTED,
                                  reason=RejectionReason.NEED_NOT_EVIDENCED)
    totals = services.totals(built.round)
    assert (totals.count, totals.amount_pence, totals.invalid_rate) == (0, 0, 1.0)
    june = services.build_round(date(2026, 6, 1), actor=finance, today=date(2026, 6, 2))
    assert family.id in claimed_ids(june.round)


def test_cli_run_is_idempotent(app, eligible_everywhere, lead, factory, monkeypatch):
    import app.claims.cli as cli_module

    monkeypatch.setattr(cli_module, "today_london", lambda: date(2026, 5, 4))
    finance = factory.user("finance_officer")
    make_family(lead, date(2025, 3, 14))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["claims", "run", "--round", "2026-05", "--as", finance.email])
    assert first.exit_code == 0, first.output
    assert "1 claim added" in first.output and "claims added" not in first.output
    second = runner.invoke(args=["claims", "run", "--round", "2026-05", "--as", finance.email])
    assert "0 claims added" in second.output and "1 claim," in second.output
    bad = runner.invoke(args=["claims", "run", "--round", "2026-13"])
    assert bad.exit_code != 0 and "like 2026-05" in bad.output
    assert db.session.scalar(select(ClaimRound).where(ClaimRound.month == MAY_2026)) is not None
    assert CliRunner  # the runner above is Flask's CliRunner


def test_build_job_runs_the_build_once_per_day(eligible_everywhere, lead, factory):
    from app.claims import jobs as claim_jobs

    finance = factory.user("finance_officer")
    make_family(lead, date(2025, 3, 14))
    job = claim_jobs.request_build(MAY_2026, finance, date(2026, 5, 30))
    assert job.dedupe_key == "claims:round:2026-05:2026-05-30"
    assert claim_jobs.request_build(MAY_2026, finance, date(2026, 5, 30)).id == job.id
    steps = []
    result = claim_jobs.run_build_job(job, lambda done, total, message: steps.append((done, total, message)))
    assert result == {"round": "2026-05", "added": 1, "considered": 1} and steps
    assert steps[-1] == (1, 1, "1 claim added")  # the progress page's last word
    round_ = db.session.scalar(select(ClaimRound).where(ClaimRound.month == MAY_2026))
    assert round_.prepared_by_user_id == finance.id


def test_a_round_of_one_claim_totals_one_claim(eligible_everywhere, lead, factory):
    from app.claims import exports

    make_family(lead, date(2025, 3, 14))
    built = services.build_round(MAY_2026, actor=factory.user("finance_officer"), today=date(2026, 5, 30))
    footer = exports.export_round(built.round, "csv").decode("utf-8-sig").splitlines()[-1]
    assert footer.startswith("TOTAL 1 claim,")


def test_cli_export_writes_and_audits(app, eligible_everywhere, lead, factory, tmp_path):
    from app.audit.models import AuditEvent

    finance = factory.user("finance_officer")
    make_family(lead, date(2025, 3, 14))
    services.build_round(MAY_2026, actor=finance, today=date(2026, 5, 30))
    db.session.commit()
    out = tmp_path / "round.xlsx"
    result = app.test_cli_runner().invoke(args=["claims", "export", "--round", "2026-05", "--format", "xlsx",
                                                "--output", str(out), "--as", finance.email])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"PK")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ClaimRoundExported")) is not None
    missing = app.test_cli_runner().invoke(args=["claims", "export", "--round", "2030-01", "--format", "csv",
                                                 "--output", str(tmp_path / "x.csv")])
    assert missing.exit_code != 0 and "There is no round" in missing.output


def test_phase_2_attachment_fee_goes_in_the_round_of_the_month_of_attachment(monkeypatch, lead, factory):
    from dataclasses import replace

    from app.claims.models import ClaimType
    from tests.unit.outcomes.builders import need, p2_family

    def phase_2_facts(family_ids, *, as_of=None):
        extra = services.claims_facts_provider(list(family_ids))
        out = {}
        for family in db.session.query(Family).filter(Family.id.in_(list(family_ids))).order_by(Family.id):
            day = family.attached_on
            facts = p2_family(family_ref=f"family:{family.id}", attached_on=day, case_events=(),
                              assessment_completed_on=day, plan_agreed_on=day,
                              needs=(need(11, "p2_crime", "p2_antisocial_behaviour", identified=day),
                                     need(12, "p2_education", "p2_persistent_absence", identified=day)))
            out[family.id] = replace(facts, **extra.get(family.id, {}))
        return out

    monkeypatch.setattr(services, "build_facts_many", phase_2_facts)
    finance = factory.user("finance_officer")
    april = make_family(lead, None, attached_on=date(2019, 4, 1))
    march = make_family(lead, None, attached_on=date(2019, 3, 31))
    result = services.build_round(date(2019, 4, 1), actor=finance, today=date(2019, 4, 30))
    claims = db.session.scalars(select(Claim).where(Claim.round_id == result.round.id)).all()
    assert [(c.family_id, c.claim_type, c.amount_pence) for c in claims] == [
        (april.id, ClaimType.ATTACHMENT_FEE, 100000)]
    assert march.id not in claimed_ids(result.round)
    may = services.build_round(date(2019, 5, 1), actor=finance, today=date(2019, 5, 2))
    assert not claimed_ids(may.round)  # each family's fee once, in its month
