"""Families, the people in them, and the team around the family.

Identifiers on a person (NHS number, UPN, ...) are stored normalised by `app.cases.identifiers`,
through the services: matching across agencies compares the stored values as they are.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.cases.names import normalise_name, sound_alike_key
from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.common.time import today_london
from app.extensions import db
from app.framework.categories import DataCategory

ADULT_AGE = 18


class FamilyStatus(CodeEnum):
    """Where a family's case is in its lifecycle (domain.md, "Lifecycle of a family's case")."""

    REFERRED = ("referred", "Referred")
    ATTACHED = ("attached", "Attached")
    ASSESSMENT = ("assessment", "Assessment in progress")
    PLAN = ("plan", "Plan agreed")
    ACTIVE = ("active", "Active")
    CLOSED = ("closed", "Closed")


class ClosureReason(CodeEnum):
    """Why a case closed (domain.md). `Family.closure_reason` stores the code as a plain string so a
    council can add its own reasons without a migration; these are the defaults."""

    NEEDS_MET = ("needs_met", "Needs met")
    STEPPED_DOWN = ("stepped_down", "Stepped down to universal services")
    STEPPED_UP = ("stepped_up", "Stepped up to children's social care")
    DISENGAGED = ("disengaged", "Family disengaged")
    MOVED_AWAY = ("moved_away", "Moved out of the area")


class Gender(CodeEnum):
    # The gender values the National Impact Study identifiers return asks for (male, female, other,
    # not known, not stated), as lower snake case codes. If a council's return uses other codes, map
    # them in the export rather than changing what is stored here.
    MALE = ("male", "Male")
    FEMALE = ("female", "Female")
    OTHER = ("other", "Other")
    NOT_KNOWN = ("not_known", "Not known")
    NOT_STATED = ("not_stated", "Not stated")


class Relationship(CodeEnum):
    """A person's role in the household (the National Impact Study's "relation in family")."""

    PARENT = ("parent", "Parent")
    STEP_PARENT = ("step_parent", "Step-parent")
    CARER = ("carer", "Carer")
    PARTNER = ("partner", "Partner of a parent")
    GRANDPARENT = ("grandparent", "Grandparent")
    CHILD = ("child", "Child")
    STEP_CHILD = ("step_child", "Step-child")
    SIBLING = ("sibling", "Sibling of a parent")
    OTHER_RELATIVE = ("other_relative", "Other relative")
    OTHER = ("other", "Other")


CHILD_RELATIONSHIPS = frozenset({Relationship.CHILD, Relationship.STEP_CHILD})


class Family(IdMixin, TimestampMixin, db.Model):
    """A household worked with as one case. `reference` (HF-000123) is what people quote and what
    survives anonymisation; the service sets it from the id straight after the insert."""

    __tablename__ = "families"

    reference: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    address_line_1: Mapped[str | None] = mapped_column(sa.String(120))
    address_line_2: Mapped[str | None] = mapped_column(sa.String(120))
    town: Mapped[str | None] = mapped_column(sa.String(80))
    postcode: Mapped[str | None] = mapped_column(sa.String(8), index=True)
    status: Mapped[FamilyStatus] = mapped_column(
        enum_column_type(FamilyStatus, "family_status"), default=FamilyStatus.REFERRED, index=True
    )
    lead_practitioner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Indexed: the claim round picks families closed in its window or attached in its month, and the
    # dashboard counts them by period, without reading every family.
    attached_on: Mapped[date | None] = mapped_column(index=True)
    closed_on: Mapped[date | None] = mapped_column(index=True)
    closure_reason: Mapped[str | None] = mapped_column(sa.String(40))
    # The last reopening: the sustainment clock restarts from here (with the status history).
    reopened_on: Mapped[date | None]

    lead_practitioner = relationship("User", foreign_keys=[lead_practitioner_id])
    # Oldest first, people without a date of birth last, so a household reads parents then children.
    members: Mapped[list["Person"]] = relationship(
        back_populates="family",
        order_by=lambda: (Person.date_of_birth.is_(None), Person.date_of_birth, Person.id),
    )
    team: Mapped[list["TeamMember"]] = relationship(
        back_populates="family", order_by=lambda: (TeamMember.joined_on, TeamMember.id)
    )

    __table_args__ = (
        sa.CheckConstraint("closed_on IS NULL OR attached_on IS NULL OR closed_on >= attached_on",
                           name="closed_after_attached"),
        # The dashboard's open cases per key worker and families in sustainment count from these alone:
        # SQLite otherwise read every family of each key worker, and every closed family's row.
        sa.Index("ix_families_status_lead", "status", "lead_practitioner_id"),
        sa.Index("ix_families_status_closed_on", "status", "closed_on"),
    )

    def __repr__(self):
        return f"<Family {self.id} {self.reference}>"


class Person(IdMixin, TimestampMixin, db.Model):
    """A member of a family's household, past or present (`left_household_on`)."""

    __tablename__ = "people"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    given_name: Mapped[str] = mapped_column(sa.String(100))
    family_name: Mapped[str] = mapped_column(sa.String(100))
    other_names: Mapped[str | None] = mapped_column(sa.String(200))
    date_of_birth: Mapped[date | None] = mapped_column(index=True)
    gender: Mapped[Gender] = mapped_column(enum_column_type(Gender, "gender"), default=Gender.NOT_KNOWN)
    relationship_to_family: Mapped[Relationship] = mapped_column(enum_column_type(Relationship, "relationship"))
    expectant: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    nhs_number: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    upn: Mapped[str | None] = mapped_column(sa.String(13), index=True)
    school_urn: Mapped[str | None] = mapped_column(sa.String(6))
    ni_number: Mapped[str | None] = mapped_column(sa.String(9), index=True)
    pnc_number: Mapped[str | None] = mapped_column(sa.String(11), index=True)
    # The person's own address, used only when they live apart from the family.
    lives_apart: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    address_line_1: Mapped[str | None] = mapped_column(sa.String(120))
    address_line_2: Mapped[str | None] = mapped_column(sa.String(120))
    town: Mapped[str | None] = mapped_column(sa.String(80))
    postcode: Mapped[str | None] = mapped_column(sa.String(8), index=True)  # search by postcode
    left_household_on: Mapped[date | None]
    # At risk of domestic abuse, recorded by the lead practitioner or an IG officer: from then on their
    # address is a safe address, shown only to those app.sharing.safe_address names.
    at_risk_since: Mapped[date | None]
    at_risk_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Search keys (app.cases.names), kept in step with the names whenever they are set.
    given_name_normal: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    family_name_normal: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    given_name_sound: Mapped[str] = mapped_column(sa.String(4), default="", server_default="", index=True)
    family_name_sound: Mapped[str] = mapped_column(sa.String(4), default="", server_default="", index=True)

    family: Mapped[Family] = relationship(back_populates="members")

    __table_args__ = (
        sa.Index("ix_people_names", "family_name", "given_name"),
        # Search matches names by prefix (LIKE 'smi%'). PostgreSQL serves that from a btree index only with the
        # pattern operator class (or a database collated "C"); without it every search read all the people.
        sa.Index("ix_people_given_name_normal", "given_name_normal",
                 postgresql_ops={"given_name_normal": "varchar_pattern_ops"}),
        sa.Index("ix_people_family_name_normal", "family_name_normal",
                 postgresql_ops={"family_name_normal": "varchar_pattern_ops"}),
    )

    @validates("given_name", "family_name")
    def _keep_name_keys(self, key, value):
        setattr(self, f"{key}_normal", normalise_name(value)[:100])
        setattr(self, f"{key}_sound", sound_alike_key(value))
        return value

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, on: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on(today_london())

    @property
    def is_child(self) -> bool:
        """Under 18 today; without a date of birth, what their role in the household says."""
        age = self.age
        if age is None:
            return self.relationship_to_family in CHILD_RELATIONSHIPS
        return age < ADULT_AGE

    @property
    def in_household(self) -> bool:
        return self.left_household_on is None or self.left_household_on > today_london()

    def __repr__(self):
        return f"<Person {self.id} of family {self.family_id}>"


class TeamMember(IdMixin, TimestampMixin, db.Model):
    """An agency (and usually a named worker in it) on the team around a family. Being on the team is
    what gives a worker, or their agency's designated leads, a legitimate relationship (security.md)."""

    __tablename__ = "team_members"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    role_description: Mapped[str] = mapped_column(sa.String(120))
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    family: Mapped[Family] = relationship(back_populates="team")
    user = relationship("User")
    agency = relationship("Agency")

    __table_args__ = (
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    def is_current_on(self, on: date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on > on)

    @property
    def is_current(self) -> bool:
        return self.left_on is None or self.left_on > today_london()

    def __repr__(self):
        return f"<TeamMember {self.id} family {self.family_id} agency {self.agency_id} user {self.user_id}>"


# --- Case work -----------------------------------------------------------------------------------------
# Every record that holds content carries the agency that recorded it (`holding_agency_id`), a data
# category, and the people it concerns (none: the whole family). The sharing policy reads those three.


def _people_table(name, record_table):
    return sa.Table(
        name, db.metadata,
        sa.Column(f"{record_table[:-1]}_id", sa.ForeignKey(f"{record_table}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True, index=True),
    )


need_people = _people_table("need_people", "needs")
intervention_people = _people_table("intervention_people", "interventions")
case_note_people = _people_table("case_note_people", "case_notes")


class StatusEvent(CodeEnum):
    CHANGED = ("changed", "Status changed")
    CLOSED = ("closed", "Case closed")
    REOPENED = ("reopened", "Case reopened")


class FamilyStatusChange(IdMixin, TimestampMixin, db.Model):
    """The lifecycle history: one row per transition. Outcomes read it for the sustainment clock."""

    __tablename__ = "family_status_changes"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    from_status: Mapped[FamilyStatus | None] = mapped_column(enum_column_type(FamilyStatus, "from_status"))
    to_status: Mapped[FamilyStatus] = mapped_column(enum_column_type(FamilyStatus, "to_status"))
    event: Mapped[StatusEvent] = mapped_column(enum_column_type(StatusEvent, "status_event"))
    changed_on: Mapped[date]
    closure_reason: Mapped[str | None] = mapped_column(sa.String(40))
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    holding_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))

    changed_by = relationship("User")


class LeadAssignment(IdMixin, TimestampMixin, db.Model):
    """Who led the case when: a new row each time the lead practitioner changes."""

    __tablename__ = "lead_assignments"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assigned_on: Mapped[date]
    ended_on: Mapped[date | None]
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user = relationship("User", foreign_keys=[user_id])


class FamilyAddress(IdMixin, TimestampMixin, db.Model):
    """An address the family lived at, with the dates; the current one is also on `Family`."""

    __tablename__ = "family_addresses"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    address_line_1: Mapped[str | None] = mapped_column(sa.String(120))
    address_line_2: Mapped[str | None] = mapped_column(sa.String(120))
    town: Mapped[str | None] = mapped_column(sa.String(80))
    postcode: Mapped[str | None] = mapped_column(sa.String(8))
    moved_in_on: Mapped[date | None]
    moved_out_on: Mapped[date | None]


class Need(IdMixin, TimestampMixin, db.Model):
    """A need under a framework descriptor, identified at attachment or emerging later. Its category is
    its headline's (category_for); the outcomes work adds evidence and judges resolution."""

    __tablename__ = "needs"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    descriptor_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_descriptors.id"), index=True)
    headline_code: Mapped[str] = mapped_column(sa.String(40))
    identified_on: Mapped[date]
    at_attachment: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    source_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    descriptor = relationship("Descriptor")
    source_agency = relationship("Agency", foreign_keys=[source_agency_id])
    holding_agency = relationship("Agency", foreign_keys=[holding_agency_id])
    people: Mapped[list[Person]] = relationship(secondary=need_people, order_by=Person.id)

    __table_args__ = (
        # The dashboard's "needs resolved" looks up each judgement's need for its headline: an index-only
        # probe per resolved need instead of the heap (PostgreSQL otherwise preferred reading every need).
        sa.Index("ix_needs_id_headline", "id", "headline_code"),
    )


class Assessment(IdMixin, TimestampMixin, db.Model):
    """The whole-family assessment: structured sections and a narrative; a whole-family record."""

    __tablename__ = "assessments"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"),
                                                   default=DataCategory.CASE_NOTE)
    sections: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    narrative: Mapped[str | None] = mapped_column(sa.Text)
    completed_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    holding_agency = relationship("Agency")


class GoalStatus(CodeEnum):
    NOT_STARTED = ("not_started", "Not started")
    IN_PROGRESS = ("in_progress", "In progress")
    DONE = ("done", "Done")
    DROPPED = ("dropped", "No longer needed")


OPEN_GOAL_STATUSES = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)


class PlanGoal(IdMixin, TimestampMixin, db.Model):
    """A goal of the family plan: the need it answers, the action, the owning agency, the due date."""

    __tablename__ = "plan_goals"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("needs.id"))
    action: Mapped[str] = mapped_column(sa.String(500))
    owner_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[GoalStatus] = mapped_column(enum_column_type(GoalStatus, "goal_status"),
                                               default=GoalStatus.NOT_STARTED)
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"),
                                                   default=DataCategory.CASE_NOTE)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    need = relationship("Need")
    owner_agency = relationship("Agency", foreign_keys=[owner_agency_id])


class PlanReview(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "plan_reviews"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    due_on: Mapped[date] = mapped_column(index=True)
    held_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        # The caseload's "next review due" is min(due_on) of a family's reviews not yet held: answered from
        # this index alone, whatever the planner's statistics say about the table.
        sa.Index("ix_plan_reviews_family_held_due", "family_id", "held_on", "due_on"),
    )


class InterventionType(IdMixin, db.Model):
    """The configurable catalogue of kinds of work (seeded with defaults; councils add their own)."""

    __tablename__ = "intervention_types"

    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    order: Mapped[int] = mapped_column("sort_order", default=50)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())


class Intervention(IdMixin, TimestampMixin, db.Model):
    """What a worker did with the family. An edit keeps the previous version (`InterventionVersion`);
    deleting is soft, with a reason, and programme managers still see it."""

    __tablename__ = "interventions"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("intervention_types.id"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))  # the agency that did the work
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(index=True)
    duration_minutes: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    # Police intelligence or a third-party statement: app.sharing.policy shows it to the holding agency, the
    # lead practitioner and IG officers only, never under break-glass, never in a generated document.
    extra_sensitive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    deleted_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    deleted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    deletion_reason: Mapped[str | None] = mapped_column(sa.String(500))

    type = relationship("InterventionType")
    agency = relationship("Agency", foreign_keys=[agency_id])
    holding_agency = relationship("Agency", foreign_keys=[holding_agency_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    people: Mapped[list[Person]] = relationship(secondary=intervention_people, order_by=Person.id)

    __table_args__ = (
        sa.CheckConstraint("duration_minutes >= 0", name="duration_not_negative"),
        # The dashboard counts a period's work by agency and type from this index alone (an index-only scan
        # of the period's rows, not a heap fetch per intervention). Not partial on deleted_at_utc: SQLite
        # does not treat a partial index's own condition as covered and would fetch every row.
        sa.Index("ix_interventions_by_day", "occurred_on", "agency_id", "type_id", "family_id", "deleted_at_utc"),
    )


class InterventionVersion(IdMixin, TimestampMixin, db.Model):
    """An earlier version of an intervention, kept when it was edited."""

    __tablename__ = "intervention_versions"

    intervention_id: Mapped[int] = mapped_column(sa.ForeignKey("interventions.id"), index=True)
    version: Mapped[int]
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("intervention_types.id"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    occurred_on: Mapped[date]
    duration_minutes: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    person_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    type = relationship("InterventionType")

    __table_args__ = (sa.UniqueConstraint("intervention_id", "version"),)


class CaseNote(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "case_notes"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    body: Mapped[str] = mapped_column(sa.Text)
    extra_sensitive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # as Intervention's
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    holding_agency = relationship("Agency")
    recorded_by = relationship("User")
    people: Mapped[list[Person]] = relationship(secondary=case_note_people, order_by=Person.id)


class FormDraft(IdMixin, db.Model):
    """What a user typed into a long form and saved as a draft, so a session time-out loses nothing."""

    __tablename__ = "form_drafts"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    form_key: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    saved_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.UniqueConstraint("user_id", "family_id", "form_key"),)


class UsedFormToken(db.Model):
    """One-time form tokens already used: a second submission of the same form is recognised."""

    __tablename__ = "used_form_tokens"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    used_at_utc: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
