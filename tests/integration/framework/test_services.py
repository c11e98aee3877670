"""Seeding, versions in force, descriptor changes and their audit, and the reads."""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditEvent
from app.extensions import db
from app.framework import queries, services
from app.framework.catalogue import DEFAULT_CATALOGUE
from app.framework.models import Descriptor, FrameworkVersion, HeadlineOutcome
from app.framework.rules import InvalidDescriptor

TOTAL_HEADLINES = sum(len(v.headlines) for v in DEFAULT_CATALOGUE)
TOTAL_DESCRIPTORS = sum(len(h.descriptors) for v in DEFAULT_CATALOGUE for h in v.headlines)


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


@pytest.fixture
def seeded():
    services.seed_default_framework()
    return queries.version_by_code("sf2022")


def _new_data(**changes):
    return {"code": "young_person_gambling", "description": "A young person with harmful gambling",
            "measure": "Whether the young person engaged with support in the month",
            "resolved_when": "Engaging with support for three consecutive months", "measure_kind": "yes_no",
            "comparison": "==", "threshold": None, "consecutive_periods": 3, "period_unit": "month",
            "category": "finance", **changes}


def test_seed_loads_the_catalogue_once_and_audits_it():
    first = services.seed_default_framework()
    assert first == {"versions": 2, "headlines": TOTAL_HEADLINES, "descriptors": TOTAL_DESCRIPTORS}
    second = services.seed_default_framework()
    assert second == {"versions": 0, "headlines": 0, "descriptors": 0}
    assert (_count(FrameworkVersion), _count(HeadlineOutcome), _count(Descriptor)) == (
        2, TOTAL_HEADLINES, TOTAL_DESCRIPTORS)
    seeded_events = _events("FrameworkSeeded")
    assert len(seeded_events) == 1  # nothing added, nothing to audit
    assert seeded_events[0].details == first


def test_seed_keeps_a_councils_edits_and_restores_only_what_is_missing(seeded):
    descriptor = queries.descriptor_by_code(seeded, "school_attendance_below_90")
    services.update_descriptor(descriptor, {**_fields(descriptor), "threshold": 95})
    db.session.delete(queries.descriptor_by_code(seeded, "rent_arrears"))
    db.session.flush()
    assert services.seed_default_framework() == {"versions": 0, "headlines": 0, "descriptors": 1}
    assert queries.descriptor_by_code(seeded, "school_attendance_below_90").threshold == 95
    assert queries.descriptor_by_code(seeded, "rent_arrears") is not None


@pytest.mark.parametrize("day, expected", [
    (date(2015, 3, 31), None),
    (date(2015, 4, 1), "tf2015"),
    (date(2022, 10, 2), "tf2015"),
    (date(2022, 10, 3), "sf2022"),
    (date(2030, 1, 1), "sf2022"),
])
def test_version_in_force_on_the_boundaries(seeded, day, expected):
    version = services.version_in_force(day)
    assert (version.code if version else None) == expected


def test_version_in_force_for_a_programme(seeded):
    assert services.version_in_force(date(2023, 1, 1), "troubled_families_phase_2") is None
    assert services.version_in_force(date(2020, 1, 1), "troubled_families_phase_2").code == "tf2015"
    assert services.version_in_force(date(2020, 1, 1), "supporting_families") is None
    with pytest.raises(ValueError):
        services.version_in_force(date(2020, 1, 1), "no_such_programme")


def test_a_later_version_wins_where_two_overlap(seeded):
    newer = FrameworkVersion(code="sf2025", name="Supporting Families 2025", programme="supporting_families",
                             effective_from=date(2025, 4, 1))
    db.session.add(newer)
    db.session.flush()
    assert services.version_in_force(date(2025, 3, 31)).code == "sf2022"
    assert services.version_in_force(date(2025, 4, 1)).code == "sf2025"


def test_headlines_come_in_order_with_their_descriptors_in_two_queries(seeded):
    db.session.expunge_all()
    version = queries.version_by_code("sf2022")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        headlines = queries.headlines_with_descriptors(version)
        seen = [(h.code, [d.code for d in h.descriptors]) for h in headlines]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 2
    assert [code for code, _ in seen][:3] == ["education", "early_years", "health"]
    assert seen[0][1][:2] == ["school_attendance_below_90", "suspended_or_excluded"]


def test_retired_descriptors_leave_the_valid_reason_codes(seeded):
    codes = queries.valid_reason_codes(seeded)
    assert codes[0] == "school_attendance_below_90"
    assert codes[-1] == "cannot_afford_essentials"
    assert "p2_persistent_absence" not in codes
    services.retire_descriptor(queries.descriptor_by_code(seeded, "rent_arrears"))
    assert "rent_arrears" not in queries.valid_reason_codes(seeded)
    active = queries.headlines_with_descriptors(seeded, active_only=True)
    housing = next(h for h in active if h.code == "housing")
    assert "rent_arrears" not in [d.code for d in housing.descriptors]


def _fields(descriptor):
    return {f: getattr(descriptor, f) for f in services.EDITABLE_FIELDS}


def test_update_changes_the_rule_and_audits_only_the_fields_changed(seeded, factory):
    admin = factory.user(role="admin")
    descriptor = queries.descriptor_by_code(seeded, "school_attendance_below_90")
    services.update_descriptor(descriptor, {**_fields(descriptor), "threshold": "92.5", "consecutive_periods": "2"},
                               actor=admin)
    assert (descriptor.threshold, descriptor.consecutive_periods) == (92.5, 2)
    assert descriptor.code == "school_attendance_below_90"
    (event_,) = _events("FrameworkDescriptorUpdated")
    assert (event_.actor_user_id, event_.object_type, event_.object_id) == (admin.id, "framework_descriptor",
                                                                           str(descriptor.id))
    assert event_.details["fields"] == ["consecutive_periods", "threshold"]
    assert event_.details["code"] == "school_attendance_below_90"
    services.update_descriptor(descriptor, _fields(descriptor), actor=admin)
    assert len(_events("FrameworkDescriptorUpdated")) == 1  # no change, no event


def test_update_refuses_bad_data_and_changes_nothing(seeded):
    descriptor = queries.descriptor_by_code(seeded, "school_attendance_below_90")
    with pytest.raises(InvalidDescriptor) as refusal:
        services.update_descriptor(descriptor, {**_fields(descriptor), "threshold": 150, "category": "crime"})
    assert set(refusal.value.problems) == {"threshold", "category"}
    assert descriptor.threshold == 90
    assert _events("FrameworkDescriptorUpdated") == []


def test_add_puts_the_descriptor_last_and_audits_it(seeded):
    finance = next(h for h in seeded.headlines if h.code == "financial_stability")
    descriptor = services.add_descriptor(finance, _new_data())
    assert descriptor.version_id == seeded.id
    assert descriptor.order == max(d.order for d in finance.descriptors)
    assert queries.valid_reason_codes(seeded)[-1] == "young_person_gambling"
    (event_,) = _events("FrameworkDescriptorAdded")
    assert event_.details == {"version_id": seeded.id, "headline": "financial_stability",
                              "code": "young_person_gambling", "category": "finance"}


def test_add_refuses_a_code_already_used_in_the_version_but_not_in_another(seeded):
    finance = next(h for h in seeded.headlines if h.code == "financial_stability")
    with pytest.raises(InvalidDescriptor) as refusal:
        services.add_descriptor(finance, _new_data(code="rent_arrears"))
    assert "already exists" in refusal.value.problems["code"]
    p2 = queries.version_by_code("tf2015")
    worklessness = next(h for h in p2.headlines if h.code == "p2_worklessness")
    added = services.add_descriptor(worklessness, _new_data(code="rent_arrears", category="finance"))
    assert added.version_id == p2.id


def test_retire_twice_is_refused_and_reinstate_brings_it_back(seeded):
    descriptor = queries.descriptor_by_code(seeded, "rent_arrears")
    services.retire_descriptor(descriptor)
    with pytest.raises(services.DescriptorAlreadyRetired):
        services.retire_descriptor(descriptor)
    services.reinstate_descriptor(descriptor)
    assert descriptor.active
    with pytest.raises(services.DescriptorNotRetired):
        services.reinstate_descriptor(descriptor)
    assert [len(_events(a)) for a in ("FrameworkDescriptorRetired", "FrameworkDescriptorReinstated")] == [1, 1]


def test_the_database_refuses_a_descriptor_whose_version_is_not_its_headlines(seeded):
    p2 = queries.version_by_code("tf2015")
    headline = seeded.headlines[0]
    stray = Descriptor(version_id=p2.id, headline_id=headline.id, code="stray", description="x", measure="x",
                       resolved_when="x", measure_kind="count", comparison="<=", threshold=0,
                       consecutive_periods=1, period_unit="month", category="education", order=99)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(stray)
        db.session.flush()


def test_the_database_refuses_a_yes_no_rule_with_a_threshold(seeded):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(Descriptor).where(Descriptor.code == "neet_16_to_18").values(threshold=1))
