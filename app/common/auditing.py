"""Audit hooks for the lowest floor. `common` (the upload service, for one) must audit, but may not
import `app.audit`, which sits above it. The audit package registers its writers here when it is
imported (always, by the app factory); calling before that is a programming error, never silent."""

_writers = {}


def register(record, record_refusal):
    _writers["record"] = record
    _writers["record_refusal"] = record_refusal


def _writer(name):
    try:
        return _writers[name]
    except KeyError:
        raise RuntimeError("app.audit has not been imported: no audit writer is registered") from None


def record(action, **fields):
    return _writer("record")(action, **fields)


def record_refusal(action, **fields):
    return _writer("record_refusal")(action, **fields)
