"""Dashboard figures against the hand-counted programme in conftest.py (October 2026)."""
from flask import current_app

from app.reporting import queries
from app.reporting.periods import parse_period
from app.reporting.queries import Filters

OCT = parse_period("2026-10")


def test_families_by_lifecycle_state(programme):
    table = queries.families_by_state(Filters(OCT))
    assert table.raw() == {"Referred": [1], "Attached": [1], "Assessment in progress": [1], "Plan agreed": [1],
                           "Active": [3], "Closed": [3]}


def test_referrals_by_month_and_agency(programme):
    table = queries.referrals_by_agency(Filters(OCT))
    assert table.raw() == {programme.early_help.name: [3], programme.police.name: [2]}
    quarter = queries.referrals_by_agency(Filters(parse_period("2026-Q2")))  # July to September
    assert quarter.columns == ["Jul 2026", "Aug 2026", "Sep 2026"]
    assert quarter.raw() == {programme.early_help.name: [0, 0, 1], programme.police.name: [0, 1, 0]}


def test_triage_times(programme):
    table = queries.triage_times(Filters(OCT))
    assert table.raw() == {"Within 5 working days": [3], "Past the target of 5 working days": [2]}
    assert table.facts == [("Median time to triage", "1 working day")]


def test_referral_to_attachment(programme):
    table = queries.referral_to_attachment(Filters(OCT))
    assert table.raw() == {"Within a week": [2], "8 to 28 days": [2], "29 to 90 days": [1], "More than 90 days": [0]}
    assert table.facts == [("Median time from referral to attachment", "15 days")]


def test_caseload_per_key_worker(programme):
    assert queries.caseload(Filters(OCT)).raw() == {"Alex Key": [4], "Blair Worker": [2]}


def test_caseload_spread_for_the_monthly_report(programme, monkeypatch):
    table = queries.caseload_spread(Filters(OCT))  # Alex Key leads 4 open cases, Blair Worker 2
    assert table.raw() == {"1 to 10": [2], "11 to 20": [0], "21 to 30": [0], "More than 30": [0]}
    assert dict(table.facts)["Median open cases per key worker"] == "Not shown for fewer than 5 key workers"
    monkeypatch.setitem(current_app.config, "REPORT_SUPPRESSION_THRESHOLD", 2)
    assert dict(queries.caseload_spread(Filters(OCT)).facts)["Median open cases per key worker"] == "3"
    by_kw2 = queries.caseload_spread(Filters(OCT, key_worker_id=programme.kw2.id))
    assert by_kw2.raw()["1 to 10"] == [1]


def test_interventions_by_agency_and_type(programme):
    raw = queries.interventions_by_agency_and_type(Filters(OCT)).raw()
    assert sum(v[0] for v in raw.values()) == 3
    assert raw[f"{programme.early_help.name}: Home visit"] == [2]


def test_needs_at_attachment(programme):
    assert queries.needs_at_attachment(Filters(OCT)).raw() == {programme.headline_a_name: [2, 1],
                                                               programme.headline_b_name: [1, 0]}
    september = queries.needs_at_attachment(Filters(parse_period("2026-09"))).raw()
    assert september == {programme.headline_b_name: [0, 1]}


def test_sustainment(programme):
    raw = queries.sustainment(Filters(OCT)).raw()
    assert list(raw.values()) == [[1], [1]]


def test_filters_by_key_worker_and_agency(programme):
    by_kw2 = Filters(OCT, key_worker_id=programme.kw2.id)
    assert queries.caseload(by_kw2).raw() == {"Blair Worker": [2]}
    assert queries.families_by_state(by_kw2).raw()["Active"] == [2]
    by_police = Filters(OCT, agency_id=programme.police.id)
    assert queries.referrals_by_agency(by_police).raw() == {programme.police.name: [2]}
    assert sum(v[0] for v in queries.interventions_by_agency_and_type(by_police).raw().values()) == 1


def test_every_section_is_built_and_claims_only_when_there_is_something_to_count(programme):
    keys = [t.key for t in queries.build_dashboard(Filters(OCT))]
    assert keys == [k for k in queries.SECTIONS if k != "claims"]


def test_claims_against_the_annual_target(programme, claims):
    # Six results claims in the submitted October round; the rejected one and the draft round's do not count.
    table = queries.claims_against_target(Filters(OCT))
    assert table.raw() == {"Results payment": [6], "Attachment fee": [0]}
    assert dict(table.facts) == {"Target for results claims, April 2026 to March 2027": "100",
                                 "Results claims against the target": "6 of 100 (6%)",
                                 "Money claimed": "£4,800.00"}
    # Before the financial year's first claim and with no target, there is no claims section at all.
    assert queries.claims_against_target(Filters(parse_period("2026-03"))) is None
