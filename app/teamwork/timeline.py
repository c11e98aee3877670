"""Meetings, messages and documents on the family timeline (providers for `app.cases.timeline`). Each item
carries its policy facts, so the timeline shows the content or a withheld placeholder."""
import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from app.cases.timeline import TimelineItem, TimelineProvider, row
from app.cases.visibility import facts_of
from app.extensions import db
from app.teamwork.models import Document, Meeting, Message


def _meeting_select(family_id):
    m = Meeting
    return sa.select(*row(m.held_on, "meeting", m.id, m.holding_agency_id, m.category)).where(m.family_id == family_id)


def _meeting_hydrate(ids, ctx):
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(ids))
                                  .options(selectinload(Meeting.holding_agency), selectinload(Meeting.people))
                                  .order_by(Meeting.id)).all()
    return {m.id: TimelineItem("meeting", m.id, m.held_on, m.kind.label, agency_name=m.holding_agency.name,
                               category=m.category, body=m.decisions or m.agenda,
                               people=[p.full_name for p in m.people],
                               href=url_for("teamwork.meeting", family_id=m.family_id, meeting_id=m.id),
                               facts=facts_of(ctx.ties, m), label="Meeting")
            for m in meetings}


def _message_select(family_id):
    m = Message
    return sa.select(*row(m.created_at_utc, "message", m.id, m.holding_agency_id, m.category)).where(
        m.family_id == family_id)


def _message_hydrate(ids, ctx):
    messages = db.session.scalars(sa.select(Message).where(Message.id.in_(ids))
                                  .options(selectinload(Message.holding_agency), selectinload(Message.people),
                                           selectinload(Message.author))
                                  .order_by(Message.id)).all()
    return {m.id: TimelineItem("message", m.id, m.created_at_utc,
                               f"Message from {m.author.name}" if m.author else "Message",
                               agency_name=m.holding_agency.name, category=m.category, body=m.body,
                               people=[p.full_name for p in m.people],
                               href=url_for("teamwork.thread", family_id=m.family_id, thread_id=m.thread_id),
                               facts=facts_of(ctx.ties, m), label="Message")
            for m in messages}


def _document_select(family_id):
    d = Document
    return sa.select(*row(d.created_at_utc, "document", d.id, d.holding_agency_id, d.category)).where(
        d.family_id == family_id)


def _document_hydrate(ids, ctx):
    documents = db.session.scalars(sa.select(Document).where(Document.id.in_(ids))
                                   .options(selectinload(Document.holding_agency), selectinload(Document.people))
                                   .order_by(Document.id)).all()
    return {d.id: TimelineItem("document", d.id, d.created_at_utc, f"Document: {d.title}",
                               agency_name=d.holding_agency.name, category=d.category, body=d.description,
                               people=[p.full_name for p in d.people],
                               href=url_for("teamwork.document", family_id=d.family_id, document_id=d.id),
                               facts=facts_of(ctx.ties, d), label="Document")
            for d in documents}


PROVIDERS = (
    TimelineProvider("meeting", "Meeting", _meeting_select, _meeting_hydrate, order=40),
    TimelineProvider("message", "Message", _message_select, _message_hydrate, order=45),
    TimelineProvider("document", "Document", _document_select, _document_hydrate, order=46),
)
