"""Demo claim rounds: the last nine months' rounds, built by the real service as at the 28th of each month
(oldest first, so no family is claimed twice), then taken through the states a real round passes: the newest
round with claims left as a draft, then approved, sample drawn, signed off by internal audit (one sampled
claim rejected where the sample allows), submitted, and the older ones paid. Also this year's target."""

from app import audit
from app.claims import rounds, services
from app.claims.models import Claim, RejectionReason, SampleResult
from app.extensions import db
from app.outcomes.dates import add_calendar_months, month_start

MONTHS_BACK = 9
DEMO_SAMPLE_PERCENT = 20
# The newest rounds with claims, newest first: the states they are left in; older ones are paid.
STATES = ("draft", "approved", "sampled", "signed_off", "submitted")


def seed_claim_rounds(ctx) -> None:
    today = ctx.today
    preparer, approver = ctx.users.get("finance@demo.test"), ctx.users.get("finance2@demo.test")
    auditor = ctx.users.get("auditor@demo.test")
    if not (preparer and approver and auditor):
        return
    rng = ctx.rng("claims")
    built = []
    for back in range(MONTHS_BACK, 0, -1):
        month = add_calendar_months(month_start(today), -back)
        built.append(services.build_round(month, actor=preparer, today=min(month.replace(day=28), today)).round)
    with_claims = [r for r in built if services.totals(r).count]
    made = []
    for position, claim_round in enumerate(reversed(with_claims)):
        state = STATES[position] if position < len(STATES) else "paid"
        _take_to(claim_round, state, preparer, approver, auditor, rng, today)
        made.append(f"{claim_round.code} {state}")
    services.set_target(rounds.financial_year_starting(today), 120, preparer)
    audit.record("DemoClaimsSeeded", object_type="demo", rounds=len(built))
    ctx.counts["claim_rounds"] = len(built)
    ctx.messages.append("Claim rounds: " + (", ".join(reversed(made)) or "none had claimable families"))


def _take_to(claim_round, state, preparer, approver, auditor, rng, today) -> None:
    if state == "draft":
        return
    services.approve_round(claim_round, approver)
    if state == "approved":
        return
    chosen = services.draw_sample(claim_round, auditor, percent=DEMO_SAMPLE_PERCENT, seed=rng.randrange(2**31))
    if state == "sampled":
        return
    for index, claim_id in enumerate(chosen):
        claim = db.session.get(Claim, claim_id)
        if index == 0 and len(chosen) > 1:
            services.decide_sampled_claim(claim, auditor, result=SampleResult.REJECTED,
                                          reason=rng.choice(list(RejectionReason)))
        else:
            services.decide_sampled_claim(claim, auditor, result=SampleResult.SIGNED_OFF)
    if state == "signed_off":
        return
    month = claim_round.month
    submitted_on = min(add_calendar_months(month, 1).replace(day=5), today)
    amount = services.totals(claim_round).amount_pence
    services.mark_submitted(claim_round, preparer, on=submitted_on, reference=f"SF-{claim_round.code}-01",
                            amount_pence=amount)
    if state == "paid":
        services.mark_paid(claim_round, preparer, on=min(add_calendar_months(submitted_on, 1), today),
                           amount_pence=amount)
