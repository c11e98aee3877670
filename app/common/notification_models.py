"""In-app notifications: one row per person per event, read inside Hearth only."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.models import IdMixin, TimestampMixin
from app.extensions import db


class Notification(IdMixin, TimestampMixin, db.Model):
    """Something new for one user. `text` says what happened by reference and code only (no names, no case
    content); `dedupe_key` makes a trigger that fires twice (a retry, a double submit) notify once."""

    __tablename__ = "notifications"

    # Ids only, no relationship: common sits below auth.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    family_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: common sits below cases
    text: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str | None] = mapped_column(sa.String(300))
    dedupe_key: Mapped[str] = mapped_column(sa.String(120))
    read_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key"),
        sa.Index("ix_notifications_unread", "user_id", "read_at_utc"),
    )

    def __repr__(self):
        return f"<Notification {self.id} {self.kind} user {self.user_id}>"
