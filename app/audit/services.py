"""Writing audit events.

`record()` adds an event to the current transaction, so it commits or rolls back with the change it
describes. `record_refusal()` is for refusals and failures (a failed sign-in, a 403/404 on a protected
object): inside a request it is held until the request's own transaction has ended and is then
written in a fresh transaction chained off the committed head, so a rollback cannot erase it.

Appends are serialised: on PostgreSQL a transaction-level advisory lock is taken before the chain
head is read; the unique `seq` column refuses a fork on any database.
"""
from flask import current_app, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import select, text

from app.audit.chain import GENESIS, event_hmac
from app.audit.models import AuditEvent
from app.common.time import utcnow
from app.extensions import db

# Arbitrary, fixed: the advisory lock id that serialises appends to the chain.
CHAIN_LOCK_ID = 7_212_019_466


def _lock_chain(session):
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": CHAIN_LOCK_ID})


def chain_head(session):
    """(seq, hmac) of the newest event visible to this transaction."""
    row = session.execute(select(AuditEvent.seq, AuditEvent.hmac).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row.seq, row.hmac) if row else (0, GENESIS)


def _context(actor):
    ctx = {"actor_user_id": None, "actor_agency_id": None, "request_id": None, "source_address": None}
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    if actor is not None:
        ctx["actor_user_id"] = actor.id
        ctx["actor_agency_id"] = actor.agency_id
    if has_request_context():
        ctx["request_id"] = g.get("request_id")
        ctx["source_address"] = request.remote_addr
    return ctx


def _clean_details(details):
    # Codes and ids only: anything else would let personal content into a log that is never erased.
    clean = {}
    for key, value in details.items():
        if value is None or isinstance(value, bool | int | float):
            clean[key] = value
        elif isinstance(value, (list, tuple)):
            clean[key] = [v if isinstance(v, int) else str(v)[:80] for v in value]
        else:
            clean[key] = str(value)[:80]
    return clean


def _append(session, action, *, ctx, object_type=None, object_id=None, family_id=None, person_id=None,
            purpose=None, basis=None, outcome="done", details=None):
    _lock_chain(session)
    seq, prev = chain_head(session)
    fields = {
        "seq": seq + 1,
        "occurred_at_utc": utcnow(),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "family_id": family_id,
        "person_id": person_id,
        "purpose": purpose,
        "basis": basis,
        "outcome": outcome,
        "details": _clean_details(details or {}),
        **ctx,
    }
    event = AuditEvent(**fields, prev_hmac=prev, hmac=event_hmac(current_app.config["AUDIT_HMAC_KEY"], prev, fields))
    session.add(event)
    session.flush()
    return event


def record(action, *, actor=None, object_type=None, object_id=None, family_id=None, person_id=None,
           purpose=None, basis=None, outcome="done", **details):
    """Record a change or a view in the current transaction. Action names are past tense."""
    return _append(db.session, action, ctx=_context(actor), object_type=object_type, object_id=object_id,
                   family_id=family_id, person_id=person_id, purpose=purpose, basis=basis, outcome=outcome,
                   details=details)


def record_refusal(action, *, actor=None, object_type=None, object_id=None, family_id=None, person_id=None,
                   purpose=None, basis=None, outcome="refused", **details):
    """Record a refusal or failure so that it survives the rollback of the request that caused it."""
    # Who and where are read now: after a rollback the user object may no longer be loaded.
    kwargs = {"ctx": _context(actor), "object_type": object_type, "object_id": object_id, "family_id": family_id,
              "person_id": person_id, "purpose": purpose, "basis": basis, "outcome": outcome, "details": details}
    if has_request_context():
        g.setdefault("pending_refusals", []).append((action, kwargs))
        return None
    db.session.rollback()
    event = _append(db.session, action, **kwargs)
    db.session.commit()
    return event


def write_pending_refusals():
    """Called by the request boundary after the request's own transaction was committed or rolled back."""
    pending = g.pop("pending_refusals", [])
    if not pending:
        return
    try:
        for action, kwargs in pending:
            _append(db.session, action, **kwargs)
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not write %d refusal audit events", len(pending))
        raise
