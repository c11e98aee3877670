"""The real round build over the demo council: facts from the database, judged by the real rule sets. The
demo leaves rounds in every state; every claim passed every condition; rebuilding adds nothing."""
from sqlalchemy import select

from app.claims import services
from app.claims.models import Claim, ClaimRound, ClaimStatus, RoundStatus
from app.extensions import db


def test_demo_rounds_are_real_and_in_every_state(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    rounds = db.session.scalars(select(ClaimRound).order_by(ClaimRound.month)).all()
    states = {r.status for r in rounds}
    assert {RoundStatus.DRAFT, RoundStatus.APPROVED, RoundStatus.SAMPLED, RoundStatus.SUBMITTED,
            RoundStatus.PAID} <= states, states
    claims = db.session.scalars(select(Claim).order_by(Claim.id)).all()
    assert claims and all(c["passed"] for claim in claims for c in claim.conditions)
    families = [c.family_id for c in claims if c.status == ClaimStatus.INCLUDED]
    assert len(families) == len(set(families))  # nobody claimed twice
    for claim_round in rounds:
        if claim_round.status == RoundStatus.PAID:
            total = services.totals(claim_round).amount_pence
            assert claim_round.submitted_amount_pence == claim_round.paid_amount_pence == total
    draft = next(r for r in reversed(rounds) if r.status == RoundStatus.DRAFT)
    assert services.build_round(draft.month, today=draft.built_on).added == 0  # same day, same judgement
