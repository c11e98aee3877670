"""Subject access requests, legal holds and the record of each family anonymised.

The family and person are foreign keys, so a request or a hold always names a real record; what a
request says about the requester (their name) is personal data too, and is anonymised with the family.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db


class RequesterKind(CodeEnum):
    """Who asked: the person, or someone entitled to ask on their behalf."""

    SUBJECT = ("subject", "The person themselves")
    PARENT_CARER = ("parent_carer", "A parent or carer, for a child")
    REPRESENTATIVE = ("representative", "A solicitor or other representative with authority")
    OTHER = ("other", "Someone else with the person's written authority")


class VerificationMethod(CodeEnum):
    """How the requester's identity (and authority, for someone else) was checked."""

    PHOTO_ID = ("photo_id", "Photo identity document seen")
    KNOWN_TO_SERVICE = ("known_to_service", "Known to the service and confirmed in person")
    DOCUMENTS = ("documents", "Proof of address and identity documents")
    SIGNED_AUTHORITY = ("signed_authority", "Signed authority and the representative's identity")


class RequestState(CodeEnum):
    OPEN = ("open", "Open")
    COMPLETED = ("completed", "Completed")


class SubjectAccessRequest(IdMixin, TimestampMixin, db.Model):
    """A request under UK GDPR Article 15 for everything held about one person. `due_on` is kept in step
    with the received date and any extension by `app.rights.services` (the rule is in dates.py), so the
    list of overdue requests is one indexed query."""

    __tablename__ = "subject_access_requests"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    requester_kind: Mapped[RequesterKind] = mapped_column(enum_column_type(RequesterKind, "sar_requester_kind"))
    requester_name: Mapped[str] = mapped_column(sa.String(120))
    received_on: Mapped[date]
    verification: Mapped[VerificationMethod] = mapped_column(
        enum_column_type(VerificationMethod, "sar_verification_method"))
    verification_note: Mapped[str | None] = mapped_column(sa.String(500))
    due_on: Mapped[date] = mapped_column(index=True)
    extension_months: Mapped[int] = mapped_column(default=0, server_default="0")
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    extended_on: Mapped[date | None]
    state: Mapped[RequestState] = mapped_column(enum_column_type(RequestState, "sar_state"),
                                                default=RequestState.OPEN, index=True)
    released_on: Mapped[date | None]
    last_exported_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    extended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    person = relationship("Person")
    family = relationship("Family")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    extended_by = relationship("User", foreign_keys=[extended_by_id])
    completed_by = relationship("User", foreign_keys=[completed_by_id])

    __table_args__ = (
        sa.CheckConstraint("extension_months >= 0 AND extension_months <= 2", name="extension_at_most_two_months"),
        sa.CheckConstraint("extension_months = 0 OR extension_reason IS NOT NULL", name="extension_has_reason"),
        sa.CheckConstraint("state <> 'completed' OR released_on IS NOT NULL", name="completed_has_release"),
        sa.CheckConstraint("released_on IS NULL OR released_on >= received_on", name="released_after_received"),
        sa.CheckConstraint("due_on >= received_on", name="due_after_received"),
    )

    def __repr__(self):
        return f"<SubjectAccessRequest {self.id} person {self.person_id} {self.state.value}>"


class LegalHold(IdMixin, TimestampMixin, db.Model):
    """A reason to keep a family's records past their retention date (litigation, an inquiry, a
    complaint to the ICO). A hold is cleared, never deleted, so the history stays."""

    __tablename__ = "legal_holds"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    placed_on: Mapped[date]
    placed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    cleared_on: Mapped[date | None]
    cleared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    clear_reason: Mapped[str | None] = mapped_column(sa.Text)

    family = relationship("Family")
    placed_by = relationship("User", foreign_keys=[placed_by_id])
    cleared_by = relationship("User", foreign_keys=[cleared_by_id])

    __table_args__ = (
        sa.CheckConstraint("cleared_on IS NULL OR clear_reason IS NOT NULL", name="cleared_has_reason"),
        # At most one hold in force per family, under concurrent requests too.
        sa.Index("uq_legal_holds_family_in_force", "family_id", unique=True,
                 postgresql_where=sa.text("cleared_on IS NULL"), sqlite_where=sa.text("cleared_on IS NULL")),
    )


class Anonymisation(IdMixin, TimestampMixin, db.Model):
    """A family (record class `family`) or a referral that never became one (`unlinked_referral`) whose
    records were anonymised: one row each, so a second run finds nothing new. It holds the rule and the
    dates that decided it, never personal content."""

    __tablename__ = "anonymisations"

    record_class: Mapped[str] = mapped_column(sa.String(40))
    family_id: Mapped[int | None] = mapped_column(sa.ForeignKey("families.id"), unique=True)
    referral_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referrals.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.String(40))  # which limit expired: youngest_child, after_closure, ...
    expired_on: Mapped[date]
    anonymised_on: Mapped[date]
    files_deleted: Mapped[int] = mapped_column(default=0, server_default="0")
    anonymised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the system job

    __table_args__ = (
        sa.CheckConstraint("(family_id IS NULL) <> (referral_id IS NULL)", name="one_subject"),
    )
