"""The queue's pure rules: backoff arithmetic, what params may hold, what a failure stores."""
import pytest

from app.common.jobs import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_CAP_SECONDS,
    InvalidJobData,
    JobError,
    backoff_seconds,
    check_data,
    error_text,
)


def test_backoff_doubles_from_the_base():
    assert [backoff_seconds(n, base=30, cap=10_000) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 240, 480]


def test_backoff_stops_at_the_cap():
    assert backoff_seconds(7, base=30, cap=1000) == 1000
    assert backoff_seconds(10_000) == BACKOFF_CAP_SECONDS  # a huge count neither overflows nor exceeds the cap


def test_no_wait_before_any_failure():
    assert backoff_seconds(0) == 0
    assert backoff_seconds(1) == BACKOFF_BASE_SECONDS


def test_backoff_never_decreases():
    waits = [backoff_seconds(n) for n in range(1, 40)]
    assert waits == sorted(waits)


def test_params_hold_ids_and_codes():
    assert check_data({"period": "2026-10", "agency_ids": (1, 2), "final": True, "none": None}) == {
        "period": "2026-10", "agency_ids": [1, 2], "final": True, "none": None}
    assert check_data(None) == {}


@pytest.mark.parametrize("bad", [
    {"note": "x" * 101},  # prose, perhaps personal content
    {"nested": {"a": 1}},
    {"names": ["ok", "y" * 200]},
    {1: "key not a string"},
    ["not", "a", "dict"],
])
def test_params_with_anything_else_are_refused(bad):
    with pytest.raises(InvalidJobData):
        check_data(bad)


def test_a_failure_stores_only_safe_text():
    assert error_text(JobError("No claims are due this month")) == "No claims are due this month"
    # An arbitrary exception's message might quote personal data: only its class name is kept.
    assert error_text(ValueError("Jane Smith, born 1 May 1990")) == "Unexpected error (ValueError)"
    assert len(error_text(JobError("x" * 500))) == 200
