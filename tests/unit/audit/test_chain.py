from datetime import UTC, datetime

from app.audit.chain import CHAINED_FIELDS, GENESIS, event_hmac

FIELDS = {
    "seq": 1, "occurred_at_utc": datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC), "action": "FamilyViewed",
    "actor_user_id": 3, "actor_agency_id": 2, "object_type": "family", "object_id": "12", "family_id": 12,
    "person_id": None, "purpose": "case_coordination", "basis": "consent", "outcome": "done", "request_id": "abc",
    "source_address": "127.0.0.1", "details": {"tab": "summary"},
}


def test_hmac_is_deterministic_and_keyed():
    assert event_hmac("k", GENESIS, FIELDS) == event_hmac("k", GENESIS, dict(FIELDS))
    assert event_hmac("k", GENESIS, FIELDS) != event_hmac("other key", GENESIS, FIELDS)


def test_every_chained_field_and_the_previous_link_change_the_hmac():
    base = event_hmac("k", GENESIS, FIELDS)
    assert event_hmac("k", "1" * 64, FIELDS) != base
    for name in CHAINED_FIELDS:
        changed = dict(FIELDS)
        changed[name] = {"x": 1} if name == "details" else 999 if isinstance(FIELDS[name], int) else "changed"
        assert event_hmac("k", GENESIS, changed) != base, name


def test_naive_datetimes_are_read_as_utc():
    naive = dict(FIELDS, occurred_at_utc=FIELDS["occurred_at_utc"].replace(tzinfo=None))
    assert event_hmac("k", GENESIS, naive) == event_hmac("k", GENESIS, FIELDS)
