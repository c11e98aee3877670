"""Writes that must outlive a refused request. The request boundary rolls back a request that ends in an
error; a write queued here runs after that rollback, in a transaction of its own (as refusal audit events
do), so a refusal can still leave the record it owes, such as the IG alert for an export over the limit."""
from collections.abc import Callable

from flask import current_app, g

from app.extensions import db

_QUEUE = "hearth_deferred_writes"


def after_request_transaction(write: Callable[[], None]) -> None:
    """Run `write` once the request's own transaction has been committed or rolled back."""
    g.setdefault(_QUEUE, []).append(write)


def run_deferred_writes() -> None:
    """Called by the request boundary. A failure is logged, never turned into a second error page."""
    writes = g.pop(_QUEUE, [])
    if not writes:
        return
    try:
        for write in writes:
            write()
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not make %d deferred write(s)", len(writes))
