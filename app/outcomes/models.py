"""Outcome evidence, the judgement of each need drawn from it, and bulk evidence imports.

Evidence is a shareable record like any other (holding agency, data category, the people it concerns),
so the sharing policy decides who sees it. A need's judgement (`NeedJudgement`) is derived: it is
recomputed from the evidence by `services.refresh_need_judgements` and audited when it changes, so it
can always be rebuilt and never disagrees with the evidence for long.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Person
from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db
from app.framework.categories import DataCategory
from app.outcomes.judgement import NeedState

evidence_people = sa.Table(
    "evidence_people", db.metadata,
    sa.Column("evidence_id", sa.ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True, index=True),
)


class EvidenceSource(CodeEnum):
    FORM = ("form", "Recorded in Hearth")
    IMPORT = ("import", "Imported from partner data")


class Evidence(IdMixin, TimestampMixin, db.Model):
    """One period's measure of a need, recorded by an agency: a number (a percentage or a count) or a
    yes/no answer, as the descriptor's measure asks. Deleting is soft, with a reason."""

    __tablename__ = "evidence"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("needs.id"), index=True)
    descriptor_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_descriptors.id"), index=True)
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    value_number: Mapped[float | None] = mapped_column(sa.Numeric(10, 2, asdecimal=False))
    value_yes: Mapped[bool | None]
    period_start: Mapped[date]
    period_end: Mapped[date] = mapped_column(index=True)
    source: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[str | None] = mapped_column(sa.Text)
    stored_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    recorded_via: Mapped[EvidenceSource] = mapped_column(enum_column_type(EvidenceSource, "evidence_source"),
                                                         default=EvidenceSource.FORM)
    import_batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evidence_import_batches.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    deleted_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    deleted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    deletion_reason: Mapped[str | None] = mapped_column(sa.String(500))

    need = relationship("Need")
    descriptor = relationship("Descriptor")
    holding_agency = relationship("Agency", foreign_keys=[holding_agency_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    stored_file = relationship("StoredFile")
    people: Mapped[list[Person]] = relationship(secondary=evidence_people, order_by=Person.id)

    __table_args__ = (
        sa.CheckConstraint("period_end >= period_start", name="period_in_order"),
        sa.CheckConstraint("(value_number IS NULL) <> (value_yes IS NULL)", name="one_value"),
    )

    @property
    def value(self):
        return self.value_yes if self.value_yes is not None else self.value_number

    def __repr__(self):
        return f"<Evidence {self.id} need {self.need_id} family {self.family_id}>"


class NeedJudgement(db.Model):
    """The cached judgement of one need: recomputed from its evidence, never typed in."""

    __tablename__ = "need_judgements"

    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    state: Mapped[NeedState] = mapped_column(enum_column_type(NeedState, "need_state"))
    # Indexed: the dashboard counts needs resolved in a period, which must not read every judgement.
    resolved_on: Mapped[date | None] = mapped_column(index=True)
    recurred_on: Mapped[date | None]
    evidence_count: Mapped[int] = mapped_column(default=0, server_default="0")
    refreshed_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class ImportRowStatus(CodeEnum):
    ATTACHED = ("attached", "Attached")
    UNMATCHED = ("unmatched", "No match found")
    AMBIGUOUS = ("ambiguous", "More than one person fits")
    RESOLVED = ("resolved", "Matched by a person")
    DISCARDED = ("discarded", "Not attached")


HELD_STATUSES = (ImportRowStatus.UNMATCHED, ImportRowStatus.AMBIGUOUS)


class MatchMethod(CodeEnum):
    NHS_NUMBER = ("nhs_number", "NHS number")
    UPN = ("upn", "Unique pupil number")
    MATCHING = ("matching", "Name, date of birth and postcode")
    PERSON = ("person", "Chosen by a person")


class EvidenceImportBatch(IdMixin, TimestampMixin, db.Model):
    """One imported file of partner evidence: which agency it came from and which descriptor it measures."""

    __tablename__ = "evidence_import_batches"

    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    descriptor_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_descriptors.id"))
    row_count: Mapped[int]
    imported_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    holding_agency = relationship("Agency")
    descriptor = relationship("Descriptor")
    imported_by = relationship("User")
    rows: Mapped[list["EvidenceImportRow"]] = relationship(back_populates="batch",
                                                           order_by="EvidenceImportRow.line")


class EvidenceImportRow(IdMixin, TimestampMixin, db.Model):
    """A row of an import: attached to a person's family, or held for a person to resolve. `data` keeps
    what the row said (the identifying columns, the period and the value) so it can be judged later."""

    __tablename__ = "evidence_import_rows"

    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_import_batches.id"), index=True)
    line: Mapped[int]
    status: Mapped[ImportRowStatus] = mapped_column(enum_column_type(ImportRowStatus, "import_row_status"),
                                                    index=True)
    match_method: Mapped[MatchMethod | None] = mapped_column(enum_column_type(MatchMethod, "match_method"))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    candidate_person_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    evidence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evidence.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    batch: Mapped[EvidenceImportBatch] = relationship(back_populates="rows")
    person = relationship("Person")

    __table_args__ = (sa.UniqueConstraint("batch_id", "line"),)
