"""The outcome framework as versioned reference data: headline outcomes, descriptors and measures.

A family is judged by the framework version in force on the day it was attached, so versions carry
effective dates and are never rewritten into one another. Descriptor codes are what needs, referrals,
the API and exports store, so they are unique within a version and never change once created.
"""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db
from app.framework.categories import DataCategory
from app.framework.rules import Comparison, MeasureKind, PeriodUnit, ResolutionRule, describe_rule


class Programme(CodeEnum):
    SUPPORTING_FAMILIES = ("supporting_families", "Supporting Families")
    TROUBLED_FAMILIES_PHASE_2 = ("troubled_families_phase_2", "Troubled Families Phase 2")
    FAMILIES_FIRST = ("families_first", "Families First Partnership")


class FrameworkVersion(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "framework_versions"

    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    programme: Mapped[Programme] = mapped_column(enum_column_type(Programme, "programme"))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]  # last day in force; None while it is current

    headlines: Mapped[list["HeadlineOutcome"]] = relationship(
        back_populates="version", order_by="(HeadlineOutcome.order, HeadlineOutcome.id)"
    )

    __table_args__ = (
        sa.CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="effective_dates"),
    )

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def __repr__(self):
        return f"<FrameworkVersion {self.code}>"


class HeadlineOutcome(IdMixin, db.Model):
    __tablename__ = "framework_headlines"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(120))
    # "order" is an SQL keyword: the column is named sort_order so raw SQL never needs quoting.
    order: Mapped[int] = mapped_column("sort_order")

    version: Mapped[FrameworkVersion] = relationship(back_populates="headlines")
    descriptors: Mapped[list["Descriptor"]] = relationship(
        back_populates="headline", order_by="(Descriptor.order, Descriptor.id)"
    )

    __table_args__ = (
        sa.UniqueConstraint("version_id", "code"),
        # Target of the descriptors' composite key, so a descriptor's version is its headline's version.
        sa.UniqueConstraint("id", "version_id"),
    )

    def __repr__(self):
        return f"<HeadlineOutcome {self.code}>"


class Descriptor(IdMixin, TimestampMixin, db.Model):
    """A need under a headline, how it is measured and when it counts as resolved.

    `version_id` repeats the headline's version so the database can hold codes unique per version;
    the composite foreign key keeps the two in step."""

    __tablename__ = "framework_descriptors"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"), index=True)
    headline_id: Mapped[int] = mapped_column(index=True)
    code: Mapped[str] = mapped_column(sa.String(60))
    description: Mapped[str] = mapped_column(sa.String(200))
    measure: Mapped[str] = mapped_column(sa.String(300))
    resolved_when: Mapped[str] = mapped_column(sa.Text)
    measure_kind: Mapped[MeasureKind] = mapped_column(enum_column_type(MeasureKind, "measure_kind"))
    comparison: Mapped[Comparison] = mapped_column(enum_column_type(Comparison, "comparison"))
    threshold: Mapped[float | None] = mapped_column(sa.Numeric(8, 2, asdecimal=False))
    consecutive_periods: Mapped[int] = mapped_column(default=1, server_default="1")
    period_unit: Mapped[PeriodUnit] = mapped_column(enum_column_type(PeriodUnit, "period_unit"))
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    order: Mapped[int] = mapped_column("sort_order")
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    headline: Mapped[HeadlineOutcome] = relationship(back_populates="descriptors", foreign_keys=[headline_id])
    version: Mapped[FrameworkVersion] = relationship(foreign_keys=[version_id], viewonly=True)

    __table_args__ = (
        sa.UniqueConstraint("version_id", "code"),
        sa.ForeignKeyConstraint(["headline_id", "version_id"],
                                ["framework_headlines.id", "framework_headlines.version_id"]),
        sa.CheckConstraint("consecutive_periods >= 1", name="consecutive_periods_positive"),
        sa.CheckConstraint(
            "(measure_kind = 'yes_no' AND threshold IS NULL) OR (measure_kind <> 'yes_no' AND threshold IS NOT NULL)",
            name="threshold_matches_kind",
        ),
    )

    @property
    def rule(self) -> ResolutionRule:
        return ResolutionRule(self.measure_kind, self.comparison, self.threshold, self.consecutive_periods)

    @property
    def rule_text(self) -> str:
        return describe_rule(self.measure_kind, self.comparison, self.threshold, self.consecutive_periods,
                             self.period_unit)

    def __repr__(self):
        return f"<Descriptor {self.code}>"
