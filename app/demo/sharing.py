"""Demo sharing records: agreements (one in force, one expired), consents in every state (given,
partial, withdrawn, expired), a duty-to-share decision each way, a safeguarding basis, an open
request, and a break-glass use with its alert, so the demo shows withheld and shared information
side by side. Rows are built directly (the services' date and permission checks are for real use)."""
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import AgencyKind
from app.cases.models import CaseNote, Family, TeamMember
from app.extensions import db
from app.sharing.models import (
    Agreement,
    AgreementFlow,
    AlertKind,
    BasisKindCode,
    BreakGlassGrant,
    Consent,
    ConsentScope,
    IgAlert,
    RequestStatus,
    SharingBasis,
    SharingBasisPerson,
    SharingRequest,
)
from app.teamwork.models import Message, MessageThread

K = AgencyKind
# What each kind of agency may pass to the council's early help team, and back (case notes).
FLOWS_TO_COUNCIL = {
    K.POLICE: ("crime", "domestic_abuse"), K.HEALTH: ("health", "mental_health", "substance_use"),
    K.SCHOOL: ("education",), K.HOUSING: ("housing",), K.EMPLOYMENT: ("employment", "finance"),
    K.SOCIAL_CARE: ("child_safety",), K.DOMESTIC_ABUSE: ("domestic_abuse",), K.VOLUNTARY: ("finance",),
}
CONSENT_CATEGORIES = ("crime", "health", "mental_health", "education", "housing", "employment", "finance",
                      "child_safety", "case_note")


def _consent(family, person, ctx, given_on, *, review_on=None, withdrawn_on=None, categories=CONSENT_CATEGORIES):
    kw = ctx.users["keyworker@demo.test"]
    consent = Consent(family_id=family.id, person_id=person.id, given_by="person" if not person.is_child
                      else "parent_carer", given_by_name=None if not person.is_child else "Parent",
                      given_on=given_on, method="verbal", witness_name="Jo Bright (family support worker)",
                      review_on=review_on, recorded_by_id=kw.id, withdrawn_on=withdrawn_on,
                      withdrawn_by_id=kw.id if withdrawn_on else None)
    consent.scopes = [ConsentScope(category=c, recipient_kind=kind, purpose=p)
                      for c in categories for kind in ("early_help", "police", "health", "school")
                      for p in ("case_coordination", "outcome_evidence")]
    db.session.add(consent)


def council_agreement(name: str, today, created_by_id: int) -> Agreement:
    """The council's multi-agency agreement in force: partners to early help, and case notes back."""
    agreement = Agreement(name=name, starts_on=today - timedelta(days=400), review_on=today + timedelta(days=330),
                          created_by_id=created_by_id)
    flows = {(kind.value, "early_help", c, p) for kind, cats in FLOWS_TO_COUNCIL.items() for c in cats
             for p in ("case_coordination", "outcome_evidence")}
    flows |= {("early_help", kind.value, "case_note", "case_coordination") for kind in FLOWS_TO_COUNCIL}
    flows |= {("health", "police", "health", "case_coordination"), ("police", "school", "crime", "case_coordination")}
    agreement.flows = [AgreementFlow(from_kind=f, to_kind=t, category=c, purpose=p) for f, t, c, p in sorted(flows)]
    return agreement


def seed_sharing(ctx) -> None:
    today = ctx.today
    admin = ctx.users["admin@demo.test"]
    agreement = council_agreement("Demo County multi-agency information sharing agreement", today, admin.id)
    expired = Agreement(name="Youth justice protocol 2023 (expired)", starts_on=today - timedelta(days=900),
                        review_on=today - timedelta(days=60), created_by_id=admin.id)
    expired.flows = [AgreementFlow(from_kind="youth_justice", to_kind="early_help", category="crime",
                                   purpose="case_coordination")]
    db.session.add_all([agreement, expired])

    kw = ctx.users["keyworker@demo.test"]
    police = ctx.users["police@demo.test"]
    police_agency = ctx.agencies[K.POLICE]
    families = db.session.scalars(
        select(Family).where(Family.lead_practitioner_id == kw.id, Family.members.any())
        .options(selectinload(Family.members)).order_by(Family.id)).all()
    with_police = set(db.session.scalars(select(TeamMember.family_id).where(
        TeamMember.agency_id == police_agency.id)))
    families = sorted(families, key=lambda f: (f.id not in with_police, f.id))[:6]
    given = today - timedelta(days=120)
    states = ["given", "partial", "withdrawn", "expired", "given", "none"]
    for family, state in zip(families, states, strict=False):
        members = sorted(family.members, key=lambda p: p.id)
        if state == "given":
            for person in members:
                _consent(family, person, ctx, given, review_on=today + timedelta(days=240))
        elif state == "partial":
            _consent(family, members[0], ctx, given, review_on=today + timedelta(days=240))
        elif state == "withdrawn":
            for person in members:
                _consent(family, person, ctx, given, withdrawn_on=today - timedelta(days=7))
        elif state == "expired":
            for person in members:
                _consent(family, person, ctx, given - timedelta(days=400), review_on=today - timedelta(days=20))
    db.session.flush()

    target = families[1] if len(families) > 1 else (families[0] if families else None)
    if target is None:
        return
    children = [p for p in sorted(target.members, key=lambda p: p.id) if p.is_child] or sorted(
        target.members, key=lambda p: p.id)[:1]
    council = ctx.agencies[K.EARLY_HELP]

    def basis(kind, reason, people, category="crime", request=None):
        b = SharingBasis(kind=kind, family_id=target.id, holding_agency_id=police_agency.id,
                         recipient_agency_id=council.id, category=category, decided_by_id=police.id, reason=reason,
                         decided_on=today - timedelta(days=10), review_on=today + timedelta(days=172),
                         request_id=request.id if request else None)
        b.people = [SharingBasisPerson(person_id=p.id) for p in people]
        db.session.add(b)
        db.session.flush()
        return b

    safeguarding = basis(BasisKindCode.SAFEGUARDING, "Child at risk of significant harm: sharing the incident "
                         "reports now; seeking agreement would increase the risk.", children[:1])
    db.session.add(IgAlert(kind=AlertKind.SAFEGUARDING, family_id=target.id, basis_id=safeguarding.id,
                           raised_for_id=police.id, due_on=today - timedelta(days=5)))
    # Police intelligence about the same child, marked extra-sensitive: the lead practitioner reads it under the
    # safeguarding basis; the programme manager, break-glass and every printed document do not.
    db.session.add(CaseNote(family_id=target.id, holding_agency_id=police_agency.id, category="crime",
                            body="Intelligence (graded, not for onward sharing): an associate of the household is "
                                 "known to carry a weapon. Visit in pairs.",
                            recorded_by_id=police.id, extra_sensitive=True, people=children[:1]))
    # And a discussion the police opened about it, marked the same way (its subject too).
    posted = datetime.combine(today - timedelta(days=9), time(10), UTC)
    thread = MessageThread(family_id=target.id, subject="Visiting safely: intelligence received",
                           holding_agency_id=police_agency.id, category="crime", extra_sensitive=True,
                           started_by_id=police.id, created_at_utc=posted, last_message_at_utc=posted)
    db.session.add(thread)
    db.session.flush()
    db.session.add(Message(thread_id=thread.id, family_id=target.id, author_id=police.id,
                           holding_agency_id=police_agency.id, category="crime", extra_sensitive=True,
                           body="A neighbour's statement (not for onward sharing) places the associate at the "
                                "address most evenings. Please book daytime visits and visit in pairs.",
                           people=children[:1], created_at_utc=posted))
    shared = SharingRequest(family_id=target.id, requested_by_id=kw.id, requesting_agency_id=council.id,
                            holding_agency_id=police_agency.id, category="domestic_abuse",
                            person_ids=",".join(str(p.id) for p in children[:1]), why="Planning the safety plan",
                            status=RequestStatus.SHARED, answered_by_id=police.id, answer="duty_to_share",
                            answer_reason="Relevant to the child's safety; sharing is not detrimental.",
                            answered_at_utc=datetime.combine(today - timedelta(days=3), time(11), UTC))
    refused = SharingRequest(family_id=target.id, requested_by_id=kw.id, requesting_agency_id=council.id,
                             holding_agency_id=police_agency.id, category="crime",
                             person_ids=",".join(str(p.id) for p in children[-1:]), why="Background",
                             status=RequestStatus.REFUSED, answered_by_id=police.id, answer="detrimental",
                             answer_reason="An investigation is under way; disclosure now would be more detrimental "
                                           "to the child.",
                             answered_at_utc=datetime.combine(today - timedelta(days=2), time(15), UTC))
    waiting = SharingRequest(family_id=target.id, requested_by_id=kw.id, requesting_agency_id=council.id,
                             holding_agency_id=police_agency.id, category="crime",
                             person_ids=",".join(str(p.id) for p in sorted(target.members, key=lambda p: p.id)[:1]),
                             why="To plan a joint visit", status=RequestStatus.OPEN)
    db.session.add_all([shared, refused, waiting])
    db.session.flush()
    basis(BasisKindCode.DUTY_TO_SHARE, shared.answer_reason, children[:1], "domestic_abuse", shared)

    manager = ctx.users["manager@demo.test"]
    other = db.session.scalar(select(Family).where(Family.lead_practitioner_id != kw.id).order_by(Family.id).limit(1))
    if other is not None:
        start = datetime.combine(today - timedelta(days=1), time(22, 10), UTC)
        grant = BreakGlassGrant(user_id=manager.id, family_id=other.id, reason="out_of_hours",
                                justification="Police called out of hours about the children; the lead practitioner "
                                              "was not reachable.",
                                starts_at_utc=start, expires_at_utc=start + timedelta(hours=4))
        db.session.add(grant)
        db.session.flush()
        db.session.add(IgAlert(kind=AlertKind.BREAK_GLASS, family_id=other.id, grant_id=grant.id,
                               raised_for_id=manager.id, due_on=today + timedelta(days=4)))
    db.session.flush()
    ctx.counts["consents"] = db.session.query(Consent).count()
    ctx.counts["sharing agreements"] = 2
