"""Choosing the rule set, its configuration, and the promise that the rules stay pure."""
import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.framework.catalogue import SUPPORTING_FAMILIES_2022, TROUBLED_FAMILIES_PHASE_2
from app.framework.models import Programme
from app.outcomes import rules
from app.outcomes.facts import ClaimType
from app.outcomes.rules import (
    InvalidRuleSetConfig,
    NoPaymentByResults,
    NoRuleSetInForce,
    RuleSetConfig,
    SupportingFamilies2022,
    TroubledFamiliesPhase2,
    UnknownProgramme,
    UnsupportedClaimType,
    rule_set_for,
)
from tests.unit.outcomes.builders import CLAIMABLE, sf_family


@pytest.mark.parametrize("code, attached_on, expected, programme", [
    ("supporting_families", date(2022, 10, 3), SupportingFamilies2022, "supporting_families"),
    ("supporting_families", date(2025, 6, 1), SupportingFamilies2022, "supporting_families"),
    ("supporting_families", date(2022, 10, 2), TroubledFamiliesPhase2, "supporting_families"),
    ("troubled_families_phase_2", date(2015, 4, 1), TroubledFamiliesPhase2, "troubled_families_phase_2"),
    ("troubled_families_phase_2", date(2022, 10, 2), TroubledFamiliesPhase2, "troubled_families_phase_2"),
    ("sf2022", date(2020, 1, 1), SupportingFamilies2022, "supporting_families"),  # an explicit choice
    ("tf2015", date(2024, 1, 1), TroubledFamiliesPhase2, "troubled_families_phase_2"),
    ("none", date(2024, 1, 1), NoPaymentByResults, "none"),
    ("families_first", date(2025, 6, 1), NoPaymentByResults, "families_first"),
])
def test_the_version_in_force_on_the_day_of_attachment(code, attached_on, expected, programme):
    rule_set = rule_set_for(code, attached_on)
    assert type(rule_set) is expected
    assert rule_set.programme == programme


def test_a_programme_enum_member_works_as_a_code():
    assert isinstance(rule_set_for(Programme.SUPPORTING_FAMILIES, date(2024, 1, 1)), SupportingFamilies2022)


def test_no_rule_set_before_a_programme_or_after_phase_2_ended():
    with pytest.raises(NoRuleSetInForce, match="2 March 2015"):
        rule_set_for("supporting_families", date(2015, 3, 2))
    with pytest.raises(NoRuleSetInForce, match="troubled families phase 2 rule set was in force on 3 October 2022"):
        rule_set_for("troubled_families_phase_2", date(2022, 10, 3))


def test_an_unknown_code_is_refused():
    with pytest.raises(UnknownProgramme):
        rule_set_for("lottery", date(2024, 1, 1))


def test_rule_sets_name_their_framework_version_and_claim_types():
    sf, p2 = rule_set_for("sf2022", date(2024, 1, 1)), rule_set_for("tf2015", date(2019, 1, 1))
    assert (sf.framework_version_code, sf.effective_from, sf.effective_to) == ("sf2022", date(2022, 10, 3), None)
    assert (p2.framework_version_code, p2.effective_to) == ("tf2015", date(2022, 10, 2))
    assert sf.claim_types == {ClaimType.RESULTS: Decimal("800")}
    assert p2.claim_types == {ClaimType.RESULTS: Decimal("800"), ClaimType.ATTACHMENT_FEE: Decimal("1000")}
    assert rule_set_for("none", date(2024, 1, 1)).claim_types == {}


def test_the_rule_sets_dates_and_headlines_match_the_framework_catalogue():
    for rule_set, spec in ((SupportingFamilies2022, SUPPORTING_FAMILIES_2022),
                           (TroubledFamiliesPhase2, TROUBLED_FAMILIES_PHASE_2)):
        assert rule_set.framework_version_code == spec.code
        assert (rule_set.effective_from, rule_set.effective_to) == (spec.effective_from, spec.effective_to)
    assert tuple(h.code for h in SUPPORTING_FAMILIES_2022.headlines) == rules.SF2022_HEADLINES
    assert tuple(h.code for h in TROUBLED_FAMILIES_PHASE_2.headlines) == rules.PHASE2_PROBLEMS
    assert {rules.SUPPORTING_FAMILIES, rules.TROUBLED_FAMILIES_PHASE_2, rules.FAMILIES_FIRST} == {
        p.value for p in Programme}


def test_an_unsupported_claim_type_is_refused():
    sf = rule_set_for("supporting_families", date(2024, 1, 1))
    with pytest.raises(UnsupportedClaimType, match="no attachment fee"):
        sf.evaluate(sf_family(), ClaimType.ATTACHMENT_FEE, CLAIMABLE)
    with pytest.raises(UnsupportedClaimType, match="Unknown claim type"):
        sf.evaluate(sf_family(), "bonus", CLAIMABLE)
    assert sf.evaluate(sf_family(), "results", CLAIMABLE).eligible  # a code is fine


def test_no_payment_by_results_is_never_applicable():
    result = rule_set_for("none", date(2024, 1, 1)).evaluate(sf_family(), ClaimType.RESULTS, CLAIMABLE)
    assert (result.applicable, result.eligible, result.amount) == (False, False, 0)
    assert result.reason.startswith("Not applicable")


def test_evaluate_all_covers_every_claim_type():
    results = rule_set_for("tf2015", date(2019, 1, 1)).evaluate_all(sf_family(), CLAIMABLE)
    assert list(results) == [ClaimType.RESULTS, ClaimType.ATTACHMENT_FEE]


def test_config_defaults():
    config = RuleSetConfig()
    assert (config.results_amount, config.attachment_fee_amount, config.sustainment_months) == (800, 1000, 6)
    assert (config.minimum_needs, config.minimum_headlines, config.minimum_problems) == (3, 3, 2)
    assert (config.jsa_weeks_in_work, config.jsa_window_weeks) == (26, 30)
    assert (config.other_weeks_in_work, config.other_window_weeks) == (13, 15)
    assert RuleSetConfig(results_amount=750).results_amount == Decimal("750")


@pytest.mark.parametrize("changes, message", [
    ({"results_amount": -1}, "results_amount must be an amount of 0 or more"),
    ({"attachment_fee_amount": "lots"}, "attachment_fee_amount must be an amount"),
    ({"sustainment_months": 0}, "sustainment_months must be a whole number, 1 or more"),
    ({"minimum_needs": 2.5}, "minimum_needs must be a whole number"),
    ({"minimum_problems": True}, "minimum_problems must be a whole number"),
    ({"jsa_weeks_in_work": 31}, "jsa_weeks_in_work cannot be more than jsa_window_weeks"),
    ({"minimum_headlines": 4}, "minimum_headlines cannot be more than minimum_needs"),
])
def test_bad_config_is_refused(changes, message):
    with pytest.raises(InvalidRuleSetConfig, match=message):
        RuleSetConfig(**changes)


def test_the_rules_import_nothing_but_the_standard_library_common_enums_and_each_other():
    # The pure modules only; the rest of the package (models, services, pages) works with the database.
    # judgement.py reads a descriptor's ResolutionRule, itself plain data (app.framework.rules); rules.py words
    # its reasons with app.common.text.plural, a pure function.
    allowed = {"abc", "calendar", "collections", "dataclasses", "datetime", "decimal", "app.common.enums",
               "app.common.text", "app.framework.rules"}
    pure = ("dates.py", "facts.py", "judgement.py", "rules.py", "sustainment.py")
    for path in sorted(Path(rules.__file__).parent / name for name in pure):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert name in allowed or top in allowed or name.startswith("app.outcomes."), (path.name, name)
