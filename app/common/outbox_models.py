"""The outbox: one row per message Hearth would send (there is no mail server of its own)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db


class OutboxStatus(CodeEnum):
    QUEUED = ("queued", "Waiting to be sent")
    SENT = ("sent", "Sent")
    FAILED = ("failed", "Could not be sent")


class OutboxMessage(IdMixin, TimestampMixin, db.Model):
    """A message for one recipient. `kind` is a code (for example "password_reset") that a council's
    sender can map to a template of its own, such as a GOV.UK Notify template id."""

    __tablename__ = "outbox_messages"

    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(enum_column_type(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.QUEUED, server_default="queued")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    sent_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    # Who or what caused the message (ids only; no relationship: common sits below auth).
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.kind} {self.status.value}>"
