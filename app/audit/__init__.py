"""The append-only, hash-chained audit log: record() for changes, record_refusal() for refusals and
failures, verify() and anchor() to prove nothing was changed, removed, reordered or cut off."""
from app.audit.services import record, record_refusal
from app.common import auditing

auditing.register(record, record_refusal)

__all__ = ["record", "record_refusal"]
