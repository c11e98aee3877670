"""Referrals: what a practitioner of any agency sends about a family, its triage, and merge records.

A referral holds its own copy of what the referrer said (people, address, reasons, consent), so
triage never rewrites it; accepting links it to a family (`family_id`) and each referred person to
the person they became or matched (`ReferralPerson.person_id`).
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Gender, Relationship
from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db

REFERENCE_PREFIX = "RF-"
SUMMARY_MAX = 5000
REASON_TEXT_MAX = 2000


class ReferralStatus(CodeEnum):
    RECEIVED = ("received", "Awaiting triage")
    ACCEPTED = ("accepted", "Accepted")
    DECLINED = ("declined", "Declined")
    DUPLICATE = ("duplicate", "Duplicate")


class ReferralSource(CodeEnum):
    FORM = ("form", "Referral form")
    IMPORT = ("import", "Bulk import")


class ConsentPosition(CodeEnum):
    AGREED = ("agreed", "The family agreed to the referral")
    WITHOUT_AGREEMENT = ("without_agreement", "Referred without the family's agreement")


class WithoutAgreementBasis(CodeEnum):
    """Why a referral may be made without the family's agreement (security.md, "Basis")."""

    SAFEGUARDING = ("safeguarding", "Someone is at risk of significant harm")
    INCREASES_RISK = ("increases_risk", "Seeking agreement would increase the risk")
    DUTY_TO_SHARE = ("duty_to_share", "Duty to share information about a child")


class DeclineReason(CodeEnum):
    NOT_ELIGIBLE = ("not_eligible", "Does not meet the criteria for the programme")
    OPEN_TO_SOCIAL_CARE = ("open_to_social_care", "Already open to children's social care")
    ALREADY_SUPPORTED = ("already_supported", "Already supported by another service")
    MOVED_AWAY = ("moved_away", "Family has moved out of the area")
    NOT_ENOUGH_INFORMATION = ("not_enough_information", "Not enough information to decide")
    OTHER = ("other", "Another reason")


class ReferralImportBatch(IdMixin, TimestampMixin, db.Model):
    """One imported file. Its SHA-256 is unique, so the same file is never imported twice."""

    __tablename__ = "referral_import_batches"

    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    row_count: Mapped[int]
    imported_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)


class Referral(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "referrals"

    reference: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    status: Mapped[ReferralStatus] = mapped_column(enum_column_type(ReferralStatus, "referral_status"),
                                                   default=ReferralStatus.RECEIVED, index=True)
    source: Mapped[ReferralSource] = mapped_column(enum_column_type(ReferralSource, "referral_source"),
                                                   default=ReferralSource.FORM)
    referrer_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    referring_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    received_on: Mapped[date] = mapped_column(index=True)  # London date: days waiting count from here
    address_line_1: Mapped[str | None] = mapped_column(sa.String(120))
    address_line_2: Mapped[str | None] = mapped_column(sa.String(120))
    town: Mapped[str | None] = mapped_column(sa.String(80))
    postcode: Mapped[str | None] = mapped_column(sa.String(8), index=True)
    no_fixed_address: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    summary: Mapped[str] = mapped_column(sa.Text)
    consent_position: Mapped[ConsentPosition] = mapped_column(enum_column_type(ConsentPosition, "consent_position"))
    without_agreement_basis: Mapped[WithoutAgreementBasis | None] = mapped_column(
        enum_column_type(WithoutAgreementBasis, "without_agreement_basis"))
    without_agreement_reason: Mapped[str | None] = mapped_column(sa.Text)
    framework_version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"), index=True)
    # The one-time token of the form that sent it: a second send of the same form finds this referral.
    submission_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    import_batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referral_import_batches.id"), index=True)
    # Triage.
    triaged_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    triaged_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    triaged_on: Mapped[date | None] = mapped_column(index=True)  # the dashboard counts triage by period
    decline_reason: Mapped[DeclineReason | None] = mapped_column(enum_column_type(DeclineReason, "decline_reason"))
    triage_note: Mapped[str | None] = mapped_column(sa.Text)
    family_id: Mapped[int | None] = mapped_column(sa.ForeignKey("families.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referrals.id"), index=True)

    referrer = relationship("User", foreign_keys=[referrer_user_id])
    referring_agency = relationship("Agency", foreign_keys=[referring_agency_id])
    triaged_by = relationship("User", foreign_keys=[triaged_by_user_id])
    family = relationship("Family", foreign_keys=[family_id])
    duplicate_of = relationship("Referral", remote_side="Referral.id", foreign_keys=[duplicate_of_id])
    people: Mapped[list["ReferralPerson"]] = relationship(
        back_populates="referral", order_by="ReferralPerson.position", cascade="all, delete-orphan")
    reasons: Mapped[list["ReferralReason"]] = relationship(
        back_populates="referral", order_by="ReferralReason.id", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("status <> 'accepted' OR family_id IS NOT NULL", name="accepted_has_family"),
        sa.CheckConstraint("status <> 'declined' OR decline_reason IS NOT NULL", name="declined_has_reason"),
        sa.CheckConstraint("status <> 'duplicate' OR duplicate_of_id IS NOT NULL", name="duplicate_has_original"),
        sa.CheckConstraint("consent_position <> 'without_agreement' OR without_agreement_basis IS NOT NULL",
                           name="without_agreement_has_basis"),
        sa.Index("ix_referrals_queue", "status", "received_on", "id"),
    )

    def __repr__(self):
        return f"<Referral {self.id} {self.reference} {self.status.value}>"


class ReferralPerson(IdMixin, db.Model):
    __tablename__ = "referral_people"

    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    given_name: Mapped[str] = mapped_column(sa.String(100))
    family_name: Mapped[str] = mapped_column(sa.String(100))
    other_names: Mapped[str | None] = mapped_column(sa.String(200))
    date_of_birth: Mapped[date | None]
    gender: Mapped[Gender] = mapped_column(enum_column_type(Gender, "gender"), default=Gender.NOT_KNOWN)
    relationship_to_family: Mapped[Relationship] = mapped_column(enum_column_type(Relationship, "relationship"))
    nhs_number: Mapped[str | None] = mapped_column(sa.String(10))
    upn: Mapped[str | None] = mapped_column(sa.String(13))
    ni_number: Mapped[str | None] = mapped_column(sa.String(9))
    pnc_number: Mapped[str | None] = mapped_column(sa.String(11))
    # Set at acceptance: the person this entry became or was matched to.
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)

    referral: Mapped[Referral] = relationship(back_populates="people")

    __table_args__ = (sa.UniqueConstraint("referral_id", "position"),)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class ReferralReason(IdMixin, db.Model):
    """A descriptor of need (by code, within the referral's framework version) given as a reason."""

    __tablename__ = "referral_reasons"

    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    headline_code: Mapped[str] = mapped_column(sa.String(40))
    descriptor_code: Mapped[str] = mapped_column(sa.String(60))

    referral: Mapped[Referral] = relationship(back_populates="reasons")

    __table_args__ = (sa.UniqueConstraint("referral_id", "descriptor_code"),)


class ReferralDraft(IdMixin, TimestampMixin, db.Model):
    """What a user has typed into the referral form so far, kept on the server (one draft per user),
    raw as typed so that nothing is lost to a time-out or a mistake. `token` is the form's one-time
    submission token."""

    __tablename__ = "referral_drafts"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class MergeKind(CodeEnum):
    FAMILY = ("family", "Families")
    PERSON = ("person", "People")


class MergeRecord(IdMixin, TimestampMixin, db.Model):
    """Two families (or two people) made one, with everything needed to undo it.

    `kept_id` and `merged_id` are plain integers, not foreign keys: the merged row is deleted (its
    values are in `merged_row`) and the merge walker must never move this record. `moved` lists, per
    table and foreign-key column, the primary keys of the rows that moved from the merged record to the
    kept one; `kept_before` holds the kept record's values that the merge overwrote."""

    __tablename__ = "merge_records"

    kind: Mapped[MergeKind] = mapped_column(enum_column_type(MergeKind, "merge_kind"))
    kept_id: Mapped[int] = mapped_column(index=True)
    merged_id: Mapped[int] = mapped_column(index=True)
    merged_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kept_before: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    merged_row: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    moved: Mapped[list] = mapped_column(sa.JSON, default=list)
    undone_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    undone_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    merged_by = relationship("User", foreign_keys=[merged_by_user_id])
    undone_by = relationship("User", foreign_keys=[undone_by_user_id])
