"""Worked examples run through the claim rule sets, without a database.

Each row is one family as plain data, the day it is judged, the expected verdict, the conditions
expected to fail (exactly these, in order) and a fragment of the reason a person would read. The
baseline families (builders.py) are eligible; each row changes one thing.
"""
from dataclasses import dataclass, replace
from datetime import date

import pytest

from app.outcomes.facts import ClaimType, Member
from app.outcomes.rules import (
    ASSESSMENT,
    ATTACHED,
    DEFAULT_CONFIG,
    FAMILY_PLAN,
    HOUSEHOLD,
    LEAD_PRACTITIONER,
    NEEDS_AT_ATTACHMENT,
    NEEDS_RESOLVED,
    NOT_ALREADY_CLAIMED,
    PAYMENT_BY_RESULTS,
    PROBLEMS_AT_ATTACHMENT,
    PROGRESS_OR_EMPLOYMENT,
    SUSTAINED,
    RuleSetConfig,
    rule_set_for,
)
from tests.unit.outcomes.builders import (
    CHILD,
    CLAIMABLE,
    CLOSED,
    P2_ATTACHED,
    P2_CLAIMABLE,
    PARENT,
    claimed,
    closed,
    need,
    override,
    p2_family,
    p2_working,
    plus_need,
    recurred,
    reopened,
    resolved,
    sf_family,
    with_need,
)

RESULTS, FEE = ClaimType.RESULTS, ClaimType.ATTACHMENT_FEE
SF, P2 = "supporting_families", "troubled_families_phase_2"


@dataclass(frozen=True)
class Example:
    name: str
    facts: object
    as_of: date
    eligible: bool
    failing: tuple[str, ...]
    check: str  # the condition whose reason is checked
    reason: str  # a fragment of that reason
    programme: str = SF
    claim_type: ClaimType = RESULTS
    config: RuleSetConfig = DEFAULT_CONFIG
    claimable_on: date | None = None  # checked when given


def ok(name, facts, as_of, check, reason, **kw):
    return Example(name, facts, as_of, True, (), check, reason, **kw)


def fails(name, facts, as_of, failing, reason, check=None, **kw):
    failing = (failing,) if isinstance(failing, str) else failing
    return Example(name, facts, as_of, False, failing, check or failing[0], reason, **kw)


EXAMPLES = [
    # --- Supporting Families 2022-25: the baseline, and each condition failing alone ---------------------
    ok("eligible on the day the sustainment period ends", sf_family(), CLAIMABLE,
       SUSTAINED, "claimable from 31 July 2025", claimable_on=CLAIMABLE),
    fails("not before: the day before the period ends", sf_family(), date(2025, 7, 30),
          SUSTAINED, "claimable on 31 July 2025", claimable_on=CLAIMABLE),
    fails("no dependent child: the only child was 18 the day before attachment",
          sf_family(members=(PARENT, replace(CHILD, date_of_birth=date(2006, 2, 28)))), CLAIMABLE,
          HOUSEHOLD, "No dependent child under 18 or expectant parent on the day of attachment (1 March 2024)"),
    ok("a child who turns 18 the day after attachment counts",
       sf_family(members=(PARENT, replace(CHILD, date_of_birth=date(2006, 3, 2)))), CLAIMABLE,
       HOUSEHOLD, "1 dependent child under 18 at attachment"),
    ok("an expectant parent and no children",
       sf_family(members=(replace(PARENT, expectant=True),)), CLAIMABLE,
       HOUSEHOLD, "An expectant parent at attachment"),
    fails("only 2 needs from 2 headlines at attachment", sf_family(needs=sf_family().needs[:2]), CLAIMABLE,
          NEEDS_AT_ATTACHMENT, "Only 2 needs from 2 headlines at attachment; 3 from 3 are needed"),
    fails("3 needs but from only 2 headlines",
          with_need(sf_family(), 2, headline_code="housing", descriptor_code="eviction_risk"), CLAIMABLE,
          NEEDS_AT_ATTACHMENT, "3 needs but from only 2 headlines at attachment; 3 from 3 are needed"),
    fails("an emerging need does not count towards the needs at attachment",
          with_need(sf_family(), 2, at_attachment=False, identified_on=date(2024, 6, 1)), CLAIMABLE,
          NEEDS_AT_ATTACHMENT, "Only 2 needs from 2 headlines"),
    fails("a need under a Phase 2 headline does not count",
          with_need(sf_family(), 2, headline_code="p2_health", descriptor_code="p2_mental_health"), CLAIMABLE,
          NEEDS_AT_ATTACHMENT, "1 need under headlines outside Supporting Families 2022-25 does not count"),
    fails("no lead practitioner", sf_family(lead_practitioner_named=False), CLAIMABLE,
          LEAD_PRACTITIONER, "No lead practitioner is named"),
    fails("no whole-family assessment", sf_family(assessment_completed_on=None), CLAIMABLE,
          ASSESSMENT, "No whole-family assessment has been completed"),
    fails("no family plan", sf_family(plan_agreed_on=None), CLAIMABLE,
          FAMILY_PLAN, "No family plan has been agreed"),
    fails("the plan does not cover an emerging need",
          plus_need(sf_family(), need(4, "crime", "proven_offence", identified=date(2024, 7, 1),
                                      at_attachment=False, in_plan=False)), CLAIMABLE,
          FAMILY_PLAN, "does not cover 1 need: proven_offence (crime, emerged during the work)"),
    fails("a need not resolved when the case closed",
          with_need(sf_family(), 1, events=()), CLAIMABLE,
          NEEDS_RESOLVED, "1 of 3 needs was not resolved when the case closed on 31 January 2025: rent_arrears"),
    fails("a need resolved only after the case closed",
          with_need(sf_family(), 0, events=(resolved(date(2025, 2, 14)),)), CLAIMABLE,
          NEEDS_RESOLVED, "school_attendance_below_90 (education)"),
    ok("an emerging need, resolved before closure: eligible",
       plus_need(sf_family(), need(4, "crime", "proven_offence", identified=date(2024, 7, 1), at_attachment=False)),
       CLAIMABLE, NEEDS_RESOLVED, "All 4 needs were resolved when the case closed on 31 January 2025, including 1 "
                                  "that emerged during the work"),
    fails("an emerging need left unresolved",
          plus_need(sf_family(), need(4, "crime", "proven_offence", identified=date(2024, 7, 1), at_attachment=False,
                                      events=())), CLAIMABLE,
          NEEDS_RESOLVED, "proven_offence (crime, emerged during the work)"),
    fails("no needs recorded at all", sf_family(needs=()), CLAIMABLE,
          (NEEDS_AT_ATTACHMENT, NEEDS_RESOLVED), "No needs at attachment; 3 from 3 are needed"),

    # --- sustainment: a need that came back ---------------------------------------------------------
    fails("a need came back during the sustainment period",
          with_need(sf_family(), 1, events=(resolved(date(2024, 4, 30)), recurred(date(2025, 4, 10), "evidence:9"))),
          CLAIMABLE, SUSTAINED, "rent_arrears (housing) came back on 10 April 2025"),
    fails("a need came back on the last day of the period",
          with_need(sf_family(), 1, events=(resolved(date(2024, 4, 30)), recurred(CLAIMABLE))),
          CLAIMABLE, SUSTAINED, "came back on 31 July 2025"),
    ok("a need that came back the day after the period ended does not undo it",
       with_need(sf_family(), 1, events=(resolved(date(2024, 4, 30)), recurred(date(2025, 8, 1)))),
       date(2025, 8, 1), SUSTAINED, "claimable from 31 July 2025"),
    fails("a need came back and was resolved again within the period",
          with_need(sf_family(), 1, events=(resolved(date(2024, 4, 30)), recurred(date(2025, 3, 1)),
                                            resolved(date(2025, 5, 1)))),
          CLAIMABLE, SUSTAINED, "came back on 1 March 2025"),
    ok("a need came back before closure and was resolved again before it",
       with_need(sf_family(), 1, events=(resolved(date(2024, 4, 30)), recurred(date(2024, 11, 1)),
                                         resolved(date(2025, 1, 10)))),
       CLAIMABLE, NEEDS_RESOLVED, "All 3 needs were resolved"),
    fails("a new need identified during the sustainment period",
          plus_need(sf_family(), need(4, "domestic_abuse", "domestic_abuse_incident", identified=date(2025, 5, 2),
                                      at_attachment=False, events=(), in_plan=False)),
          CLAIMABLE, SUSTAINED, "a new need, domestic_abuse_incident (domestic_abuse), was identified on 2 May 2025"),

    # --- the clock: open, reopened, month ends ----------------------------------------------------------
    fails("the case is still open", sf_family(case_events=()), CLAIMABLE,
          SUSTAINED, "The case is still open"),
    fails("a reopened case restarts the clock: not claimable six months after the first closure",
          sf_family(case_events=(closed(CLOSED), reopened(date(2025, 3, 3)), closed(date(2025, 4, 30)))), CLAIMABLE,
          SUSTAINED, "the clock restarted. In the 6-month sustainment period since the case closed on 30 April 2025: "
                     "claimable on 30 October 2025", claimable_on=date(2025, 10, 30)),
    ok("a reopened case is claimable six months after its last closure (30 April -> 30 October)",
       sf_family(case_events=(closed(CLOSED), reopened(date(2025, 3, 3)), closed(date(2025, 4, 30)))),
       date(2025, 10, 30), SUSTAINED, "claimable from 30 October 2025"),
    fails("a reopened case that is still open",
          sf_family(case_events=(closed(CLOSED), reopened(date(2025, 3, 3)))), CLAIMABLE,
          SUSTAINED, "still open (it was reopened on 3 March 2025)"),
    fails("closed 31 August 2024: not claimable on 27 February 2025",
          sf_family(closed_on=date(2024, 8, 31)), date(2025, 2, 27), SUSTAINED, "claimable on 28 February 2025"),
    ok("closed 31 August 2024: claimable on 28 February 2025, the month's last day",
       sf_family(closed_on=date(2024, 8, 31)), date(2025, 2, 28), SUSTAINED, "claimable from 28 February 2025",
       claimable_on=date(2025, 2, 28)),
    ok("closed 31 August 2023: claimable on 29 February 2024 in a leap year",
       sf_family(attached=date(2023, 1, 9), closed_on=date(2023, 8, 31)), date(2024, 2, 29),
       SUSTAINED, "claimable from 29 February 2024"),
    fails("closed 29 February 2024: not claimable on 28 August 2024",
          sf_family(attached=date(2023, 6, 1), closed_on=date(2024, 2, 29)), date(2024, 8, 28),
          SUSTAINED, "claimable on 29 August 2024"),
    ok("closed 29 February 2024: claimable on 29 August 2024",
       sf_family(attached=date(2023, 6, 1), closed_on=date(2024, 2, 29)), date(2024, 8, 29),
       SUSTAINED, "claimable from 29 August 2024"),
    fails("closed 30 April: not claimable on 29 October",
          sf_family(closed_on=date(2025, 4, 30)), date(2025, 10, 29), SUSTAINED, "claimable on 30 October 2025"),
    ok("a council with a 3-month sustainment period",
       sf_family(), date(2025, 4, 30), SUSTAINED, "No need came back in the 3-month sustainment period",
       config=RuleSetConfig(sustainment_months=3)),

    # --- one claim per family per programme ---------------------------------------------------------------
    fails("already claimed in this programme", sf_family(previous_claims=(claimed(),)), CLAIMABLE,
          NOT_ALREADY_CLAIMED, "Already claimed in this programme (results payment: claim:7)"),
    ok("a claim rejected by internal audit is not a claim", sf_family(previous_claims=(claimed(rejected=True),)),
       CLAIMABLE, NOT_ALREADY_CLAIMED, "1 claim rejected by internal audit does not count"),
    ok("a claim in another programme does not count",
       sf_family(previous_claims=(claimed(programme=P2),)), CLAIMABLE, NOT_ALREADY_CLAIMED, "No results payment"),
    ok("already claimed, overridden by an administrator with a reason",
       sf_family(previous_claims=(claimed(),), overrides=(override(NOT_ALREADY_CLAIMED),)), CLAIMABLE,
       NOT_ALREADY_CLAIMED, "overridden by an administrator on 1 July 2025: Earlier claim was for a different "
                            "household"),
    fails("an override cannot waive any other condition",
          sf_family(lead_practitioner_named=False, overrides=(override(LEAD_PRACTITIONER),)), CLAIMABLE,
          LEAD_PRACTITIONER, "No lead practitioner"),

    # --- Troubled Families Phase 2 ------------------------------------------------------------------------
    ok("Phase 2: significant and sustained progress against both problems", p2_family(), P2_CLAIMABLE,
       PROGRESS_OR_EMPLOYMENT, "Significant and sustained progress against all problems. Both needs were resolved",
       programme=P2, claimable_on=P2_CLAIMABLE),
    fails("Phase 2: only one of the six problems at attachment",
          p2_family(needs=p2_family().needs[:1]), P2_CLAIMABLE,
          PROBLEMS_AT_ATTACHMENT, "Only 1 of the six Phase 2 problems at attachment (p2_crime); 2 are needed",
          programme=P2),
    fails("Phase 2: a problem came back within six months of closure",
          with_need(p2_family(), 0, events=(resolved(date(2019, 7, 1)), recurred(date(2020, 6, 1)))), P2_CLAIMABLE,
          PROGRESS_OR_EMPLOYMENT, "p2_antisocial_behaviour (p2_crime) came back on 1 June 2020", programme=P2),
    ok("Phase 2: a Jobseeker's Allowance claimant in work 26 of 30 weeks (case still open)",
       p2_working(True, 26, 30), date(2020, 2, 1),
       PROGRESS_OR_EMPLOYMENT, "Continuous employment: an adult in work 26 of 30 weeks to 10 January 2020",
       programme=P2, claimable_on=date(2020, 1, 10)),
    fails("Phase 2: a Jobseeker's Allowance claimant in work 25 of 30 weeks",
          p2_working(True, 25, 30), date(2020, 2, 1),
          PROGRESS_OR_EMPLOYMENT, "in work 25 of 30 weeks to 10 January 2020; a Jobseeker's Allowance claimant needs "
                                  "26 of 30", programme=P2),
    fails("Phase 2: 26 weeks in work spread over 31 weeks is not 26 of 30",
          p2_working(True, 26, 31), date(2020, 2, 1), PROGRESS_OR_EMPLOYMENT, "needs 26 of 30", programme=P2),
    ok("Phase 2: an adult not on Jobseeker's Allowance in work 13 of 15 weeks",
       p2_working(False, 13, 15), date(2020, 2, 1),
       PROGRESS_OR_EMPLOYMENT, "an adult not on Jobseeker's Allowance: 13 of 15 are needed", programme=P2),
    fails("Phase 2: an adult not on Jobseeker's Allowance in work 12 of 15 weeks",
          p2_working(False, 12, 15), date(2020, 2, 1),
          PROGRESS_OR_EMPLOYMENT, "an adult not on Jobseeker's Allowance needs 13 of 15", programme=P2),
    fails("Phase 2: 13 of 15 weeks is not enough for a Jobseeker's Allowance claimant",
          p2_working(True, 13, 15), date(2020, 2, 1),
          PROGRESS_OR_EMPLOYMENT, "a Jobseeker's Allowance claimant needs 26 of 30", programme=P2),
    ok("Phase 2: a council that counts 10 of 12 weeks for others",
       p2_working(False, 10, 12), date(2020, 2, 1), PROGRESS_OR_EMPLOYMENT, "10 of 12 are needed", programme=P2,
       config=RuleSetConfig(other_weeks_in_work=10, other_window_weeks=12)),
    fails("Phase 2: employment that began before attachment does not count",
          p2_working(True, 30, 30, ends=date(2019, 10, 1)), date(2020, 2, 1),
          PROGRESS_OR_EMPLOYMENT, "a period that began before the family was attached", programme=P2),
    fails("Phase 2: an employment window not yet over is not counted",
          p2_working(True, 26, 30, ends=date(2020, 3, 1)), date(2020, 2, 1),
          PROGRESS_OR_EMPLOYMENT, "no adult's employment period has ended by 1 February 2020", programme=P2),
    ok("Phase 2: the attachment fee is claimable from the day of attachment, in that month's round",
       p2_family(case_events=()), P2_ATTACHED, ATTACHED, "Attached on 1 May 2019", programme=P2, claim_type=FEE,
       claimable_on=P2_ATTACHED),
    fails("Phase 2: the attachment fee is claimed once per family",
          p2_family(previous_claims=(claimed(P2, FEE, ref="claim:3"),)), P2_CLAIMABLE,
          NOT_ALREADY_CLAIMED, "Already claimed in this programme (attachment fee: claim:3)", programme=P2,
          claim_type=FEE),
    ok("Phase 2: an attachment fee already paid does not stop the results payment (separate claim types)",
       p2_family(previous_claims=(claimed(P2, FEE, ref="claim:3"),)), P2_CLAIMABLE,
       NOT_ALREADY_CLAIMED, "No results payment claimed before", programme=P2),
    ok("Supporting Families, family attached in 2021: judged by the Phase 2 rules then in force",
       p2_family(attached_on=date(2021, 6, 1), assessment_completed_on=date(2021, 6, 20),
                 plan_agreed_on=date(2021, 7, 1), case_events=(closed(date(2022, 1, 31)),),
                 needs=tuple(replace(n, identified_on=date(2021, 6, 1)) for n in p2_family().needs),
                 programme=SF),
       date(2022, 7, 31), PROBLEMS_AT_ATTACHMENT, "2 of the six Phase 2 problems at attachment"),

    # --- no payment by results ----------------------------------------------------------------------------
    fails("a council with no payment by results: not applicable", sf_family(), CLAIMABLE,
          PAYMENT_BY_RESULTS, "Not applicable: this council runs without payment by results", programme="none"),
]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_worked_example(example: Example):
    rule_set = rule_set_for(example.programme, example.facts.attached_on, example.config)
    result = rule_set.evaluate(example.facts, example.claim_type, example.as_of)

    assert result.eligible is example.eligible, result.reason
    assert tuple(c.code for c in result.failed) == example.failing, result.reason
    assert example.reason in result.condition(example.check).reason
    expected_amount = rule_set.claim_types.get(example.claim_type, 0) if example.eligible else 0
    assert result.amount == expected_amount
    if example.claimable_on is not None:
        assert result.claimable_on == example.claimable_on


def test_the_table_is_big_enough_and_names_are_unique():
    assert len(EXAMPLES) >= 25
    assert len({e.name for e in EXAMPLES}) == len(EXAMPLES)


def test_every_condition_fails_alone_somewhere_in_the_table():
    alone = {e.failing[0] for e in EXAMPLES if len(e.failing) == 1}
    assert {HOUSEHOLD, NEEDS_AT_ATTACHMENT, LEAD_PRACTITIONER, ASSESSMENT, FAMILY_PLAN, NEEDS_RESOLVED, SUSTAINED,
            NOT_ALREADY_CLAIMED, PROBLEMS_AT_ATTACHMENT, PROGRESS_OR_EMPLOYMENT} <= alone


def test_amounts_follow_the_claim_type_and_the_config():
    p2 = rule_set_for(P2, P2_ATTACHED)
    assert p2.evaluate(p2_family(), RESULTS, P2_CLAIMABLE).amount == 800
    assert p2.evaluate(p2_family(), FEE, P2_CLAIMABLE).amount == 1000
    generous = rule_set_for(SF, CLOSED, RuleSetConfig(results_amount="950.50"))
    result = generous.evaluate(sf_family(), RESULTS, CLAIMABLE)
    assert str(result.amount) == "950.50"
    assert result.reason == "Eligible for the results payment of £950.50"


def test_evidence_refs_point_at_the_needs_and_the_evidence():
    result = rule_set_for(SF, CLOSED).evaluate(
        with_need(sf_family(), 1, events=(resolved(date(2024, 4, 30)), recurred(date(2025, 4, 10), "evidence:9"))),
        RESULTS, CLAIMABLE)
    assert result.condition(SUSTAINED).evidence_refs == ("evidence:9",)
    assert result.condition(NEEDS_AT_ATTACHMENT).evidence_refs == ("need:1", "need:2", "need:3")
    assert result.condition(HOUSEHOLD).evidence_refs == ("person:2",)


def test_evidence_dated_after_the_day_judged_is_ignored():
    # the round built on 31 July does not see a recurrence typed in for 5 August, nor a later claim
    facts = with_need(sf_family(), 1, events=(resolved(date(2024, 4, 30)), recurred(date(2025, 8, 5))))
    assert rule_set_for(SF, CLOSED).evaluate(facts, RESULTS, CLAIMABLE).eligible
    # a Phase 2 employment window that ends after the day judged is not counted yet
    facts = p2_working(True, 26, 30, ends=date(2020, 2, 2))
    rule_set = rule_set_for(P2, P2_ATTACHED)
    assert not rule_set.evaluate(facts, RESULTS, date(2020, 2, 1)).eligible
    assert rule_set.evaluate(facts, RESULTS, date(2020, 2, 2)).eligible


def test_a_baby_born_after_attachment_is_not_a_dependent_child_at_attachment():
    facts = sf_family(members=(PARENT, Member("person:3", "child", date(2024, 8, 1))))
    result = rule_set_for(SF, CLOSED).evaluate(facts, RESULTS, CLAIMABLE)
    assert [c.code for c in result.failed] == [HOUSEHOLD]
