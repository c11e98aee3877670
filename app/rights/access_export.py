"""Everything Hearth holds about one person, gathered for a subject access request.

The export covers the person's own record, their family membership and household, referrals, needs,
interventions, case notes, the assessment and plan, evidence, consents, sharing decisions, meetings,
messages, documents and handovers that name them (or that concern their whole family), claims about the
family, and the access log of the person and the family from the audit log. Nothing from another
family is read: every query is bounded by the person's family id.

Items that need a person's judgement before release are marked for redaction review, with the reasons:
- `other_people`: the record also concerns other people (it names them, or it is about the whole
  household and the household has more than one member);
- `other_agency`: the text was written by an agency outside the council (police, health, a school...),
  which must be consulted before its information is released;
- `safe_address`: an address is withheld because someone in the household is at risk (app.cases.
  safe_addresses, read as for a document made for someone outside Hearth), since the requester may be the
  person they are kept safe from; the IG officer adds it back only if the requester may know it;
- `extra_sensitive`: the record is marked extra-sensitive (police intelligence, a third-party statement):
  its text is withheld, as from every document leaving Hearth (app.sharing.policy), until the holding
  agency agrees it may be released.

The IG officer reads it under the purpose `information_governance` (public task), not through the
sharing rule's practitioner reading: a subject access answer must find everything, whoever holds it.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.models import Agency, AgencyKind, User
from app.cases.models import (
    Assessment,
    CaseNote,
    Family,
    FamilyAddress,
    Intervention,
    Need,
    Person,
    PlanGoal,
    TeamMember,
    case_note_people,
    intervention_people,
    need_people,
)
from app.cases.safe_addresses import AddressShield
from app.claims.models import Claim, ClaimRound, ClaimSnapshot
from app.common.time import utcnow
from app.extensions import db
from app.outcomes.models import Evidence, evidence_people
from app.referrals.models import Referral, ReferralPerson
from app.rights.models import SubjectAccessRequest
from app.sharing.models import BreakGlassGrant, Consent, SharingBasis, SharingBasisPerson, SharingRequest
from app.sharing.safe_address import WITHHELD
from app.teamwork.models import (
    Document,
    HandoverNote,
    Meeting,
    MeetingAttendee,
    Message,
    MessageThread,
    document_people,
    meeting_people,
    message_people,
)

MARKING = "OFFICIAL-SENSITIVE"
# The council's own services: what they wrote is the council's to release. Anything else was written by a
# partner agency and is checked with it first.
COUNCIL_AGENCY_KINDS = frozenset({AgencyKind.EARLY_HELP, AgencyKind.SOCIAL_CARE})
REVIEW_REASONS = {
    "other_people": "It also concerns other people",
    "other_agency": "It was written by another agency",
    "safe_address": "A safe address is withheld: add it only if the requester may know it",
    "extra_sensitive": "Extra-sensitive (police intelligence or a third-party statement): its text is withheld; "
                       "add it only if the agency that holds it agrees",
}
EXTRA_SENSITIVE_WITHHELD = "Withheld: extra-sensitive information held by the agency named"
ACCESS_LOG_LIMIT = 5000


@dataclass
class Item:
    fields: dict
    text: str | None = None
    review: list = field(default_factory=list)  # codes of REVIEW_REASONS

    @property
    def review_labels(self) -> list[str]:
        return [REVIEW_REASONS[code] for code in self.review]


@dataclass
class Section:
    key: str
    title: str
    items: list


@dataclass
class AccessExport:
    request: SubjectAccessRequest
    person: Person
    family: Family
    sections: list
    made_at_utc: datetime
    made_by: str

    @property
    def review_count(self) -> int:
        return sum(1 for section in self.sections for item in section.items if item.review)

    def as_json(self) -> dict:
        sar = self.request
        return {
            "marking": MARKING,
            "subject_access_request": {"id": sar.id, "received_on": sar.received_on, "due_on": sar.due_on,
                                       "requester_kind": sar.requester_kind.value},
            "person_id": self.person.id, "family_reference": self.family.reference,
            "made_at_utc": self.made_at_utc, "made_by": self.made_by,
            "items_for_redaction_review": self.review_count,
            "sections": {section.key: [{**item.fields, **({"text": item.text} if item.text is not None else {}),
                                        "for_redaction_review": bool(item.review),
                                        "review_reasons": list(item.review)} for item in section.items]
                         for section in self.sections},
        }


class _Context:
    """What every section needs: the subject, their household and the agencies' names and kinds."""

    def __init__(self, person: Person):
        self.person, self.family_id = person, person.family_id
        self.household = set(db.session.scalars(sa.select(Person.id).where(Person.family_id == self.family_id)))
        self.agencies = {a.id: a for a in db.session.scalars(sa.select(Agency))}
        self.users = dict(db.session.execute(sa.select(User.id, User.name)).all())
        self.addresses = AddressShield(None, [self.family_id])  # as for a document leaving Hearth

    def agency(self, agency_id) -> str | None:
        return self.agencies[agency_id].name if agency_id in self.agencies else None

    def review(self, *, holding_agency_id=None, person_ids=None) -> list[str]:
        """`person_ids`: the people a record names (empty: the whole household; None: the subject alone)."""
        reasons = []
        if person_ids is not None and (set(person_ids or self.household) - {self.person.id}):
            reasons.append("other_people")
        agency = self.agencies.get(holding_agency_id)
        if holding_agency_id is not None and (agency is None or agency.kind not in COUNCIL_AGENCY_KINDS):
            reasons.append("other_agency")
        return reasons


def _people_of(table, key: str, ids) -> dict[int, list[int]]:
    """record id -> the people it names, for the records of one kind (one query)."""
    out: dict[int, list[int]] = {}
    if ids:
        for record_id, person_id in db.session.execute(sa.select(table.c[key], table.c.person_id)
                                                       .where(table.c[key].in_(ids))):
            out.setdefault(record_id, []).append(person_id)
    return out


def _naming_subject(ctx: _Context, model, table, key: str, *order):
    """The records of one kind in the family that name the subject or the whole family, with their people."""
    records = db.session.scalars(sa.select(model).where(model.family_id == ctx.family_id).order_by(*order)).all()
    people = _people_of(table, key, [r.id for r in records])
    return [(r, people.get(r.id, [])) for r in records if not people.get(r.id) or ctx.person.id in people[r.id]]


def _unless_extra_sensitive(record, text, review) -> dict:
    """An Item's text and review: an extra-sensitive record's text never goes into the export."""
    if getattr(record, "extra_sensitive", False):
        return {"text": EXTRA_SENSITIVE_WITHHELD, "review": [*review, "extra_sensitive"]}
    return {"text": text, "review": review}


def _labelled(*parts) -> str | None:
    """Several text fields of one record as one text, each under its label; None when all are empty."""
    return "\n\n".join(f"{label}: {value}" for label, value in parts if value) or None


def _person_section(ctx: _Context) -> Section:
    p = ctx.person
    fields = {"person_id": p.id, "given_name": p.given_name, "family_name": p.family_name,
              "other_names": p.other_names, "date_of_birth": p.date_of_birth, "gender": p.gender.label,
              "relationship_to_family": p.relationship_to_family.label, "nhs_number": p.nhs_number, "upn": p.upn,
              "school_urn": p.school_urn, "ni_number": p.ni_number, "pnc_number": p.pnc_number,
              "left_household_on": p.left_household_on}
    review = []
    if p.lives_apart and ctx.addresses.hides_person_address(p):
        fields["address"], review = WITHHELD, ["safe_address"]
    elif p.lives_apart:
        fields["address"] = ", ".join(filter(None, (p.address_line_1, p.address_line_2, p.town, p.postcode)))
    return Section("person", "The person", [Item(fields, review=review)])


def _family_section(ctx: _Context) -> Section:
    family = db.session.get(Family, ctx.family_id)
    address = ctx.addresses.family_address(family)
    items = [Item({"family_reference": family.reference, "status": family.status.label,
                   "attached_on": family.attached_on, "closed_on": family.closed_on, "address": address},
                  review=["safe_address"] if address == WITHHELD else [])]
    for row in db.session.scalars(sa.select(FamilyAddress).where(FamilyAddress.family_id == ctx.family_id)
                                  .order_by(FamilyAddress.moved_in_on, FamilyAddress.id)):
        earlier = ctx.addresses.history_address(row)
        items.append(Item({"earlier_address": earlier, "moved_in_on": row.moved_in_on,
                           "moved_out_on": row.moved_out_on}, review=["safe_address"] if earlier == WITHHELD else []))
    for other in db.session.scalars(sa.select(Person).where(Person.family_id == ctx.family_id,
                                                            Person.id != ctx.person.id).order_by(Person.id)):
        items.append(Item({"household_member": other.full_name, "relationship_to_family":
                           other.relationship_to_family.label}, review=["other_people"]))
    for member in db.session.scalars(sa.select(TeamMember).where(TeamMember.family_id == ctx.family_id)
                                     .order_by(TeamMember.joined_on, TeamMember.id)):
        items.append(Item({"team_member_agency": ctx.agency(member.agency_id),
                           "worker": ctx.users.get(member.user_id), "role": member.role_description,
                           "joined_on": member.joined_on, "left_on": member.left_on}))
    return Section("family", "Family membership and the team around the family", items)


def _referrals_section(ctx: _Context) -> Section:
    named = sa.select(ReferralPerson.referral_id).where(ReferralPerson.person_id == ctx.person.id)
    referrals = db.session.scalars(sa.select(Referral).where(sa.or_(Referral.id.in_(named),
                                                                    Referral.family_id == ctx.family_id))
                                   .order_by(Referral.received_on, Referral.id)).all()
    items = []
    for referral in referrals:
        entries = referral.people
        others = [e for e in entries if e.person_id != ctx.person.id]
        reasons = ctx.review(holding_agency_id=referral.referring_agency_id)
        if others:
            reasons.insert(0, "other_people")
        items.append(Item({"referral_reference": referral.reference, "received_on": referral.received_on,
                           "referring_agency": ctx.agency(referral.referring_agency_id),
                           "status": referral.status.label, "consent_position": referral.consent_position.label,
                           "reasons": [r.descriptor_code for r in referral.reasons],
                           "people_named": [e.full_name for e in entries]},
                          text=referral.summary, review=reasons))
    return Section("referrals", "Referrals", items)


def _needs_section(ctx: _Context) -> Section:
    items = [Item({"need_id": need.id, "headline": need.headline_code, "descriptor_id": need.descriptor_id,
                   "identified_on": need.identified_on, "held_by": ctx.agency(need.holding_agency_id)},
                  review=ctx.review(holding_agency_id=need.holding_agency_id, person_ids=people))
             for need, people in _naming_subject(ctx, Need, need_people, "need_id", Need.identified_on, Need.id)]
    return Section("needs", "Needs", items)


def _interventions_section(ctx: _Context) -> Section:
    items = [Item({"intervention_id": i.id, "occurred_on": i.occurred_on, "by_agency": ctx.agency(i.agency_id),
                   "duration_minutes": i.duration_minutes, "category": str(i.category),
                   "deleted": i.deleted_at_utc is not None},
                  **_unless_extra_sensitive(i, i.summary, ctx.review(holding_agency_id=i.holding_agency_id,
                                                                     person_ids=people)))
             for i, people in _naming_subject(ctx, Intervention, intervention_people, "intervention_id",
                                              Intervention.occurred_on, Intervention.id)]
    return Section("interventions", "Interventions", items)


def _notes_section(ctx: _Context) -> Section:
    items = [Item({"case_note_id": n.id, "written_at_utc": n.created_at_utc, "held_by": ctx.agency(n.holding_agency_id),
                   "category": str(n.category)},
                  **_unless_extra_sensitive(n, n.body, ctx.review(holding_agency_id=n.holding_agency_id,
                                                                  person_ids=people)))
             for n, people in _naming_subject(ctx, CaseNote, case_note_people, "case_note_id",
                                              CaseNote.created_at_utc, CaseNote.id)]
    return Section("case_notes", "Case notes", items)


def _assessment_and_plan_section(ctx: _Context) -> Section:
    items = []
    for a in db.session.scalars(sa.select(Assessment).where(Assessment.family_id == ctx.family_id)
                                .order_by(Assessment.id)):
        items.append(Item({"assessment_id": a.id, "completed_on": a.completed_on, "sections": a.sections,
                           "held_by": ctx.agency(a.holding_agency_id)},
                          text=a.narrative, review=ctx.review(holding_agency_id=a.holding_agency_id, person_ids=[])))
    for g in db.session.scalars(sa.select(PlanGoal).where(PlanGoal.family_id == ctx.family_id)
                                .order_by(PlanGoal.id)):
        items.append(Item({"plan_goal_id": g.id, "owner_agency": ctx.agency(g.owner_agency_id), "due_on": g.due_on,
                           "status": g.status.label},
                          text=g.action, review=ctx.review(holding_agency_id=g.holding_agency_id, person_ids=[])))
    return Section("assessment_and_plan", "Whole-family assessment and plan", items)


def _evidence_section(ctx: _Context) -> Section:
    items = [Item({"evidence_id": e.id, "descriptor_id": e.descriptor_id, "period_start": e.period_start,
                   "period_end": e.period_end, "value": e.value, "source": e.source,
                   "held_by": ctx.agency(e.holding_agency_id), "file_held": e.stored_file_id is not None},
                  text=e.note, review=ctx.review(holding_agency_id=e.holding_agency_id, person_ids=people))
             for e, people in _naming_subject(ctx, Evidence, evidence_people, "evidence_id",
                                              Evidence.period_end, Evidence.id)]
    return Section("evidence", "Evidence of outcomes", items)


def _consents_section(ctx: _Context) -> Section:
    items = []
    for c in db.session.scalars(sa.select(Consent).where(Consent.person_id == ctx.person.id)
                                .order_by(Consent.given_on, Consent.id)):
        items.append(Item({"consent_id": c.id, "kind": c.kind.label, "given_by": c.given_by.label,
                           "given_by_name": c.given_by_name, "given_on": c.given_on, "method": c.method.label,
                           "review_on": c.review_on, "withdrawn_on": c.withdrawn_on,
                           "scope": [f"{s.category} to {ctx.agency(s.recipient_agency_id) or s.recipient_kind} "
                                     f"for {s.purpose.label.lower()}" for s in c.scopes],
                           "signed_form_held": c.signed_form_id is not None}))
    return Section("consents", "Consents", items)


def _sharing_section(ctx: _Context) -> Section:
    items = []
    about = sa.select(SharingBasisPerson.basis_id).where(SharingBasisPerson.person_id == ctx.person.id)
    for b in db.session.scalars(sa.select(SharingBasis).where(SharingBasis.family_id == ctx.family_id,
                                                              SharingBasis.id.in_(about))
                                .order_by(SharingBasis.decided_on, SharingBasis.id)):
        items.append(Item({"decision": b.kind.label, "from_agency": ctx.agency(b.holding_agency_id),
                           "to_agency": ctx.agency(b.recipient_agency_id), "category": str(b.category),
                           "decided_on": b.decided_on, "review_on": b.review_on, "withdrawn_on": b.withdrawn_on},
                          text=b.reason, review=ctx.review(holding_agency_id=b.holding_agency_id,
                                                           person_ids=[p.person_id for p in b.people])))
    for r in db.session.scalars(sa.select(SharingRequest).where(SharingRequest.family_id == ctx.family_id)
                                .order_by(SharingRequest.id)):
        if r.people and ctx.person.id not in r.people:
            continue
        items.append(Item({"sharing_request_id": r.id, "asked_by_agency": ctx.agency(r.requesting_agency_id),
                           "holding_agency": ctx.agency(r.holding_agency_id), "category": str(r.category),
                           "status": r.status.label, "answer": r.answer},
                          text="\n\n".join(filter(None, (r.why, r.answer_reason))) or None,
                          review=ctx.review(holding_agency_id=r.holding_agency_id, person_ids=r.people)))
    for grant in db.session.scalars(sa.select(BreakGlassGrant).where(BreakGlassGrant.family_id == ctx.family_id)
                                    .order_by(BreakGlassGrant.starts_at_utc, BreakGlassGrant.id)):
        items.append(Item({"emergency_access_by": ctx.users.get(grant.user_id), "reason": grant.reason.label,
                           "from_utc": grant.starts_at_utc, "until_utc": grant.ended_at_utc or grant.expires_at_utc},
                          text=grant.justification, review=ctx.review(person_ids=[])))
    return Section("sharing", "Sharing decisions and emergency access", items)


def _meetings_section(ctx: _Context) -> Section:
    attended = set(db.session.scalars(sa.select(MeetingAttendee.meeting_id)
                                      .where(MeetingAttendee.person_id == ctx.person.id)))
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.family_id == ctx.family_id)
                                  .order_by(Meeting.held_on, Meeting.id)).all()
    people = _people_of(meeting_people, "meeting_id", [m.id for m in meetings])
    items = []
    for m in meetings:
        named = people.get(m.id, [])
        if named and ctx.person.id not in named and m.id not in attended:
            continue
        text = _labelled(("Agenda", m.agenda), ("Minutes", m.minutes), ("The family's views", m.family_views),
                         ("Decisions", m.decisions))
        items.append(Item({"meeting_id": m.id, "kind": m.kind.label, "held_on": m.held_on,
                           "attended": m.id in attended, "held_by": ctx.agency(m.holding_agency_id)},
                          **_unless_extra_sensitive(m, text, ctx.review(holding_agency_id=m.holding_agency_id,
                                                                        person_ids=named))))
    return Section("meetings", "Meetings", items)


def _messages_section(ctx: _Context) -> Section:
    # A discussion opened by an extra-sensitive message has an extra-sensitive subject too.
    subjects = {thread_id: EXTRA_SENSITIVE_WITHHELD if sensitive else subject
                for thread_id, subject, sensitive in db.session.execute(
                    sa.select(MessageThread.id, MessageThread.subject, MessageThread.extra_sensitive)
                    .where(MessageThread.family_id == ctx.family_id))}
    items = [Item({"message_id": m.id, "thread": subjects.get(m.thread_id), "sent_at_utc": m.created_at_utc,
                   "author": ctx.users.get(m.author_id), "agency": ctx.agency(m.holding_agency_id)},
                  **_unless_extra_sensitive(m, m.body, ctx.review(holding_agency_id=m.holding_agency_id,
                                                                  person_ids=people)))
             for m, people in _naming_subject(ctx, Message, message_people, "message_id",
                                              Message.created_at_utc, Message.id)]
    return Section("messages", "Secure messages", items)


def _documents_section(ctx: _Context) -> Section:
    items = [Item({"document_id": d.id, "title": EXTRA_SENSITIVE_WITHHELD if d.extra_sensitive else d.title,
                   "versions": d.current_version,
                   "held_by": ctx.agency(d.holding_agency_id), "uploaded_at_utc": d.created_at_utc,
                   "file_held": True},
                  **_unless_extra_sensitive(d, d.description, ctx.review(holding_agency_id=d.holding_agency_id,
                                                                         person_ids=people)))
             for d, people in _naming_subject(ctx, Document, document_people, "document_id",
                                              Document.created_at_utc, Document.id)]
    return Section("documents", "Shared documents (the files are held; attach them after review)", items)


def _handovers_section(ctx: _Context) -> Section:
    items = []
    for h in db.session.scalars(sa.select(HandoverNote).where(HandoverNote.family_id == ctx.family_id)
                                .order_by(HandoverNote.id)):
        text = _labelled(("Open actions", h.open_actions), ("Risks", h.risks), ("Next meeting", h.next_meeting),
                         ("Other notes", h.other_notes))
        items.append(Item({"handover_id": h.id, "written_at_utc": h.created_at_utc,
                           "from_worker": ctx.users.get(h.outgoing_user_id),
                           "to_worker": ctx.users.get(h.incoming_user_id)},
                          **_unless_extra_sensitive(h, text, ctx.review(holding_agency_id=h.holding_agency_id,
                                                                        person_ids=[]))))
    return Section("handovers", "Handovers between lead practitioners", items)


def _claims_section(ctx: _Context) -> Section:
    rows = db.session.execute(
        sa.select(Claim.id, Claim.claim_type, Claim.status, Claim.programme, ClaimRound.month, ClaimSnapshot.sha256)
        .join(ClaimRound, ClaimRound.id == Claim.round_id).outerjoin(ClaimSnapshot, ClaimSnapshot.claim_id == Claim.id)
        .where(Claim.family_id == ctx.family_id).order_by(ClaimRound.month, Claim.id)).all()
    items = [Item({"claim_id": r.id, "programme": r.programme, "claim_type": r.claim_type.label,
                   "round": r.month.strftime("%Y-%m"), "status": r.status.label, "snapshot_sha256": r.sha256})
             for r in rows]
    return Section("claims", "Payment-by-results claims about the family", items)


def _access_log_section(ctx: _Context) -> Section:
    rows = db.session.execute(
        sa.select(AuditEvent.seq, AuditEvent.occurred_at_utc, AuditEvent.action, AuditEvent.actor_user_id,
                  AuditEvent.actor_agency_id, AuditEvent.purpose, AuditEvent.basis, AuditEvent.outcome,
                  AuditEvent.person_id)
        .where(sa.or_(AuditEvent.person_id == ctx.person.id, AuditEvent.family_id == ctx.family_id))
        .order_by(AuditEvent.seq).limit(ACCESS_LOG_LIMIT)).all()
    items = [Item({"seq": r.seq, "at_utc": r.occurred_at_utc, "action": r.action,
                   "by": ctx.users.get(r.actor_user_id) or ("the system" if r.actor_user_id is None else None),
                   "agency": ctx.agency(r.actor_agency_id), "purpose": r.purpose, "basis": r.basis,
                   "outcome": r.outcome, "about": "this person" if r.person_id == ctx.person.id else "the family"})
             for r in rows]
    return Section("access_log", "Who accessed the person's and the family's records", items)


SECTIONS = (_person_section, _family_section, _referrals_section, _needs_section, _interventions_section,
            _notes_section, _assessment_and_plan_section, _evidence_section, _consents_section, _sharing_section,
            _meetings_section, _messages_section, _documents_section, _handovers_section, _claims_section,
            _access_log_section)


def gather(sar: SubjectAccessRequest, made_by) -> AccessExport:
    ctx = _Context(sar.person)
    return AccessExport(sar, sar.person, db.session.get(Family, sar.family_id),
                        [build(ctx) for build in SECTIONS], utcnow(), made_by.name)


def json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
