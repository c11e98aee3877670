"""The chain arithmetic, kept pure so it can be tested without a database."""
import hashlib
import hmac as hmac_lib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq", "occurred_at_utc", "action", "actor_user_id", "actor_agency_id", "object_type", "object_id",
    "family_id", "person_id", "purpose", "basis", "outcome", "request_id", "source_address", "details",
)


def _canonical(value):
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def event_hmac(key: str, prev_hmac: str, fields: dict) -> str:
    body = {name: _canonical(fields.get(name)) for name in CHAINED_FIELDS}
    message = prev_hmac + "\n" + json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hmac_lib.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
