"""Working together around a family: meetings, secure messages, shared documents and handovers.

Every record that holds content carries the agency that made it (`holding_agency_id`), a data category
and the people it concerns (none: the whole family), so the sharing policy decides each one, as for the
case-work records in `app.cases.models`.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Person
from app.common.enums import CodeEnum, enum_column_type
from app.common.models import IdMixin, TimestampMixin
from app.extensions import db
from app.framework.categories import DataCategory


def _people_table(name, column, record_table):
    return sa.Table(
        name, db.metadata,
        sa.Column(column, sa.ForeignKey(f"{record_table}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("person_id", sa.ForeignKey("people.id"), primary_key=True, index=True),
    )


meeting_people = _people_table("meeting_people", "meeting_id", "meetings")
message_people = _people_table("message_people", "message_id", "messages")
document_people = _people_table("document_people", "document_id", "documents")


class MeetingKind(CodeEnum):
    TEAM_AROUND_FAMILY = ("team_around_family", "Team around the family meeting")
    FAMILY_NETWORK = ("family_network", "Family network meeting")


class Meeting(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "meetings"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column_type(MeetingKind, "meeting_kind"))
    held_on: Mapped[date] = mapped_column(index=True)
    agenda: Mapped[str | None] = mapped_column(sa.Text)
    minutes: Mapped[str | None] = mapped_column(sa.Text)
    family_views: Mapped[str | None] = mapped_column(sa.Text)  # the family's own words
    decisions: Mapped[str | None] = mapped_column(sa.Text)
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"),
                                                   default=DataCategory.CASE_NOTE)
    # Minutes with police intelligence or a third-party statement (app.sharing.policy: extra-sensitive)
    extra_sensitive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    holding_agency = relationship("Agency")
    recorded_by = relationship("User")
    people: Mapped[list[Person]] = relationship(secondary=meeting_people, order_by=Person.id)
    attendees: Mapped[list["MeetingAttendee"]] = relationship(back_populates="meeting",
                                                              order_by="MeetingAttendee.id")
    actions: Mapped[list["MeetingAction"]] = relationship(back_populates="meeting", order_by="MeetingAction.id")


class MeetingAttendee(IdMixin, db.Model):
    """A worker (user) or a member of the family (person) at a meeting."""

    __tablename__ = "meeting_attendees"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    user = relationship("User")
    person = relationship("Person")

    __table_args__ = (
        sa.CheckConstraint("(user_id IS NULL) <> (person_id IS NULL)", name="user_or_person"),
    )


class MeetingAction(IdMixin, TimestampMixin, db.Model):
    """An action agreed at a meeting. Its words, agency, due date and status live in the family plan (a
    `PlanGoal` made through the cases services), so the plan is the one place they are kept; this row
    names the meeting and the worker who owns it."""

    __tablename__ = "meeting_actions"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    plan_goal_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_goals.id"), unique=True)
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="actions")
    plan_goal = relationship("PlanGoal")
    owner = relationship("User")


class MessageThread(IdMixin, TimestampMixin, db.Model):
    """A discussion among the team. Its subject is content too: it carries the category and the
    extra-sensitive mark of the message that opened it, and is decided on that message's people
    (`queries.opening_people`), so it is withheld where that message is."""

    __tablename__ = "message_threads"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(120))
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    extra_sensitive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # the opening message's
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    last_message_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)

    holding_agency = relationship("Agency")
    messages: Mapped[list["Message"]] = relationship(back_populates="thread", order_by="Message.id")


class Message(IdMixin, TimestampMixin, db.Model):
    """One message of a discussion. Each carries its own agency, category, people and extra-sensitive mark,
    so the policy decides it alone: an ordinary discussion may hold one extra-sensitive message."""

    __tablename__ = "messages"

    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("message_threads.id"), index=True)
    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    body: Mapped[str] = mapped_column(sa.Text)
    # Police intelligence or a third-party statement (app.sharing.policy: extra-sensitive)
    extra_sensitive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    thread: Mapped[MessageThread] = relationship(back_populates="messages")
    author = relationship("User")
    holding_agency = relationship("Agency")
    people: Mapped[list[Person]] = relationship(secondary=message_people, order_by=Person.id)
    mentions: Mapped[list["MessageMention"]] = relationship(order_by="MessageMention.id")


class MessageMention(IdMixin, db.Model):
    __tablename__ = "message_mentions"

    message_id: Mapped[int] = mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)

    user = relationship("User")

    __table_args__ = (sa.UniqueConstraint("message_id", "user_id"),)


class Document(IdMixin, TimestampMixin, db.Model):
    """A file shared with the team. A new version adds a `DocumentVersion`; earlier ones are kept."""

    __tablename__ = "documents"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str | None] = mapped_column(sa.String(1000))
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"))
    # A third-party statement or police intelligence: app.sharing.policy's extra-sensitive rule
    extra_sensitive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    current_version: Mapped[int] = mapped_column(default=1, server_default="1")
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    holding_agency = relationship("Agency")
    uploaded_by = relationship("User")
    people: Mapped[list[Person]] = relationship(secondary=document_people, order_by=Person.id)
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by=lambda: DocumentVersion.version.desc())


class DocumentVersion(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "document_versions"

    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), index=True)
    version: Mapped[int]
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    document: Mapped[Document] = relationship(back_populates="versions")
    stored_file = relationship("StoredFile")
    uploaded_by = relationship("User")

    __table_args__ = (sa.UniqueConstraint("document_id", "version"),)


class HandoverNote(IdMixin, TimestampMixin, db.Model):
    """What the outgoing lead practitioner tells the incoming one, against a checklist. One per change
    of lead (`lead_assignment_id` is the outgoing worker's ended assignment)."""

    __tablename__ = "handover_notes"

    family_id: Mapped[int] = mapped_column(sa.ForeignKey("families.id"), index=True)
    lead_assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("lead_assignments.id"), unique=True)
    outgoing_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    incoming_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    open_actions: Mapped[str] = mapped_column(sa.Text)
    risks: Mapped[str] = mapped_column(sa.Text)
    next_meeting: Mapped[str] = mapped_column(sa.Text)
    other_notes: Mapped[str | None] = mapped_column(sa.Text)
    holding_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    category: Mapped[DataCategory] = mapped_column(enum_column_type(DataCategory, "data_category"),
                                                   default=DataCategory.CASE_NOTE)
    # Its risks may repeat police intelligence or a third-party statement the lead practitioner read
    # (app.sharing.policy: extra-sensitive)
    extra_sensitive: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    acknowledged_at_utc: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    outgoing = relationship("User", foreign_keys=[outgoing_user_id])
    incoming = relationship("User", foreign_keys=[incoming_user_id])
    holding_agency = relationship("Agency")
