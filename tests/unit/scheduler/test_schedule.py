"""System job declarations and the slot arithmetic that lets two schedulers agree on one run."""
from datetime import UTC, datetime

from app.scheduler import system_jobs
from app.scheduler.schedule import SYSTEM_JOBS, SystemJob, reference_exists, system_job


def test_every_declared_system_job_names_a_function_that_exists():
    assert SYSTEM_JOBS, "the audit anchoring job at least"
    for entry in SYSTEM_JOBS:
        assert reference_exists(entry.ref), entry.ref
        assert callable(system_jobs.resolve(entry.ref))
        system_jobs.make_trigger(entry)  # a bad trigger argument raises here


def test_names_are_unique_and_anchoring_is_daily():
    names = [entry.name for entry in SYSTEM_JOBS]
    assert len(names) == len(set(names))
    anchor = system_job("anchor_audit_chain")
    assert anchor.ref == "app.audit.integrity:anchor" and anchor.trigger == "cron"


def test_a_missing_reference_is_reported_as_missing():
    assert not reference_exists("app.nowhere:function")
    assert not reference_exists("app.audit.integrity:no_such_function")


def test_cron_slot_is_the_scheduled_time_even_when_the_firing_is_late():
    trigger = system_jobs.make_trigger(SystemJob("x", "m:f", "cron", {"hour": 2, "minute": 15}))
    grace = system_jobs.grace_seconds(trigger)
    # 2:15 London in October is 01:15 UTC (British Summer Time).
    on_time = datetime(2026, 10, 5, 1, 15, 0, 200_000, tzinfo=UTC)
    late = datetime(2026, 10, 5, 1, 18, 40, tzinfo=UTC)
    slot = system_jobs.slot_time(trigger, on_time, grace)
    assert slot == system_jobs.slot_time(trigger, late, grace)
    assert slot.astimezone(UTC) == datetime(2026, 10, 5, 1, 15, tzinfo=UTC)
    assert system_jobs.dedupe_key("x", slot) == "system:x:2026-10-05T01:15Z"


def test_interval_slots_are_aligned_so_every_process_computes_the_same_ones():
    trigger = system_jobs.make_trigger(SystemJob("x", "m:f", "interval", {"minutes": 5}))
    grace = system_jobs.grace_seconds(trigger)
    assert grace == 150  # under half the interval: a late firing never claims the next slot
    a = system_jobs.slot_time(trigger, datetime(2026, 10, 5, 9, 10, 1, tzinfo=UTC), grace)
    b = system_jobs.slot_time(trigger, datetime(2026, 10, 5, 9, 11, 30, tzinfo=UTC), grace)
    c = system_jobs.slot_time(trigger, datetime(2026, 10, 5, 9, 15, 2, tzinfo=UTC), grace)
    assert a == b == datetime(2026, 10, 5, 9, 10, tzinfo=UTC)
    assert c == datetime(2026, 10, 5, 9, 15, tzinfo=UTC)
