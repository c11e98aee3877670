"""Reads for the teamwork pages: one query per list (eager-loaded), ordered totally, paginated."""
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.cases.models import Family
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
)

PER_PAGE = 20


def threads_page(family: Family, *, page=1):
    """The family's discussions, latest activity first, each with how many messages it has."""
    counts = (select(Message.thread_id, func.count(Message.id).label("n")).where(Message.family_id == family.id)
              .group_by(Message.thread_id).subquery())
    query = (select(MessageThread, sa.func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c.thread_id == MessageThread.id)
             .where(MessageThread.family_id == family.id)
             .options(selectinload(MessageThread.holding_agency))
             .order_by(MessageThread.last_message_at_utc.desc(), MessageThread.id.desc()))
    total = db.session.scalar(select(func.count(MessageThread.id)).where(MessageThread.family_id == family.id))
    rows = db.session.execute(query.limit(PER_PAGE).offset((max(page, 1) - 1) * PER_PAGE)).all()
    return rows, total


def thread_messages(thread: MessageThread) -> list[Message]:
    return db.session.scalars(
        select(Message).where(Message.thread_id == thread.id)
        .options(selectinload(Message.author), selectinload(Message.holding_agency), selectinload(Message.people),
                 selectinload(Message.mentions))
        .order_by(Message.created_at_utc, Message.id)).all()


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
