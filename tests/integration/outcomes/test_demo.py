"""The demo's outcome evidence: closed families at every stage of sustainment, so eligible, ineligible,
near-miss and came-back families all exist."""
from collections import Counter

from sqlalchemy import func, select

from app.cases.models import Family
from app.common.time import today_london
from app.extensions import db
from app.outcomes.facts_builder import build_facts_many
from app.outcomes.models import Evidence, NeedJudgement
from app.outcomes.rules import NOT_ALREADY_CLAIMED, rule_set_for
from app.outcomes.sustainment import SustainmentState, sustainment


def test_the_demo_has_families_in_every_outcome_state(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Evidence.id))) > 500
    assert db.session.scalar(select(func.count(NeedJudgement.need_id))) > 0
    today = today_london()
    facts = build_facts_many(db.session.scalars(select(Family.id).order_by(Family.id)))
    states, verdicts, near = Counter(), Counter(), 0
    for family_facts in facts.values():
        rule_set = rule_set_for("supporting_families", family_facts.attached_on)
        states[sustainment(family_facts, today).state] += 1
        [eligibility] = rule_set.evaluate_all(family_facts, today).values()
        # a family the demo's claims step already claimed for still counts as one that met the rules
        met = all(c.passed or c.code == NOT_ALREADY_CLAIMED for c in eligibility.conditions)
        verdicts["eligible" if met else "ineligible"] += 1
        near += bool(rule_set.near_miss(family_facts, today))
    assert verdicts["eligible"] >= 3 and verdicts["ineligible"] >= 3
    assert near >= 3
    for state in (SustainmentState.SUSTAINED, SustainmentState.IN_SUSTAINMENT, SustainmentState.NEED_CAME_BACK,
                  SustainmentState.NOT_RESOLVED, SustainmentState.CASE_OPEN):
        assert states[state] >= 1, (state, states)
