"""One family's evidence pack for a claim, as national spot checks ask: eligibility with the reason for each
condition, needs and their evidence, assessment and plan summary, chronology and the snapshot hash.

Built for the person who asks, through the sharing policy with the purpose `claim_assurance`: each need,
piece of evidence, assessment and plan is shown only when `content_decision` allows it to go into a
document (an internal auditor has the policy's claim-sample tie to a family whose claim is in a drawn
sample; extra-sensitive content never goes into a pack), otherwise the withheld sentence says who holds
it and why. Codes, dates and references (the claim and its snapshot) are
what internal audit sees of every claim in a round."""
import json
from dataclasses import replace

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.auth.models import Agency
from app.cases.access import family_ties, viewer
from app.cases.models import Assessment, Family, FamilyStatusChange, Need, PlanGoal
from app.cases.visibility import content_decision, facts_of, withheld_text
from app.claims import rounds
from app.claims.models import Claim, ClaimSnapshot
from app.common.pdf import render_pdf
from app.common.time import today_london
from app.extensions import db
from app.outcomes.dates import long_date
from app.outcomes.facts_builder import build_facts
from app.outcomes.models import Evidence
from app.outcomes.rules import RuleSetError, rule_set_for
from app.sharing.policy import Action, Purpose

PURPOSE = Purpose.CLAIM_ASSURANCE


def _conditions(claim: Claim, snapshot_conditions: list) -> list[dict]:
    """Each condition's verdict as claimed (from the snapshot when there is one) with its reason, read from
    the rule set as at the day the claim was judged."""
    reasons = {}
    facts = build_facts(claim.family_id, as_of=claim.judged_on)
    if facts is not None:
        # judged as the build saw it: this claim (and any made after it) did not exist yet
        earlier = tuple(p for p in facts.previous_claims if int(p.claim_ref.split(":")[1]) < claim.id)
        facts = replace(facts, previous_claims=earlier)
        try:
            result = rule_set_for(facts.programme, facts.attached_on).evaluate(facts, claim.claim_type,
                                                                               claim.judged_on)
            reasons = {c.code: c.reason for c in result.conditions}
        except RuleSetError:
            pass
    return [{**c, "reason": reasons.get(c["code"], "")} for c in snapshot_conditions]


def pack_context(claim: Claim, user) -> dict:
    family = db.session.get(Family, claim.family_id)
    ties = family_ties(family)
    who = viewer()
    agencies = dict(db.session.execute(sa.select(Agency.id, Agency.name).order_by(Agency.id)).all())
    snapshot = db.session.scalar(sa.select(ClaimSnapshot).where(ClaimSnapshot.claim_id == claim.id))
    claimed = json.loads(snapshot.body)["conditions"] if snapshot else claim.conditions

    def shown(record, what, **kwargs):
        decision = content_decision(who, facts_of(ties, record, **kwargs), PURPOSE, Action.PUT_IN_DOCUMENT)
        if decision:
            return None
        return withheld_text(what, agencies.get(record.holding_agency_id, "another agency"), record.category,
                             decision)

    needs = db.session.scalars(sa.select(Need).where(Need.family_id == family.id)
                               .options(selectinload(Need.people)).order_by(Need.identified_on, Need.id)).all()
    evidence = db.session.scalars(sa.select(Evidence).where(Evidence.family_id == family.id,
                                                            Evidence.deleted_at_utc.is_(None))
                                  .options(selectinload(Evidence.people))
                                  .order_by(Evidence.need_id, Evidence.period_end, Evidence.id)).all()
    by_need = {}
    for item in evidence:
        by_need.setdefault(item.need_id, []).append({"item": item, "withheld": shown(item, "Evidence")})
    need_rows = [{"need": n, "withheld": shown(n, "Need"), "evidence": by_need.get(n.id, [])} for n in needs]

    assessment = db.session.scalar(sa.select(Assessment).where(Assessment.family_id == family.id)
                                   .order_by(Assessment.completed_on.desc().nulls_last(), Assessment.id.desc())
                                   .limit(1))
    goals = db.session.scalars(sa.select(PlanGoal).where(PlanGoal.family_id == family.id)
                               .order_by(PlanGoal.id)).all()
    goal_rows = [{"goal": g, "withheld": shown(g, "Plan goal", person_ids=[], whole_family_record=True)}
                 for g in goals]
    chronology = db.session.scalars(sa.select(FamilyStatusChange).where(FamilyStatusChange.family_id == family.id)
                                    .order_by(FamilyStatusChange.changed_on, FamilyStatusChange.id)).all()
    return {
        "claim": claim, "family": family, "snapshot": snapshot, "conditions": _conditions(claim, claimed),
        "intact": rounds.sha256_of(snapshot.body) == snapshot.sha256 if snapshot else None,
        "needs": need_rows, "unlinked": by_need.get(None, []),
        "assessment": assessment,
        "assessment_withheld": shown(assessment, "Assessment", person_ids=[], whole_family_record=True)
        if assessment else None,
        "goals": goal_rows, "chronology": chronology, "money": rounds.money, "long_date": long_date,
        "asked_by": user.name, "made_on": today_london(), "agencies": agencies,
        "marking": "OFFICIAL-SENSITIVE", "footer": f"Evidence pack: claim {claim.id}, round {claim.round.code}",
    }


def build_pack(claim: Claim, user) -> bytes:
    html = current_app.jinja_env.get_template("claims/pdf/evidence_pack.html").render(**pack_context(claim, user))
    return render_pdf(html)
