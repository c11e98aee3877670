"""When a session ends: idle and absolute limits (pure function, no database)."""
from app.auth.sessions import expiry_reason

NOW = 1_800_000_000
LIMITS = {"idle_minutes": 30, "absolute_hours": 12}


def test_an_active_session_goes_on():
    assert expiry_reason(NOW - 3600, NOW - 60, NOW, **LIMITS) is None


def test_idle_for_the_limit_ends_it():
    assert expiry_reason(NOW - 3600, NOW - 29 * 60, NOW, **LIMITS) is None
    assert expiry_reason(NOW - 3600, NOW - 30 * 60, NOW, **LIMITS) == "idle"


def test_twelve_hours_after_sign_in_ends_it_however_active():
    assert expiry_reason(NOW - 12 * 3600 + 1, NOW - 1, NOW, **LIMITS) is None
    assert expiry_reason(NOW - 12 * 3600, NOW - 1, NOW, **LIMITS) == "absolute"


def test_a_session_without_a_sign_in_time_is_not_one_we_made():
    assert expiry_reason(None, NOW, NOW, **LIMITS) == "absolute"


def test_a_first_request_has_no_last_seen_yet():
    assert expiry_reason(NOW - 10, None, NOW, **LIMITS) is None
