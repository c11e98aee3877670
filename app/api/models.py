"""API clients of partner agencies, their idempotency records, and what a client said about a referral
that the referral form has no place for (its own reference).

A client's token is shown once and stored only as its SHA-256 (the token is 256 random bits, so a fast
hash is enough, as for password reset links). Each client acts through a service account: an inactive
user of its agency with no password, so that the rows it writes (referrals, interventions) name a real
user, and no session can ever be made for it.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.models import IdMixin, TimestampMixin
from app.extensions import db

TOKEN_PREFIX = "hth_"  # noqa: S105  (not a secret: a leaked token is recognisable by secret scanners)


class ApiClient(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "api_clients"

    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(sa.String(16))  # the first characters, for recognising it
    service_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    revoked_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    last_used_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    agency = relationship("Agency", lazy="joined")
    service_user = relationship("User", foreign_keys=[service_user_id], lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_user_id])

    __table_args__ = (sa.CheckConstraint("length(token_hash) = 64", name="token_hash_length"),)

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at_utc is None and _aware(self.expires_at_utc) > now and self.agency.active

    def __repr__(self):
        return f"<ApiClient {self.id} {self.token_prefix}>"


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class IdempotencyRecord(IdMixin, TimestampMixin, db.Model):
    """The answer first given to (client, Idempotency-Key): the same key and body get it again; the
    same key with another body is refused."""

    __tablename__ = "api_idempotency_records"

    client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_clients.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    endpoint: Mapped[str] = mapped_column(sa.String(80))
    response_status: Mapped[int]
    response_body: Mapped[dict] = mapped_column(sa.JSON)
    location: Mapped[str | None] = mapped_column(sa.String(255))

    __table_args__ = (sa.UniqueConstraint("client_id", "key"),)


class ApiReferral(IdMixin, TimestampMixin, db.Model):
    """A referral sent through the API: which client sent it and the sender's own reference."""

    __tablename__ = "api_referrals"

    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id", ondelete="CASCADE"), unique=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_clients.id"), index=True)
    external_reference: Mapped[str | None] = mapped_column(sa.String(64))
