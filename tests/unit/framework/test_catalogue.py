"""The default catalogue: the national codes, enough descriptors, and categories that follow domain.md."""
from datetime import date

import pytest

from app.framework.catalogue import DEFAULT_CATALOGUE, SUPPORTING_FAMILIES_2022, TROUBLED_FAMILIES_PHASE_2
from app.framework.categories import DataCategory, category_for
from app.framework.models import Programme
from app.framework.rules import CODE_PATTERN, descriptor_problems

SF_CODES = ["education", "early_years", "health", "substance_use", "relationships", "child_safety", "crime",
            "domestic_abuse", "housing", "financial_stability"]
P2_CODES = ["p2_crime", "p2_education", "p2_children_in_need", "p2_worklessness", "p2_domestic_abuse", "p2_health"]


def _all_descriptors():
    for version in DEFAULT_CATALOGUE:
        for headline in version.headlines:
            for descriptor in headline.descriptors:
                yield version, headline, descriptor


def test_supporting_families_has_the_ten_headlines_in_order():
    sf = SUPPORTING_FAMILIES_2022
    assert (sf.code, sf.name, sf.programme) == ("sf2022", "Supporting Families 2022-25", Programme.SUPPORTING_FAMILIES)
    assert (sf.effective_from, sf.effective_to) == (date(2022, 10, 3), None)
    assert [h.code for h in sf.headlines] == SF_CODES
    assert sf.headlines[0].name == "Getting a good education"
    assert sf.headlines[-1].name == "Financial stability"


def test_every_supporting_families_headline_has_at_least_three_descriptors():
    for headline in SUPPORTING_FAMILIES_2022.headlines:
        assert len(headline.descriptors) >= 3, headline.code


def test_phase_2_has_its_six_problems_with_at_least_two_descriptors_and_ends_the_day_before_sf():
    p2 = TROUBLED_FAMILIES_PHASE_2
    assert [h.code for h in p2.headlines] == P2_CODES
    assert all(len(h.descriptors) >= 2 for h in p2.headlines)
    assert p2.effective_from == date(2015, 4, 1)
    assert p2.effective_to == date(2022, 10, 2)
    assert (SUPPORTING_FAMILIES_2022.effective_from - p2.effective_to).days == 1


def test_descriptor_codes_are_unique_within_each_version_and_well_formed():
    for version in DEFAULT_CATALOGUE:
        codes = [d.code for h in version.headlines for d in h.descriptors]
        assert len(codes) == len(set(codes)), version.code
        assert all(CODE_PATTERN.match(c) for c in codes)
    # Phase 2 codes cannot be mistaken for Supporting Families ones in an export.
    assert all(d.code.startswith("p2_") for h in TROUBLED_FAMILIES_PHASE_2.headlines for d in h.descriptors)


@pytest.mark.parametrize("version, headline, descriptor", list(_all_descriptors()),
                         ids=lambda x: getattr(x, "code", None))
def test_each_descriptor_passes_the_rules_and_its_category_follows_the_mapping(version, headline, descriptor):
    assert descriptor_problems(descriptor.as_dict(), headline.code) == {}
    assert descriptor.category == category_for(headline.code, descriptor)


def test_examples_from_the_brief():
    sf = {d.code: (h.code, d) for h in SUPPORTING_FAMILIES_2022.headlines for d in h.descriptors}
    _, attendance = sf["school_attendance_below_90"]
    assert attendance.description == "School attendance below 90%"
    assert (attendance.measure_kind, attendance.comparison, attendance.threshold,
            attendance.consecutive_periods, attendance.period_unit) == ("percentage", ">=", 90, 3, "term")
    assert sf["proven_offence_or_caution"][0] == "crime"
    assert sf["rent_arrears"][0] == sf["at_risk_of_homelessness"][0] == "housing"
    assert sf["adult_out_of_work_benefits"][1].category is DataCategory.EMPLOYMENT
    assert sf["problem_debt"][1].category is DataCategory.FINANCE
    assert sf["adult_mental_health_need"][1].category is DataCategory.MENTAL_HEALTH
    assert sf["physical_health_need_untreated"][1].category is DataCategory.HEALTH
