"""Counting the SQL statements a page or an operation issues, for the tests that a page's cost does not grow
with the data (no query per row).

A count is only useful if it is the same on every run. The session's identity map holds its objects weakly, and
ORM objects sit in reference cycles (an object and its state, a parent and its children), so they are freed by
the cyclic garbage collector, whose timing depends on everything the process allocated before. Whether a
many-to-one lazy load or `session.get` was answered from memory or by a SELECT therefore depended on when the
collector last ran: a timeline page once counted 47 statements and then 41 in a long mixed run. So the counter
collects first (objects nothing refers to are gone before the count starts) and holds the collector off while it
counts (nothing loaded during the block disappears halfway through it). And what the test itself touched just
before must not matter either (an object it had just refreshed answered the page's `session.get` from memory):
the session is flushed and every object in it expired, so each load the block needs is a statement.
"""
import gc

from flask import has_app_context
from sqlalchemy import event

from app.extensions import db

# The test harness's savepoints (conftest's rolled-back transaction) are not the page's work.
HARNESS_STATEMENTS = ("SAVEPOINT", "RELEASE", "ROLLBACK")


class StatementCounter:
    """`with StatementCounter() as counter: ...` then `counter.count` and `counter.statements`."""

    def __init__(self, engine=None):
        self.engine = engine
        self.collector_was_on = False
        self.statements: list[str] = []

    def __enter__(self):
        self.engine = self.engine or db.engine
        if has_app_context():
            db.session.flush()
            db.session.expire_all()
        gc.collect()
        self.collector_was_on = gc.isenabled()
        gc.disable()
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)
        if self.collector_was_on:
            gc.enable()

    def _record(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(HARNESS_STATEMENTS):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


def count_statements(func, engine=None) -> int:
    """How many statements `func()` issues."""
    with StatementCounter(engine) as counter:
        func()
    return counter.count
