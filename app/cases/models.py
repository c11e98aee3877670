"""Families, the people in them, and the team around the family.

Identifiers on a person (NHS number, UPN, ...) are stored normalised by `app.cases.identifiers`,
through the services: matching across agencies compares the stored values as they are.
"""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.common.time import today_london
from app.extensions import db

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
    attached_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    closure_reason: Mapped[str | None] = mapped_column(sa.String(40))

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
    postcode: Mapped[str | None] = mapped_column(sa.String(8))
    left_household_on: Mapped[date | None]

    family: Mapped[Family] = relationship(back_populates="members")

    __table_args__ = (sa.Index("ix_people_names", "family_name", "given_name"),)

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
