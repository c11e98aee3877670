"""Claim rounds and claims. Amounts are integer pence.

The invariant that matters most (security.md, "Claims integrity"): a family is claimed at most once per
programme and claim type. A partial UNIQUE index over claims that are not rejected holds it under
concurrent builds on PostgreSQL and SQLite alike; an administrator's override opens one more `slot`.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db
from app.outcomes.facts import ClaimType


class RoundStatus(CodeEnum):
    DRAFT = ("draft", "Draft")
    APPROVED = ("approved", "Approved")
    SAMPLED = ("sampled", "Sample drawn")
    SIGNED_OFF = ("signed_off", "Signed off by internal audit")
    SUBMITTED = ("submitted", "Submitted")
    PAID = ("paid", "Paid")


class ClaimStatus(CodeEnum):
    INCLUDED = ("included", "In the round")
    REJECTED = ("rejected", "Rejected by internal audit")


class SampleResult(CodeEnum):
    SIGNED_OFF = ("signed_off", "Signed off")
    REJECTED = ("rejected", "Rejected")


class RejectionReason(CodeEnum):
    NOT_ELIGIBLE = ("not_eligible", "Family not eligible at attachment")
    NEED_NOT_EVIDENCED = ("need_not_evidenced", "A need's outcome is not evidenced")
    NOT_SUSTAINED = ("not_sustained", "Outcome not sustained for the whole period")
    NO_WHOLE_FAMILY_WORKING = ("no_whole_family_working", "No evidence of whole-family working")
    DUPLICATE = ("duplicate", "Duplicate of another claim")
    DATES_WRONG = ("dates_wrong", "Dates in the record are wrong")


class ClaimRound(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "claim_rounds"

    month: Mapped[date] = mapped_column(unique=True)  # first day of the processing month
    status: Mapped[RoundStatus] = mapped_column(enum_column_type(RoundStatus, "claim_round_status"),
                                                default=RoundStatus.DRAFT)
    window_start: Mapped[date]
    window_end: Mapped[date]
    built_on: Mapped[date | None]
    prepared_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    approval_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    sample_seed: Mapped[int | None] = mapped_column(sa.BigInteger)
    sample_percent: Mapped[int | None]
    sampled_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sampled_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_on: Mapped[date | None]
    submission_reference: Mapped[str | None] = mapped_column(sa.String(40))
    submitted_amount_pence: Mapped[int | None] = mapped_column(sa.BigInteger)
    paid_on: Mapped[date | None]
    paid_amount_pence: Mapped[int | None] = mapped_column(sa.BigInteger)

    prepared_by = relationship("User", foreign_keys=[prepared_by_user_id])
    approved_by = relationship("User", foreign_keys=[approved_by_user_id])
    claims: Mapped[list["Claim"]] = relationship(back_populates="round", order_by="Claim.id")

    __table_args__ = (
        sa.CheckConstraint("window_start <= window_end", name="window_in_order"),
        sa.CheckConstraint("submitted_amount_pence IS NULL OR submitted_amount_pence >= 0", name="submitted_amount"),
        sa.CheckConstraint("paid_amount_pence IS NULL OR paid_amount_pence >= 0", name="paid_amount"),
        sa.CheckConstraint("sample_percent IS NULL OR (sample_percent >= 1 AND sample_percent <= 100)",
                           name="sample_percent"),
    )

    @property
    def code(self) -> str:
        return self.month.strftime("%Y-%m")

    def __repr__(self):
        return f"<ClaimRound {self.code} {self.status.value}>"


class ClaimRoundBuild(IdMixin, TimestampMixin, db.Model):
    """Who built (prepared) a round and when: none of them may approve it (four eyes)."""

    __tablename__ = "claim_round_builds"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("claim_rounds.id"), index=True)
    built_on: Mapped[date]
    built_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    claims_added: Mapped[int] = mapped_column(default=0)


class ClaimOverride(IdMixin, TimestampMixin, db.Model):
    """An administrator's reasoned decision that a family already claimed may be claimed once more."""

    __tablename__ = "claim_overrides"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    programme: Mapped[str] = mapped_column(sa.String(40))
    claim_type: Mapped[ClaimType] = mapped_column(enum_column_type(ClaimType, "claim_override_type"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    recorded_on: Mapped[date]
    recorded_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))


NOT_REJECTED = sa.text("status <> 'rejected'")


class Claim(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "claims"

    round_id: Mapped[int] = mapped_column(sa.ForeignKey("claim_rounds.id"), index=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    programme: Mapped[str] = mapped_column(sa.String(40))
    claim_type: Mapped[ClaimType] = mapped_column(enum_column_type(ClaimType, "claim_type"))
    slot: Mapped[int] = mapped_column(default=0, server_default="0")  # 0, or the override that allows it
    rule_set_code: Mapped[str] = mapped_column(sa.String(20))
    amount_pence: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[ClaimStatus] = mapped_column(enum_column_type(ClaimStatus, "claim_status"),
                                                default=ClaimStatus.INCLUDED)
    judged_on: Mapped[date]
    closed_on: Mapped[date | None]
    attached_on: Mapped[date | None]
    sustainment_ends_on: Mapped[date | None]
    conditions: Mapped[list] = mapped_column(sa.JSON)  # [{code, passed, met_on, refs}]: codes and refs only
    sampled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    sample_result: Mapped[SampleResult | None] = mapped_column(enum_column_type(SampleResult, "claim_sample_result"))
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(
        enum_column_type(RejectionReason, "claim_rejection_reason"))
    sample_decided_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sample_decided_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    round: Mapped[ClaimRound] = relationship(back_populates="claims")
    family = relationship("Family")
    snapshot: Mapped["ClaimSnapshot | None"] = relationship(back_populates="claim", uselist=False)

    __table_args__ = (
        sa.Index("uq_claims_family_once", "family_id", "programme", "claim_type", "slot", unique=True,
                 postgresql_where=NOT_REJECTED, sqlite_where=NOT_REJECTED),
        sa.CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        sa.CheckConstraint("status <> 'rejected' OR rejection_reason IS NOT NULL", name="rejected_has_reason"),
    )


class ClaimSnapshot(IdMixin, TimestampMixin, db.Model):
    """What was claimed, frozen at approval: canonical JSON of references, codes, dates and evidence ids
    (no free text), with its SHA-256. Never updated."""

    __tablename__ = "claim_snapshots"

    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), unique=True)
    body: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64))

    claim: Mapped[Claim] = relationship(back_populates="snapshot")


class ClaimTarget(IdMixin, TimestampMixin, db.Model):
    """The council's target of successful outcomes for a financial year (April to March)."""

    __tablename__ = "claim_targets"

    year_starting: Mapped[int] = mapped_column(unique=True)  # 2026 means April 2026 to March 2027
    target: Mapped[int]
    set_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (sa.CheckConstraint("target >= 0", name="target_not_negative"),)
