"""Audit events. Ids and codes only, never personal content: the log outlives retention."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column

from app.common.models import IdMixin
from app.extensions import db


class AuditEvent(IdMixin, db.Model):
    """One link in the chain. `hmac` covers every field below and the previous event's `hmac`,
    keyed with AUDIT_HMAC_KEY (configuration, never the database). `seq` is unique and gapless,
    so a removed or inserted event is visible. PostgreSQL refuses UPDATE and DELETE by trigger."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    occurred_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(index=True)
    actor_agency_id: Mapped[int | None]
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    family_id: Mapped[int | None] = mapped_column(index=True)
    person_id: Mapped[int | None] = mapped_column(index=True)
    purpose: Mapped[str | None] = mapped_column(sa.String(40))
    basis: Mapped[str | None] = mapped_column(sa.String(40))
    outcome: Mapped[str] = mapped_column(sa.String(20), default="done")
    request_id: Mapped[str | None] = mapped_column(sa.String(40))
    source_address: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    prev_hmac: Mapped[str] = mapped_column(sa.String(64))
    hmac: Mapped[str] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)


# On PostgreSQL the table refuses UPDATE and DELETE outright. The same SQL is run by migration 0001;
# tests that build the schema with create_all() get it through this event.
APPEND_ONLY_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit_events is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""
DROP_APPEND_ONLY_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;
DROP FUNCTION IF EXISTS audit_events_append_only();
"""
event.listen(
    AuditEvent.__table__, "after_create", DDL(APPEND_ONLY_TRIGGER_SQL).execute_if(dialect="postgresql")
)
