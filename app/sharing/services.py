"""State changes of the sharing records. Each is audited in the same transaction; services flush,
never commit. Rules that would let a user widen what they may see are checked here again, whatever
the page allowed: only the holding agency can record a basis for its information, a duty decision
covers only children and only once the duty is in force, and only permitted users can break glass."""
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app import audit
from app.auth.models import Agency
from app.common.notifications import notify, notify_audience
from app.common.time import today_london, utcnow
from app.extensions import db
from app.sharing.models import (
    Agreement,
    AgreementFlow,
    AlertKind,
    AlertOutcome,
    BasisKindCode,
    BreakGlassGrant,
    BreakGlassReason,
    Consent,
    ConsentKind,
    ConsentMethod,
    ConsentScope,
    GivenBy,
    IgAlert,
    RequestStatus,
    SharingBasis,
    SharingBasisPerson,
    SharingRequest,
)
from app.sharing.queries import break_glass_hours, duty_to_share_in_force

DEFAULT_REVIEW_MONTHS = 6
TEXT_LIMIT = 2000


class SharingError(Exception):
    """A sharing change the rules refuse; `field` names the form field to show it on."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


class NotTheHoldingAgency(SharingError):
    pass


class DutyNotInForce(SharingError):
    pass


class BreakGlassNotAllowed(SharingError):
    pass


def six_months_from(day: date) -> date:
    month = day.month - 1 + DEFAULT_REVIEW_MONTHS
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _role(user) -> str:
    return getattr(user.role, "value", user.role)


# --- consent -------------------------------------------------------------------------------------------

def record_consent(family, *, person_ids, given_by, given_on, method, scope, actor, given_by_name=None,
                   child_competent=False, witness_name=None, signed_form=None, review_on=None,
                   kind=ConsentKind.SHARING) -> list[Consent]:
    """One consent per person, each with the same scope: (category, agency id or None, kind or None,
    purpose) rows. Explicit fields only; the family's people only."""
    members = {p.id for p in family.members}
    if not person_ids or any(pid not in members for pid in person_ids):
        raise SharingError("Select who gave their agreement", "person_ids")
    if kind == ConsentKind.SHARING and not scope:
        raise SharingError("Select what may be shared, with whom and for what", "categories")
    if given_on > today_london():
        raise SharingError("The date agreement was given must be today or in the past", "given_on")
    if review_on is not None and review_on < given_on:
        raise SharingError("The review date must be after the date agreement was given", "review_on")
    method = ConsentMethod(method)
    if method == ConsentMethod.VERBAL and not (witness_name or "").strip():
        raise SharingError("Enter the name of the witness to verbal agreement", "witness_name")
    given_by = GivenBy(given_by)
    if given_by == GivenBy.PARENT_CARER and not (given_by_name or "").strip():
        raise SharingError("Enter the name of the parent or carer who agreed", "given_by_name")
    consents = []
    for person_id in sorted(person_ids):
        consent = Consent(family_id=family.id, person_id=person_id, kind=kind, given_by=given_by,
                          given_by_name=(given_by_name or "").strip() or None, child_competent=bool(child_competent),
                          given_on=given_on, method=method, witness_name=(witness_name or "").strip() or None,
                          signed_form_id=signed_form.id if signed_form is not None else None, review_on=review_on,
                          recorded_by_id=actor.id)
        consent.scopes = [ConsentScope(category=c, recipient_agency_id=a, recipient_kind=k, purpose=p)
                          for c, a, k, p in sorted(set(scope), key=str)]
        db.session.add(consent)
        consents.append(consent)
    db.session.flush()
    for consent in consents:
        audit.record("ConsentRecorded", actor=actor, object_type="consent", object_id=consent.id,
                     family_id=family.id, person_id=consent.person_id, basis="consent", kind=consent.kind.value,
                     method=consent.method.value, scope_rows=len(consent.scopes))
    return consents


def withdraw_consent(consent: Consent, *, actor, on: date | None = None) -> Consent:
    """Effective at once: the next request reads the withdrawal. Withdrawing twice changes nothing."""
    if consent.withdrawn_on is not None:
        return consent
    consent.withdrawn_on = on or today_london()
    consent.withdrawn_by_id = actor.id
    consent.withdrawn_at_utc = utcnow()
    db.session.flush()
    audit.record("ConsentWithdrawn", actor=actor, object_type="consent", object_id=consent.id,
                 family_id=consent.family_id, person_id=consent.person_id, basis="consent")
    notify_audience("family_team", "consent_withdrawn", ("consent", consent.id), "Consent was withdrawn for a family "
                    "you work with", dedupe_key=f"consent_withdrawn:{consent.id}",
                    url=f"/families/{consent.family_id}/consent", family_id=consent.family_id)
    return consent


# --- agreements ----------------------------------------------------------------------------------------

def create_agreement(*, name, starts_on, review_on, flows, actor) -> Agreement:
    name = (name or "").strip()
    if not name:
        raise SharingError("Enter the agreement's name", "name")
    if review_on < starts_on:
        raise SharingError("The review date must be on or after the start date", "review_on")
    if not flows:
        raise SharingError("Select at least one kind of agency, category and purpose", "from_kinds")
    agreement = Agreement(name=name[:120], starts_on=starts_on, review_on=review_on, created_by_id=actor.id)
    agreement.flows = [AgreementFlow(from_kind=f, to_kind=t, category=c, purpose=p)
                       for f, t, c, p in sorted(set(flows))]
    db.session.add(agreement)
    db.session.flush()
    audit.record("SharingAgreementCreated", actor=actor, object_type="sharing_agreement", object_id=agreement.id,
                 flows=len(agreement.flows))
    return agreement


def end_agreement(agreement: Agreement, *, actor, on: date | None = None) -> Agreement:
    if agreement.ended_on is None:
        agreement.ended_on = (on or today_london()) - timedelta(days=1)  # denies from today
        db.session.flush()
        audit.record("SharingAgreementEnded", actor=actor, object_type="sharing_agreement", object_id=agreement.id)
    return agreement


# --- bases, requests and their answers --------------------------------------------------------------------

def may_decide_for(user, holding_agency_id: int, family) -> bool:
    """Who may record a basis for the holding agency's information: its practitioners and designated
    leads; for the council's own records, the lead practitioner or a programme manager."""
    if user.agency_id != holding_agency_id:
        return False
    role = _role(user)
    if role == "practitioner" or user.is_designated_lead:
        return True
    return family.lead_practitioner_id == user.id or role == "programme_manager"


def record_basis(family, *, kind, holding_agency_id, recipient_agency_id, category, person_ids, reason, actor,
                 decided_on=None, review_on=None, request=None) -> SharingBasis:
    kind = BasisKindCode(kind)
    if not may_decide_for(actor, holding_agency_id, family):
        raise NotTheHoldingAgency("Only the agency that holds the information can decide to share it")
    reason = (reason or "").strip()
    if not reason:
        raise SharingError("Enter the reason for the decision", "reason")
    if len(reason) > TEXT_LIMIT:
        raise SharingError(f"The reason must be {TEXT_LIMIT:,} characters or fewer", "reason")
    members = {p.id: p for p in family.members}
    if not person_ids or any(pid not in members for pid in person_ids):
        raise SharingError("Select the people the information is about", "person_ids")
    if kind == BasisKindCode.DUTY_TO_SHARE:
        if not duty_to_share_in_force():
            raise DutyNotInForce("The duty to share is not in force in this council yet")
        if not all(members[pid].is_child for pid in person_ids):
            raise SharingError("The duty to share covers information about a child only", "person_ids")
    if not recipient_agency_id or db.session.get(Agency, recipient_agency_id) is None:
        raise SharingError("Select the agency to share with", "recipient_agency_id")
    if recipient_agency_id == holding_agency_id:
        raise SharingError("An agency already sees its own information", "recipient_agency_id")
    decided_on = decided_on or today_london()
    review_on = review_on or six_months_from(decided_on)
    if review_on < decided_on:
        raise SharingError("The review date must be after the decision", "review_on")
    basis = SharingBasis(kind=kind, family_id=family.id, holding_agency_id=holding_agency_id,
                         recipient_agency_id=recipient_agency_id, category=category, decided_by_id=actor.id,
                         reason=reason, decided_on=decided_on, review_on=review_on,
                         request_id=request.id if request is not None else None)
    basis.people = [SharingBasisPerson(person_id=pid) for pid in sorted(set(person_ids))]
    db.session.add(basis)
    db.session.flush()
    audit.record("SharingBasisRecorded", actor=actor, object_type="sharing_basis", object_id=basis.id,
                 family_id=family.id, basis=kind.value, category=str(category),
                 holding_agency=holding_agency_id, recipient_agency=recipient_agency_id, people=len(basis.people))
    if kind == BasisKindCode.SAFEGUARDING:
        _raise_alert(AlertKind.SAFEGUARDING, family.id, actor, basis_id=basis.id)
    return basis


def withdraw_basis(basis: SharingBasis, *, actor) -> SharingBasis:
    if basis.withdrawn_on is None:
        basis.withdrawn_on, basis.withdrawn_by_id = today_london(), actor.id
        db.session.flush()
        audit.record("SharingBasisWithdrawn", actor=actor, object_type="sharing_basis", object_id=basis.id,
                     family_id=basis.family_id, basis=basis.kind.value)
    return basis


def request_sharing(family, *, holding_agency_id, category, person_ids, why, actor) -> SharingRequest:
    """Ask the holding agency; asking again while a request is open returns the open one."""
    people = ",".join(str(p) for p in sorted(set(person_ids or ())))
    if holding_agency_id == actor.agency_id:
        raise SharingError("Your agency already sees its own information")
    open_one = db.session.scalar(sa.select(SharingRequest).where(
        SharingRequest.family_id == family.id, SharingRequest.requesting_agency_id == actor.agency_id,
        SharingRequest.holding_agency_id == holding_agency_id, SharingRequest.category == category,
        SharingRequest.person_ids == people, SharingRequest.status == RequestStatus.OPEN).limit(1))
    if open_one is not None:
        return open_one
    why = (why or "").strip()
    if len(why) > TEXT_LIMIT:
        raise SharingError(f"Why you need it must be {TEXT_LIMIT:,} characters or fewer", "why")
    req = SharingRequest(family_id=family.id, requested_by_id=actor.id, requesting_agency_id=actor.agency_id,
                         holding_agency_id=holding_agency_id, category=category, person_ids=people, why=why or None,
                         status=RequestStatus.OPEN)
    db.session.add(req)
    db.session.flush()
    audit.record("SharingRequested", actor=actor, object_type="sharing_request", object_id=req.id,
                 family_id=family.id, category=str(category), holding_agency=holding_agency_id)
    return req


ANSWERS = {
    "share": ("Share it (the agency has a basis to share, for example agreement now obtained)",
              BasisKindCode.ANSWERED_REQUEST),
    "duty_to_share": ("Share under the duty to share about a child", BasisKindCode.DUTY_TO_SHARE),
    "safeguarding": ("Share without agreement: safeguarding", BasisKindCode.SAFEGUARDING),
    "detrimental": ("Not shared: more detrimental to the child", None),
    "refused": ("Not shared", None),
}


def answer_request(req: SharingRequest, family, *, answer, reason, actor, review_on=None) -> SharingRequest:
    """The holding agency's answer: a real basis the rule then reads, or a refusal with its reason."""
    if req.status != RequestStatus.OPEN:
        return req
    if answer not in ANSWERS:
        raise SharingError("Select your answer", "answer")
    if not may_decide_for(actor, req.holding_agency_id, family):
        raise NotTheHoldingAgency("Only the agency that holds the information can answer")
    reason = (reason or "").strip()
    if not reason:
        raise SharingError("Enter the reason for your answer", "reason")
    kind = ANSWERS[answer][1]
    if kind is not None:
        people = req.people or [p.id for p in family.members]
        record_basis(family, kind=kind, holding_agency_id=req.holding_agency_id,
                     recipient_agency_id=req.requesting_agency_id, category=req.category, person_ids=people,
                     reason=reason, actor=actor, review_on=review_on, request=req)
    req.status = RequestStatus.SHARED if kind is not None else RequestStatus.REFUSED
    req.answer, req.answer_reason = answer, reason
    req.answered_by_id, req.answered_at_utc = actor.id, utcnow()
    db.session.flush()
    audit.record("SharingRequestAnswered", actor=actor, object_type="sharing_request", object_id=req.id,
                 family_id=req.family_id, basis=kind.value if kind else None, outcome=req.status.value, answer=answer)
    notify(req.requested_by_id, "sharing_request_answered", ("sharing_request", req.id), f"Your request to share about "
           f"family {family.reference} has been answered", dedupe_key=f"sharing_request_answered:{req.id}",
           url=f"/sharing/requests/{req.id}", family_id=req.family_id)
    return req


# --- break-glass and IG alerts ---------------------------------------------------------------------------

def may_break_glass(user) -> bool:
    roles = current_app.config["BREAK_GLASS_ROLES"]
    return bool(user.active) and (_role(user) in roles or (user.is_designated_lead and _role(user) == "practitioner"))


def alert_days() -> int:
    return int(current_app.config["IG_ALERT_REVIEW_DAYS"])


def _raise_alert(kind, family_id, user, *, grant_id=None, basis_id=None) -> IgAlert:
    alert = IgAlert(kind=kind, family_id=family_id, grant_id=grant_id, basis_id=basis_id, raised_for_id=user.id,
                    due_on=today_london() + timedelta(days=alert_days()))
    db.session.add(alert)
    db.session.flush()
    audit.record("IgAlertRaised", actor=user, object_type="ig_alert", object_id=alert.id, family_id=family_id,
                 kind=kind.value)
    return alert


def open_break_glass(family, *, reason, justification, actor, now: datetime | None = None) -> BreakGlassGrant:
    if not may_break_glass(actor):
        raise BreakGlassNotAllowed("You do not have permission to use emergency access")
    if reason not in {r.value for r in BreakGlassReason}:
        raise SharingError("Select the reason you need emergency access", "reason")
    justification = (justification or "").strip()
    if len(justification) < 20:
        raise SharingError("Explain why you need emergency access in at least 20 characters", "justification")
    if len(justification) > TEXT_LIMIT:
        raise SharingError(f"The explanation must be {TEXT_LIMIT:,} characters or fewer", "justification")
    now = now or utcnow()
    grant = BreakGlassGrant(user_id=actor.id, family_id=family.id, reason=reason, justification=justification,
                            starts_at_utc=now, expires_at_utc=now + timedelta(hours=break_glass_hours()))
    db.session.add(grant)
    db.session.flush()
    audit.record("BreakGlassOpened", actor=actor, object_type="break_glass_grant", object_id=grant.id,
                 family_id=family.id, basis="break_glass", reason=reason)
    _raise_alert(AlertKind.BREAK_GLASS, family.id, actor, grant_id=grant.id)
    return grant


def end_break_glass(grant: BreakGlassGrant, *, actor) -> BreakGlassGrant:
    if grant.ended_at_utc is None:
        grant.ended_at_utc = utcnow()
        db.session.flush()
        audit.record("BreakGlassEnded", actor=actor, object_type="break_glass_grant", object_id=grant.id,
                     family_id=grant.family_id)
    return grant


def review_alert(alert: IgAlert, *, outcome, note, actor) -> IgAlert:
    if alert.reviewed_at_utc is not None:
        return alert
    if outcome not in {o.value for o in AlertOutcome}:
        raise SharingError("Select whether the access was justified", "outcome")
    note = (note or "").strip()
    if not note:
        raise SharingError("Enter a note about your review", "note")
    if len(note) > TEXT_LIMIT:
        raise SharingError(f"The note must be {TEXT_LIMIT:,} characters or fewer", "note")
    alert.outcome, alert.note = AlertOutcome(outcome), note
    alert.reviewed_at_utc, alert.reviewed_by_id = utcnow(), actor.id
    db.session.flush()
    audit.record("IgAlertReviewed", actor=actor, object_type="ig_alert", object_id=alert.id, family_id=alert.family_id,
                 purpose="information_governance", outcome_code=outcome)
    return alert
