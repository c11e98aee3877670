from types import SimpleNamespace

import pytest

from app.framework.categories import DataCategory, UnknownHeadline, allowed_categories, category_for

SECURITY_MD_CATEGORIES = ("identity, contact, education, health, mental_health, substance_use, crime, domestic_abuse, "
                          "child_safety, housing, finance, employment, case_note")


def test_data_categories_are_exactly_those_in_security_md():
    assert [c.value for c in DataCategory] == SECURITY_MD_CATEGORIES.split(", ")


@pytest.mark.parametrize("headline, category", [
    ("education", "education"), ("early_years", "education"), ("health", "health"),
    ("substance_use", "substance_use"), ("relationships", "case_note"), ("child_safety", "child_safety"),
    ("crime", "crime"), ("domestic_abuse", "domestic_abuse"), ("housing", "housing"),
    ("financial_stability", "finance"),
    ("p2_crime", "crime"), ("p2_education", "education"), ("p2_children_in_need", "child_safety"),
    ("p2_worklessness", "employment"), ("p2_domestic_abuse", "domestic_abuse"), ("p2_health", "health"),
])
def test_each_headline_defaults_to_the_domain_md_category(headline, category):
    assert category_for(headline) == category
    assert allowed_categories(headline)[0] == category


def test_mental_health_descriptors_under_health_are_mental_health():
    assert category_for("health", "adult_mental_health_need") is DataCategory.MENTAL_HEALTH
    assert category_for("health", {"code": "camhs", "description": "A child with a Mental Health need"}) \
        is DataCategory.MENTAL_HEALTH
    assert category_for("health", SimpleNamespace(code="diabetes", description="Unmanaged diabetes")) \
        is DataCategory.HEALTH


def test_worklessness_descriptors_under_financial_stability_are_employment():
    assert category_for("financial_stability", {"code": "x", "description": "An adult on out-of-work benefits"}) \
        is DataCategory.EMPLOYMENT
    assert category_for("financial_stability", "workless_household") is DataCategory.EMPLOYMENT
    assert category_for("financial_stability", {"code": "problem_debt", "description": "Problem debt"}) \
        is DataCategory.FINANCE


def test_keywords_only_choose_among_the_headlines_own_categories():
    # "mental" means nothing under crime: a crime need stays crime data.
    assert category_for("crime", "mental_health_related_offence") is DataCategory.CRIME
    assert category_for("p2_health", "p2_alcohol_misuse") is DataCategory.SUBSTANCE_USE
    assert category_for("p2_worklessness", "p2_rent_arrears") is DataCategory.FINANCE


def test_unknown_headline_is_refused():
    with pytest.raises(UnknownHeadline):
        category_for("happiness")
    with pytest.raises(UnknownHeadline):
        allowed_categories("happiness")
