"""State changes for meetings, messages, documents and handovers. Services flush and audit; the request
boundary (or the CLI) commits. Refusals are `InvalidTeamworkRecord` with a message per field.

Meeting actions are made as goals of the family plan through `app.cases.services.add_plan_goal`, so the
plan shows them and keeps their agency, due date and status; `MeetingAction` adds the meeting and owner.
"""
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app import audit
from app.auth.models import User
from app.cases import services as case_services
from app.cases.access import family_ties
from app.cases.models import OPEN_GOAL_STATUSES, Family, LeadAssignment, Person, PlanGoal, TeamMember
from app.cases.services import CaseValidationError
from app.cases.visibility import facts_of
from app.common.notifications import notify
from app.common.time import london_time, today_london, utcnow
from app.common.uploads import UploadRefused, store_upload
from app.extensions import db
from app.framework.categories import DataCategory
from app.sharing import policy
from app.teamwork.models import (
    Document,
    DocumentVersion,
    HandoverNote,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingKind,
    Message,
    MessageMention,
    MessageThread,
)

SUBJECT_LIMIT = 120
MESSAGE_LIMIT = 5000
MEETING_TEXT_LIMIT = 20000
TITLE_LIMIT = 120
DESCRIPTION_LIMIT = 1000
HANDOVER_LIMIT = 5000
MEETING_MAX_DAYS_AHEAD = 366


class InvalidTeamworkRecord(CaseValidationError):
    """Some fields are wrong; `errors` maps each field to its GOV.UK-style message."""


class NotYours(CaseValidationError):
    """The change belongs to someone else (a handover only its writer writes and its reader acknowledges)."""


def _text(value):
    return (str(value).strip() or None) if value is not None else None


def _required_text(errors, field, value, *, limit, required_message, words):
    value = _text(value)
    if not value:
        errors[field] = required_message
    elif len(value) > limit:
        errors[field] = f"{words} must be {limit:,} characters or fewer"
    return value


def _optional_text(errors, field, value, *, limit, words):
    value = _text(value)
    if value and len(value) > limit:
        errors[field] = f"{words} must be {limit:,} characters or fewer"
    return value


def _category(errors, value, field="category"):
    try:
        return DataCategory(getattr(value, "value", value))
    except ValueError:
        errors[field] = "Select a data category from the list"
        return None


def _people(family, person_ids, errors, field="person_ids") -> list[Person]:
    wanted = {int(i) for i in person_ids or ()}
    if not wanted:
        return []
    people = db.session.scalars(select(Person).where(Person.family_id == family.id, Person.id.in_(wanted))
                                .order_by(Person.id)).all()
    if len(people) != len(wanted):
        errors[field] = "Select people from this family"
    return list(people)


def team_user_ids(family: Family, on: date | None = None) -> set[int]:
    """The workers around the family today: its lead practitioner and the named team members."""
    on = on or today_london()
    ids = set(db.session.scalars(select(TeamMember.user_id).where(
        TeamMember.family_id == family.id, TeamMember.user_id.is_not(None), TeamMember.joined_on <= on,
        (TeamMember.left_on.is_(None)) | (TeamMember.left_on > on))))
    if family.lead_practitioner_id:
        ids.add(family.lead_practitioner_id)
    return ids


def _team_users(family, user_ids, errors, field, message="Select people from the team around this family"):
    wanted = {int(i) for i in user_ids or ()}
    if wanted - team_user_ids(family):
        errors[field] = message
    return sorted(wanted)


def family_path(family_id: int, *parts) -> str:
    """A link inside Hearth for a notification (built without a request, so the CLI and jobs can notify)."""
    return "/".join([f"/families/{family_id}", *(str(p) for p in parts)])


# --- Messages ---------------------------------------------------------------------------------------------

def _message_fields(family, errors, *, body, category, person_ids, mention_user_ids):
    body = _required_text(errors, "body", body, limit=MESSAGE_LIMIT, required_message="Enter your message",
                          words="Your message")
    category = _category(errors, category)
    people = _people(family, person_ids, errors)
    mentions = _team_users(family, mention_user_ids, errors, "mention_user_ids",
                           "Select people to tell from the team around this family")
    return body, category, people, mentions


def readers_among(message: Message, family: Family, user_ids) -> list[int]:
    """The users, of `user_ids`, whom the sharing policy lets read `message` (its agency, category, people and
    mark): only they are told of it, so nobody follows a notification to a message withheld from them."""
    wanted = set(user_ids)
    if not wanted:
        return []
    facts = facts_of(family_ties(family), message)
    users = db.session.scalars(select(User).where(User.id.in_(wanted), User.active.is_(True))).all()
    return sorted(user.id for user in users if policy.decide(policy.Viewer.of(user), policy.Action.VIEW_CONTENT,
                                                             facts, policy.Purpose.CASE_COORDINATION))


def mention_text(message: Message, family: Family, author) -> str:
    """Who mentioned you, in which of the family's discussions (numbered in the order they were started) and
    when (London time), so mentions in different discussions never read alike. References, numbers and staff
    names only: a subject is content, and notification texts hold none."""
    number = db.session.scalar(select(sa.func.count(MessageThread.id)).where(
        MessageThread.family_id == family.id, MessageThread.id <= message.thread_id))
    when = london_time(message.created_at_utc or utcnow())
    return (f"{author.name} mentioned you in discussion {number} about family {family.reference} "
            f"({when.strftime('%-d %B %Y at %H:%M')})")


def untold_mentions(message: Message, mention_user_ids) -> list[User]:
    """The people the writer asked to tell who were not told, because they may not read the message."""
    told = set(db.session.scalars(select(MessageMention.user_id).where(MessageMention.message_id == message.id)))
    wanted = {int(i) for i in mention_user_ids or ()} - told - {message.author_id}
    if not wanted:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(wanted)).order_by(User.name, User.id)))


def _post(thread, family, *, body, category, people, mentions, extra_sensitive, actor) -> Message:
    message = Message(thread=thread, family_id=family.id, author_id=actor.id, holding_agency_id=actor.agency_id,
                      category=category, body=body, people=people, extra_sensitive=bool(extra_sensitive))
    db.session.add(message)
    db.session.flush()
    thread.last_message_at_utc = message.created_at_utc or utcnow()
    told = readers_among(message, family, set(mentions) - {actor.id})
    for user_id in told:
        db.session.add(MessageMention(message_id=message.id, user_id=user_id))
        notify(user_id, "mentioned", ("message", message.id), mention_text(message, family, actor),
               dedupe_key=f"mentioned:{message.id}", url=family_path(family.id, "messages", thread.id),
               family_id=family.id)
    db.session.flush()
    audit.record("MessagePosted", actor=actor, object_type="message", object_id=message.id, family_id=family.id,
                 thread_id=thread.id, category=category.value, mentions=len(told),
                 mentions_not_told=len(set(mentions) - {actor.id}) - len(told),
                 extra_sensitive=message.extra_sensitive)
    return message


def start_thread(family: Family, *, subject, body, category, person_ids=(), mention_user_ids=(), extra_sensitive=False,
                 actor) -> Message:
    """A new discussion. Its subject takes the opening message's category and extra-sensitive mark, so it is
    withheld wherever that message is."""
    errors = {}
    subject = _required_text(errors, "subject", subject, limit=SUBJECT_LIMIT, required_message="Enter a subject",
                             words="The subject")
    body, category, people, mentions = _message_fields(family, errors, body=body, category=category,
                                                       person_ids=person_ids, mention_user_ids=mention_user_ids)
    if errors:
        raise InvalidTeamworkRecord(errors)
    thread = MessageThread(family_id=family.id, subject=subject, holding_agency_id=actor.agency_id,
                           category=category, extra_sensitive=bool(extra_sensitive), started_by_id=actor.id)
    db.session.add(thread)
    db.session.flush()
    return _post(thread, family, body=body, category=category, people=people, mentions=mentions,
                 extra_sensitive=extra_sensitive, actor=actor)


def reply(thread: MessageThread, *, body, category, person_ids=(), mention_user_ids=(), extra_sensitive=False,
          actor) -> Message:
    family = db.session.get(Family, thread.family_id)
    errors = {}
    body, category, people, mentions = _message_fields(family, errors, body=body, category=category,
                                                       person_ids=person_ids, mention_user_ids=mention_user_ids)
    if errors:
        raise InvalidTeamworkRecord(errors)
    return _post(thread, family, body=body, category=category, people=people, mentions=mentions,
                 extra_sensitive=extra_sensitive, actor=actor)


# --- Meetings ---------------------------------------------------------------------------------------------

def earliest_meeting_date(family: Family) -> date:
    """A meeting about a family cannot be before the family came to the programme."""
    return family.created_at_utc.date() if family.created_at_utc else today_london()


def record_meeting(family: Family, *, kind, held_on: date | None, agenda=None, minutes=None, family_views=None,
                   decisions=None, category=DataCategory.CASE_NOTE, person_ids=(), attendee_user_ids=(),
                   attendee_person_ids=(), extra_sensitive=False, actor) -> Meeting:
    errors = {}
    try:
        kind = MeetingKind(getattr(kind, "value", kind))
    except ValueError:
        errors["kind"] = "Select the kind of meeting"
    today = today_london()
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    elif held_on < earliest_meeting_date(family):
        errors["held_on"] = (f"The date of the meeting must be on or after "
                             f"{earliest_meeting_date(family).strftime('%-d %B %Y')}, when the family was referred")
    elif held_on > today + timedelta(days=MEETING_MAX_DAYS_AHEAD):
        errors["held_on"] = "The date of the meeting must be within the next year"
    texts = {}
    for field, value, words in (("agenda", agenda, "The agenda"), ("minutes", minutes, "The minutes"),
                                ("family_views", family_views, "The family's views"),
                                ("decisions", decisions, "The decisions")):
        texts[field] = _optional_text(errors, field, value, limit=MEETING_TEXT_LIMIT, words=words)
    if held_on is not None and held_on > today and (texts["minutes"] or texts["decisions"]):
        errors["minutes"] = "Minutes and decisions can only be recorded for a meeting that has taken place"
    category = _category(errors, category)
    people = _people(family, person_ids, errors)
    workers = _team_users(family, attendee_user_ids, errors, "attendee_user_ids",
                          "Select workers from the team around this family")
    relatives = _people(family, attendee_person_ids, errors, "attendee_person_ids")
    if not workers and not relatives and "attendee_user_ids" not in errors:
        errors["attendee_user_ids"] = "Select at least one person who attends the meeting"
    if errors:
        raise InvalidTeamworkRecord(errors)
    meeting = Meeting(family_id=family.id, kind=kind, held_on=held_on, holding_agency_id=actor.agency_id,
                      category=category, extra_sensitive=bool(extra_sensitive), recorded_by_id=actor.id,
                      people=people, **texts)
    meeting.attendees = ([MeetingAttendee(user_id=u) for u in workers]
                         + [MeetingAttendee(person_id=p.id) for p in relatives])
    db.session.add(meeting)
    db.session.flush()
    audit.record("MeetingRecorded", actor=actor, object_type="meeting", object_id=meeting.id, family_id=family.id,
                 kind=kind.value, category=category.value, extra_sensitive=meeting.extra_sensitive)
    return meeting


def add_meeting_action(meeting: Meeting, *, action, owner_user_id, due_on: date | None, actor) -> MeetingAction:
    """An action agreed at the meeting: a goal in the family plan, owned by a worker on the team."""
    family = db.session.get(Family, meeting.family_id)
    errors = {}
    owner = None
    if not owner_user_id:
        errors["owner_user_id"] = "Select who owns the action"
    elif int(owner_user_id) not in team_user_ids(family):
        errors["owner_user_id"] = "Select a worker from the team around this family"
    else:
        owner = db.session.get(User, int(owner_user_id))
    if due_on is None:
        errors["due_on"] = "Enter the due date"
    elif due_on < meeting.held_on:
        errors["due_on"] = "The due date must be on or after the date of the meeting"
    try:
        goal = case_services.add_plan_goal(family, action=action, owner_agency=owner.agency if owner else None,
                                           due_on=due_on, actor=actor) if not errors else None
    except CaseValidationError as refusal:
        errors.update(refusal.errors)
        goal = None
    if errors:
        raise InvalidTeamworkRecord(errors)
    item = MeetingAction(meeting_id=meeting.id, family_id=family.id, plan_goal_id=goal.id, owner_user_id=owner.id)
    db.session.add(item)
    db.session.flush()
    audit.record("MeetingActionAdded", actor=actor, object_type="meeting_action", object_id=item.id,
                 family_id=family.id, meeting_id=meeting.id, plan_goal_id=goal.id)
    if owner.id != actor.id:
        notify(owner.id, "action_assigned", ("meeting_action", item.id),
               f"An action from a meeting about family {family.reference} is yours",
               dedupe_key=f"action_assigned:{item.id}", url=family_path(family.id, "plan"), family_id=family.id)
    return item


def notify_overdue_actions(today: date | None = None) -> int:
    """Tell each owner once about each of their actions that is past its due date (a system job): a meeting
    action's owner, and for a plan action from no meeting, the family's lead practitioner when their agency
    owns it (the same actions "My tasks" lists as theirs)."""
    today = today or today_london()
    overdue = (PlanGoal.due_on < today, PlanGoal.status.in_(OPEN_GOAL_STATUSES))
    meeting_actions = (
        select(sa.literal("meeting_action"), MeetingAction.id, MeetingAction.owner_user_id, MeetingAction.family_id,
               PlanGoal.due_on, Family.reference)
        .join(PlanGoal, PlanGoal.id == MeetingAction.plan_goal_id).join(Family, Family.id == MeetingAction.family_id)
        .where(*overdue, MeetingAction.owner_user_id.is_not(None)).order_by(MeetingAction.id))
    lead = aliased(User)
    plan_actions = (
        select(sa.literal("plan_goal"), PlanGoal.id, Family.lead_practitioner_id, PlanGoal.family_id, PlanGoal.due_on,
               Family.reference)
        .join(Family, Family.id == PlanGoal.family_id).join(lead, lead.id == Family.lead_practitioner_id)
        .outerjoin(MeetingAction, MeetingAction.plan_goal_id == PlanGoal.id)
        .where(*overdue, MeetingAction.id.is_(None), PlanGoal.owner_agency_id == lead.agency_id).order_by(PlanGoal.id))
    # The meeting actions keep the dedupe key they always had, so none is told twice after an upgrade.
    key_prefix = {"meeting_action": "action_overdue", "plan_goal": "plan_action_overdue"}
    made = 0
    for query in (meeting_actions, plan_actions):
        for kind, item_id, owner_id, family_id, due_on, reference in db.session.execute(query).all():
            made += notify(owner_id, "action_overdue", (kind, item_id),
                           f"An action of yours for family {reference} is overdue",
                           dedupe_key=f"{key_prefix[kind]}:{item_id}:{due_on.isoformat()}",
                           url=family_path(family_id, "plan"), family_id=family_id) is not None
    return made


# --- Documents --------------------------------------------------------------------------------------------

def add_document(family: Family, *, title, description=None, category, person_ids=(), upload, actor,
                 extra_sensitive=False) -> Document:
    errors = {}
    title = _required_text(errors, "title", title, limit=TITLE_LIMIT, required_message="Enter a title for the document",
                           words="The title")
    description = _optional_text(errors, "description", description, limit=DESCRIPTION_LIMIT,
                                 words="The description")
    category = _category(errors, category)
    people = _people(family, person_ids, errors)
    if errors:
        raise InvalidTeamworkRecord(errors)
    try:
        stored = store_upload(upload, uploaded_by=actor)
    except UploadRefused as refused:
        raise InvalidTeamworkRecord({"upload": refused.message}) from None
    document = Document(family_id=family.id, title=title, description=description, holding_agency_id=actor.agency_id,
                        category=category, extra_sensitive=bool(extra_sensitive), uploaded_by_id=actor.id,
                        people=people, current_version=1)
    db.session.add(document)
    db.session.flush()
    db.session.add(DocumentVersion(document_id=document.id, version=1, stored_file_id=stored.id,
                                   uploaded_by_id=actor.id))
    db.session.flush()
    audit.record("DocumentAdded", actor=actor, object_type="document", object_id=document.id, family_id=family.id,
                 category=category.value, stored_file_id=stored.id, extra_sensitive=document.extra_sensitive)
    return document


def add_document_version(document: Document, *, upload, actor) -> DocumentVersion:
    """A new version; the earlier ones stay and can still be downloaded."""
    try:
        stored = store_upload(upload, uploaded_by=actor)
    except UploadRefused as refused:
        raise InvalidTeamworkRecord({"upload": refused.message}) from None
    document.current_version += 1
    document.updated_at_utc = utcnow()
    version = DocumentVersion(document_id=document.id, version=document.current_version, stored_file_id=stored.id,
                              uploaded_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    audit.record("DocumentVersionAdded", actor=actor, object_type="document", object_id=document.id,
                 family_id=document.family_id, version=version.version, stored_file_id=stored.id)
    return version


# --- Handover ---------------------------------------------------------------------------------------------

def handover_due(family: Family, user) -> LeadAssignment | None:
    """The user's ended lead assignment for this family that still needs a handover note, if any."""
    return db.session.scalar(
        select(LeadAssignment).where(
            LeadAssignment.family_id == family.id, LeadAssignment.user_id == user.id,
            LeadAssignment.ended_on.is_not(None),
            ~select(HandoverNote.id).where(HandoverNote.lead_assignment_id == LeadAssignment.id).exists())
        .order_by(LeadAssignment.id.desc()).limit(1))


def write_handover(family: Family, *, open_actions, risks, next_meeting, other_notes=None, extra_sensitive=False,
                   actor) -> HandoverNote:
    assignment = handover_due(family, actor)
    if assignment is None:
        raise NotYours({"open_actions": "There is no handover for you to write for this family"})
    errors = {}
    values = {
        "open_actions": _required_text(errors, "open_actions", open_actions, limit=HANDOVER_LIMIT,
                                       required_message="Enter the open actions, or write none",
                                       words="Open actions"),
        "risks": _required_text(errors, "risks", risks, limit=HANDOVER_LIMIT,
                                required_message="Enter the risks, or write none", words="Risks"),
        "next_meeting": _required_text(errors, "next_meeting", next_meeting, limit=HANDOVER_LIMIT,
                                       required_message="Enter when the next meeting is, or write none booked",
                                       words="Next meeting"),
        "other_notes": _optional_text(errors, "other_notes", other_notes, limit=HANDOVER_LIMIT, words="Other notes"),
    }
    if errors:
        raise InvalidTeamworkRecord(errors)
    note = HandoverNote(family_id=family.id, lead_assignment_id=assignment.id, outgoing_user_id=actor.id,
                        incoming_user_id=family.lead_practitioner_id, holding_agency_id=actor.agency_id,
                        category=DataCategory.CASE_NOTE, extra_sensitive=bool(extra_sensitive), **values)
    db.session.add(note)
    db.session.flush()
    audit.record("HandoverWritten", actor=actor, object_type="handover_note", object_id=note.id, family_id=family.id,
                 extra_sensitive=note.extra_sensitive)
    notify(note.incoming_user_id, "handover_written", ("handover_note", note.id),
           f"A handover note for family {family.reference} is waiting for you",
           dedupe_key=f"handover_written:{note.id}", url=family_path(family.id, "handover", note.id),
           family_id=family.id)
    return note


def acknowledge_handover(note: HandoverNote, *, actor) -> HandoverNote:
    if note.incoming_user_id != actor.id:
        raise NotYours({"": "Only the incoming lead practitioner can acknowledge this handover"})
    if note.acknowledged_at_utc is None:
        note.acknowledged_at_utc = utcnow()
        db.session.flush()
        audit.record("HandoverAcknowledged", actor=actor, object_type="handover_note", object_id=note.id,
                     family_id=note.family_id)
    return note
