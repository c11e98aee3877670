"""Stored files: one row per uploaded file, so any package can refer to a file by id."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.common.models import IdMixin, TimestampMixin
from app.extensions import db

# The content types Hearth detects itself (see app.common.uploads.FILE_TYPES); the browser's claim is never stored.
STORED_CONTENT_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


class StoredFile(IdMixin, TimestampMixin, db.Model):
    """A file kept under UPLOADS_DIR. `storage_key` (32 hex characters, random) is the only thing that
    names it on disk; `original_name` is sanitised display metadata and never becomes a path."""

    __tablename__ = "stored_files"

    storage_key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # No relationship: common sits below auth, so it names the table without importing the model.
    uploaded_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    __table_args__ = (
        sa.CheckConstraint(
            "content_type IN (" + ", ".join(f"'{t}'" for t in STORED_CONTENT_TYPES) + ")", name="content_type"
        ),
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("length(storage_key) = 32", name="storage_key_length"),
    )

    def __repr__(self):
        return f"<StoredFile {self.id} {self.content_type} {self.size}>"
