"""Reads for the teamwork pages: one query per list (eager-loaded), ordered totally, paginated."""
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.cases.access import TieSource
from app.cases.models import Family, LeadAssignment
from app.extensions import db
from app.teamwork.models import (
    Document,
    DocumentVersion,
    HandoverNote,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    Message,
    MessageThread,
    message_people,
)

PER_PAGE = 20
MESSAGES_PER_PAGE = 25


# --- the outgoing lead tie: a replaced lead practitioner whose handover note is still to write ---------------

def _handover_open(family_id_column, user_id=None):
    """An ended lead assignment (of `user_id`, when given) for the family with no handover note yet."""
    clauses = [LeadAssignment.family_id == family_id_column, LeadAssignment.ended_on.is_not(None),
               ~sa.exists().where(HandoverNote.lead_assignment_id == LeadAssignment.id)]
    if user_id is not None:
        clauses.append(LeadAssignment.user_id == user_id)
    return clauses


def outgoing_lead_ids(family_id: int) -> frozenset:
    return frozenset(db.session.scalars(select(LeadAssignment.user_id).where(*_handover_open(family_id))))


OUTGOING_LEAD_TIE = TieSource(
    ties_field="outgoing_lead_ids", load=outgoing_lead_ids, columns_field="outgoing_lead",
    clause=lambda family_id_column: lambda user_id: sa.exists().where(
        *_handover_open(family_id_column, user_id)).correlate_except(LeadAssignment, HandoverNote))


def threads_page(family: Family, *, page=1):
    """A page of the family's discussions, latest activity first, and how many messages each of them has
    (counted in SQL for that page's threads only)."""
    threads = db.paginate(
        select(MessageThread).where(MessageThread.family_id == family.id)
        .options(selectinload(MessageThread.holding_agency))
        .order_by(MessageThread.last_message_at_utc.desc(), MessageThread.id.desc()),
        page=page, per_page=PER_PAGE, error_out=False)
    ids = [thread.id for thread in threads.items]
    counts = dict(db.session.execute(
        select(Message.thread_id, func.count(Message.id)).where(Message.thread_id.in_(ids))
        .group_by(Message.thread_id)).all()) if ids else {}
    return threads, counts


def opening_people(thread_ids) -> dict[int, list[int]]:
    """thread id -> the people its opening message names (none: the whole family), in one query. A subject
    was written with that message, so the policy decides it on that message's people."""
    if not thread_ids:
        return {}
    opening = (select(func.min(Message.id).label("message_id")).where(Message.thread_id.in_(list(thread_ids)))
               .group_by(Message.thread_id).subquery())
    rows = db.session.execute(
        select(Message.thread_id, message_people.c.person_id)
        .join(opening, opening.c.message_id == Message.id)
        .join(message_people, message_people.c.message_id == Message.id)
        .order_by(Message.thread_id, message_people.c.person_id)).all()
    people: dict[int, list[int]] = {}
    for thread_id, person_id in rows:
        people.setdefault(thread_id, []).append(person_id)
    return people


def thread_messages_page(thread: MessageThread, *, page: int | None = None):
    """A page of a discussion's messages, oldest first. Without a page number, the last page: the newest
    messages, which are the ones to read before replying."""
    if page is None:
        total = db.session.scalar(select(func.count(Message.id)).where(Message.thread_id == thread.id)) or 0
        page = max(-(-total // MESSAGES_PER_PAGE), 1)
    return db.paginate(
        select(Message).where(Message.thread_id == thread.id)
        .options(selectinload(Message.author), selectinload(Message.holding_agency), selectinload(Message.people),
                 selectinload(Message.mentions))
        .order_by(Message.created_at_utc, Message.id), page=max(page, 1), per_page=MESSAGES_PER_PAGE,
        error_out=False)


def meetings_page(family: Family, *, page=1):
    return db.paginate(
        select(Meeting).where(Meeting.family_id == family.id)
        .options(selectinload(Meeting.holding_agency), selectinload(Meeting.people),
                 selectinload(Meeting.attendees).selectinload(MeetingAttendee.user),
                 selectinload(Meeting.attendees).selectinload(MeetingAttendee.person))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc()), page=page, per_page=PER_PAGE, error_out=False)


def meeting_in_full(meeting_id: int) -> Meeting | None:
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.holding_agency), selectinload(Meeting.people),
                 selectinload(Meeting.attendees).selectinload(MeetingAttendee.user),
                 selectinload(Meeting.attendees).selectinload(MeetingAttendee.person),
                 selectinload(Meeting.actions).selectinload(MeetingAction.plan_goal),
                 selectinload(Meeting.actions).selectinload(MeetingAction.owner)))


def documents_page(family: Family, *, page=1):
    return db.paginate(
        select(Document).where(Document.family_id == family.id)
        .options(selectinload(Document.holding_agency), selectinload(Document.people),
                 selectinload(Document.uploaded_by))
        .order_by(sa.func.coalesce(Document.updated_at_utc, Document.created_at_utc).desc(), Document.id.desc()),
        page=page, per_page=PER_PAGE, error_out=False)


def document_versions(document: Document) -> list[DocumentVersion]:
    return db.session.scalars(
        select(DocumentVersion).where(DocumentVersion.document_id == document.id)
        .options(selectinload(DocumentVersion.stored_file), selectinload(DocumentVersion.uploaded_by))
        .order_by(DocumentVersion.version.desc())).all()


def handover_notes(family: Family) -> list[HandoverNote]:
    return db.session.scalars(
        select(HandoverNote).where(HandoverNote.family_id == family.id)
        .options(selectinload(HandoverNote.outgoing), selectinload(HandoverNote.incoming),
                 selectinload(HandoverNote.holding_agency))
        .order_by(HandoverNote.created_at_utc.desc(), HandoverNote.id.desc())).all()
