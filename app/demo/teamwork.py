"""Demo teamwork: meetings with minutes, the family's views and actions in the plan; message threads
across agencies (each worker writes in their own agency's category, so some messages are withheld from
some members); shared documents with versions; handovers between key workers; and notifications, so
every working role has tasks and something new to read.

Rows are built directly (like the other demo steps) and every text is invented.
"""
import io
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from app.auth.models import AgencyKind, Role
from app.cases.models import Family, FamilyStatus, GoalStatus, LeadAssignment, PlanGoal, TeamMember
from app.common.notifications import notify
from app.common.pdf import render_pdf
from app.common.uploads import store_upload
from app.extensions import db
from app.framework.categories import DataCategory
from app.referrals.models import Referral, ReferralStatus
from app.teamwork import services as teamwork_services
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

MEETING_FAMILIES = 36
CATEGORY_OF_KIND = {AgencyKind.SCHOOL: DataCategory.EDUCATION, AgencyKind.POLICE: DataCategory.CRIME,
                    AgencyKind.HEALTH: DataCategory.HEALTH, AgencyKind.HOUSING: DataCategory.HOUSING}
WORKER_WORDS = {
    AgencyKind.SCHOOL: ("Attendance this half term is {pct}%. {child} was late four times last week.",
                        "Attendance report", "Register extract and the attendance officer's notes"),
    AgencyKind.POLICE: ("Officers attended the address on Saturday after a noise complaint; no offences recorded.",
                        "Incident summary", "Summary of police contact this quarter"),
    AgencyKind.HEALTH: ("{adult} has started the talking therapy course; the baby's weight is back on track.",
                        "Health visitor summary", "Growth chart and contact summary"),
    AgencyKind.HOUSING: ("The arrears payment plan is holding; the possession hearing has been adjourned.",
                         "Rent account statement", "Statement and payment plan"),
}
ACTIONS = [
    "Agree a morning routine chart with the family", "Book a place on the parenting course",
    "Apply for the household support fund", "Arrange a joint home visit", "Refer to the debt advice service",
    "Set up a weekly check-in with school", "Support the family to register with a dentist",
]


def _at(day, rng):
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=UTC)


def _demo_pdf() -> bytes:
    return render_pdf("<html lang='en-GB'><head><title>Demo document</title></head><body><h1>Demo document</h1>"
                      "<p>Invented for the Hearth demo. Not a real record.</p></body></html>")


def _store(data, name, user):
    return store_upload(FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf"),
                        uploaded_by=user)


def _team_workers(family):
    return [m.user for m in family.team if m.user is not None and m.left_on is None]


def _meeting(family, rng, today, lead, workers, adults, child, counts):
    held = today - timedelta(days=rng.randint(5, 50))
    held = max(held, family.attached_on or held)
    words = {"adult": adults[0].given_name if adults else "Mum", "child": child.given_name if child else "the children"}
    meeting = Meeting(
        family_id=family.id, kind=MeetingKind.TEAM_AROUND_FAMILY, held_on=held,
        agenda="1. How things are going\n2. School and routines\n3. Money and housing\n4. Actions and next meeting",
        minutes=(f"{words['adult']} said mornings are easier since the new routine. School reported better "
                 f"attendance for {words['child']}. Housing update given. The team agreed the actions below."),
        family_views=f"\"We feel listened to. The mornings are still hard but {words['child']} is happier.\"",
        decisions="Continue the plan for another eight weeks; next meeting in six weeks.",
        holding_agency_id=lead.agency_id, category=DataCategory.CASE_NOTE, recorded_by_id=lead.id,
        created_at_utc=_at(held, rng))
    meeting.attendees = ([MeetingAttendee(user_id=u.id) for u in [lead, *workers]]
                         + [MeetingAttendee(person_id=p.id) for p in adults[:2]])
    db.session.add(meeting)
    db.session.flush()
    owners = [lead, *workers[:1]]
    for owner in owners:
        due = held + timedelta(days=rng.choice([7, 14, 28, 42]))
        status = GoalStatus.IN_PROGRESS if due >= today or rng.random() < 0.6 else GoalStatus.DONE
        goal = PlanGoal(family_id=family.id, action=rng.choice(ACTIONS), owner_agency_id=owner.agency_id, due_on=due,
                        status=status, holding_agency_id=lead.agency_id, category=DataCategory.CASE_NOTE,
                        recorded_by_id=lead.id, created_at_utc=_at(held, rng))
        db.session.add(goal)
        db.session.flush()
        db.session.add(MeetingAction(meeting_id=meeting.id, family_id=family.id, plan_goal_id=goal.id,
                                     owner_user_id=owner.id, created_at_utc=_at(held, rng)))
        counts["meeting_actions"] += 1
    if rng.random() < 0.4:
        upcoming = Meeting(family_id=family.id, kind=MeetingKind.FAMILY_NETWORK,
                           held_on=today + timedelta(days=rng.randint(3, 30)),
                           agenda="Who in the family network can help with school runs and weekends",
                           holding_agency_id=lead.agency_id, category=DataCategory.CASE_NOTE, recorded_by_id=lead.id)
        upcoming.attendees = [MeetingAttendee(user_id=lead.id)] + [MeetingAttendee(person_id=p.id) for p in adults]
        db.session.add(upcoming)
        counts["meetings"] += 1
    counts["meetings"] += 1


def _thread(family, rng, today, lead, workers, adults, child, counts):
    started = today - timedelta(days=rng.randint(2, 30))
    thread = MessageThread(family_id=family.id, subject="Progress since the last meeting",
                           holding_agency_id=lead.agency_id, category=DataCategory.CASE_NOTE, started_by_id=lead.id,
                           created_at_utc=_at(started, rng))
    db.session.add(thread)
    db.session.flush()
    posts = [(lead, DataCategory.CASE_NOTE, "Quick update before the review: the family is engaging well. "
              "Could everyone add anything new from their side?")]
    words = {"adult": adults[0].given_name if adults else "Mum", "child": child.given_name if child else "the children",
             "pct": rng.randint(78, 93)}
    for worker in workers[:3]:
        template = WORKER_WORDS.get(worker.agency.kind)
        if template:
            posts.append((worker, CATEGORY_OF_KIND[worker.agency.kind], template[0].format(**words)))
    last = None
    for offset, (author, category, body) in enumerate(posts):
        when = _at(started + timedelta(days=offset), rng)
        message = Message(thread_id=thread.id, family_id=family.id, author_id=author.id,
                          holding_agency_id=author.agency_id, category=category, body=body, created_at_utc=when)
        db.session.add(message)
        db.session.flush()
        # As the service does: the lead is told only of a message the sharing policy lets them read.
        if author.id != lead.id and teamwork_services.readers_among(message, family, [lead.id]):
            db.session.add(MessageMention(message_id=message.id, user_id=lead.id))
            notify(lead.id, "mentioned", ("message", message.id),
                   teamwork_services.mention_text(message, family, author),
                   dedupe_key=f"mentioned:{message.id}", url=f"/families/{family.id}/messages/{thread.id}",
                   family_id=family.id, email=False)
        last = when
        counts["messages"] += 1
    thread.last_message_at_utc = last
    counts["message_threads"] += 1


def _documents(family, rng, today, lead, workers, pdf, counts):
    for worker in workers[:2]:
        template = WORKER_WORDS.get(worker.agency.kind)
        if not template:
            continue
        added = today - timedelta(days=rng.randint(10, 60))
        document = Document(family_id=family.id, title=template[1], description=template[2],
                            holding_agency_id=worker.agency_id, category=CATEGORY_OF_KIND[worker.agency.kind],
                            uploaded_by_id=worker.id, created_at_utc=_at(added, rng))
        db.session.add(document)
        db.session.flush()
        versions = 2 if rng.random() < 0.5 else 1
        for number in range(1, versions + 1):
            stored = _store(pdf, f"{template[1].lower().replace(' ', '-')}-v{number}.pdf", worker)
            db.session.add(DocumentVersion(document_id=document.id, version=number, stored_file_id=stored.id,
                                           uploaded_by_id=worker.id,
                                           created_at_utc=_at(added + timedelta(days=7 * (number - 1)), rng)))
            counts["document_versions"] += 1
        document.current_version = versions
        counts["documents"] += 1


def _handover(family, outgoing, incoming, today, rng, *, written, counts):
    """Move the lead from `outgoing` to `incoming` a few days ago, optionally with the note written."""
    changed = today - timedelta(days=rng.randint(1, 6))
    for assignment in db.session.scalars(select(LeadAssignment).where(
            LeadAssignment.family_id == family.id, LeadAssignment.ended_on.is_(None)).order_by(LeadAssignment.id)):
        assignment.ended_on = changed
    ended = db.session.scalar(select(LeadAssignment).where(LeadAssignment.family_id == family.id,
                                                           LeadAssignment.user_id == outgoing.id)
                              .order_by(LeadAssignment.id.desc()).limit(1))
    if ended is None:
        ended = LeadAssignment(family_id=family.id, user_id=outgoing.id, assigned_on=family.attached_on or changed,
                               ended_on=changed)
        db.session.add(ended)
    db.session.add(LeadAssignment(family_id=family.id, user_id=incoming.id, assigned_on=changed))
    family.lead_practitioner_id = incoming.id
    # The outgoing worker stays on the team while the handover settles.
    db.session.add(TeamMember(family_id=family.id, user_id=outgoing.id, agency_id=outgoing.agency_id,
                              role_description="Previous key worker", joined_on=family.attached_on or changed))
    db.session.flush()
    notify(incoming.id, "family_allocated", ("family", family.id), f"Family {family.reference} has been allocated "
           "to you", dedupe_key=f"family_allocated:demo:{family.id}", url=f"/families/{family.id}",
           family_id=family.id, email=False)
    if written:
        note = HandoverNote(family_id=family.id, lead_assignment_id=ended.id, outgoing_user_id=outgoing.id,
                            incoming_user_id=incoming.id, holding_agency_id=outgoing.agency_id,
                            open_actions="Two plan actions are open: the parenting course place and the debt advice "
                                         "referral.",
                            risks="None new. Keep an eye on school attendance after the holidays.",
                            next_meeting="Team around the family meeting in three weeks; the school has the room.",
                            other_notes="Mum prefers texts to calls before 10am.")
        db.session.add(note)
        db.session.flush()
    counts["handovers"] += 1


def seed_teamwork(ctx) -> None:
    rng = ctx.rng("teamwork")
    today = ctx.today
    users = ctx.users
    counts = dict.fromkeys(("meetings", "meeting_actions", "message_threads", "messages", "documents",
                            "document_versions", "handovers", "notifications"), 0)
    families = db.session.scalars(
        select(Family).where(Family.status.in_([FamilyStatus.PLAN, FamilyStatus.ACTIVE]))
        .options(selectinload(Family.members), selectinload(Family.team).selectinload(TeamMember.user),
                 selectinload(Family.lead_practitioner))
        .order_by(Family.id)).all()
    # Families with named workers first, so threads cross agencies.
    families = sorted(families, key=lambda f: (-len(_team_workers(f)), f.id))[:MEETING_FAMILIES]
    pdf = _demo_pdf()
    for family in families:
        lead = family.lead_practitioner
        if lead is None:
            continue
        workers = [w for w in _team_workers(family) if w.id != lead.id]
        workers = list({w.id: w for w in workers}.values())
        adults = [p for p in family.members if not p.is_child]
        children = [p for p in family.members if p.is_child]
        _meeting(family, rng, today, lead, workers, adults, children[0] if children else None, counts)
        _thread(family, rng, today, lead, workers, adults, children[0] if children else None, counts)
        _documents(family, rng, today, lead, workers, pdf, counts)
    # Handovers between the demo key workers: one to write, one to acknowledge for the main demo key worker.
    kw, kw2, kw3 = users["keyworker@demo.test"], users["keyworker2@demo.test"], users["keyworker3@demo.test"]
    led = {lead_id: [f for f in families if f.lead_practitioner_id == lead_id] for lead_id in (kw.id, kw3.id)}
    if led[kw.id]:
        _handover(led[kw.id][-1], kw, kw2, today, rng, written=False, counts=counts)
    if led[kw3.id]:
        _handover(led[kw3.id][-1], kw3, kw, today, rng, written=True, counts=counts)
    # The newest referrals waiting for triage, as the programme manager would have been told.
    manager = users.get("manager@demo.test")
    if manager is not None and manager.role == Role.PROGRAMME_MANAGER:
        for referral in db.session.scalars(select(Referral).where(Referral.status == ReferralStatus.RECEIVED)
                                           .order_by(Referral.received_on.desc(), Referral.id.desc()).limit(3)):
            notify(manager.id, "referral_received", ("referral", referral.id),
                   f"New referral {referral.reference} to triage", dedupe_key=f"referral_received:{referral.id}",
                   url=f"/referrals/{referral.id}", email=False)
    db.session.flush()
    from app.common.notification_models import Notification

    counts["notifications"] = db.session.scalar(select(db.func.count(Notification.id)))
    ctx.counts.update(counts)
