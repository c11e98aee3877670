"""Changes to referrals: drafts, sending, and triage. Services flush; the request boundary (or the
command that called them) commits. Every change is audited with ids and codes only."""
import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import audit
from app.cases import identifiers
from app.cases import services as case_services
from app.cases.models import Family, Need, Person
from app.common.notifications import notify_audience
from app.common.time import today_london, utcnow
from app.extensions import db
from app.framework import queries as framework_queries
from app.framework.models import Descriptor
from app.framework.services import version_in_force
from app.referrals.models import (
    REASON_TEXT_MAX,
    REFERENCE_PREFIX,
    SUMMARY_MAX,
    ConsentPosition,
    DeclineReason,
    Referral,
    ReferralDraft,
    ReferralPerson,
    ReferralReason,
    ReferralSource,
    ReferralStatus,
    WithoutAgreementBasis,
)

MAX_PEOPLE = 15


class ReferralError(ValueError):
    """A change to a referral that the rules refuse; the message is fit to show the user."""


class ReferralInvalid(ReferralError):
    """`errors` maps a field ("postcode", "people.0.nhs_number", "reasons") to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class ReferralAlreadyTriaged(ReferralError):
    def __init__(self, referral):
        super().__init__(f"Referral {referral.reference} has already been triaged ({referral.status.label.lower()})")


class NoFrameworkInForce(ReferralError):
    pass


class InvalidTriage(ReferralError):
    def __init__(self, message, field_name=None):
        super().__init__(message)
        self.field = field_name


# --- Checking what a referral says (shared by the form and the import) --------------------------------

@dataclass
class CleanReferral:
    address: dict
    no_fixed_address: bool
    people: list[dict]
    reasons: list[tuple[str, str]]  # (headline code, descriptor code)
    summary: str
    consent_position: ConsentPosition
    without_agreement_basis: WithoutAgreementBasis | None
    without_agreement_reason: str | None
    framework_version_id: int
    warnings: list[str] = field(default_factory=list)


def _text(value) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def reason_choices(on: date | None = None) -> tuple[object, list]:
    """The framework version in force and its headlines with active descriptors, for the form."""
    version = version_in_force(on or today_london())
    if version is None:
        raise NoFrameworkInForce("No outcome framework is in force today: ask an administrator to load one")
    return version, framework_queries.headlines_with_descriptors(version, active_only=True)


def clean_referral(data: dict, *, today: date | None = None) -> CleanReferral:
    """Check everything a referral says; raises ReferralInvalid listing every problem.

    `data` holds the address fields, `no_fixed_address`, `people` (dicts of add_person's fields, with
    `date_of_birth` a date or None), `reasons` (descriptor codes), `summary`, `consent_position`,
    `without_agreement_basis` and `without_agreement_reason`."""
    today = today or today_london()
    errors: dict[str, str] = {}
    version, headlines = reason_choices(today)

    no_fixed_address = bool(data.get("no_fixed_address"))
    address = {name: _text(data.get(name)) for name in ("address_line_1", "address_line_2", "town", "postcode")}
    for name, limit, words in (("address_line_1", 120, "Address line 1"), ("address_line_2", 120, "Address line 2"),
                               ("town", 80, "Town or city")):
        if address[name] and len(address[name]) > limit:
            errors[name] = f"{words} must be {limit} characters or fewer"
    if address["postcode"]:
        try:
            address["postcode"] = identifiers.validate_postcode(address["postcode"])
        except identifiers.InvalidIdentifier as exc:
            errors["postcode"] = exc.message
    if not no_fixed_address:
        if not address["address_line_1"] and "address_line_1" not in errors:
            errors["address_line_1"] = "Enter the first line of the family's address"
        if not address["postcode"] and "postcode" not in errors:
            errors["postcode"] = "Enter the family's postcode"

    people = []
    raw_people = data.get("people") or []
    if not raw_people:
        errors["people"] = "Add at least one person"
    elif len(raw_people) > MAX_PEOPLE:
        errors["people"] = f"A referral can include up to {MAX_PEOPLE} people"
    for index, raw in enumerate(raw_people[:MAX_PEOPLE]):
        fields = {name: raw.get(name) for name in ("given_name", "family_name", "other_names", "date_of_birth",
                                                   "gender", "relationship_to_family", "nhs_number", "upn",
                                                   "ni_number", "pnc_number")}
        try:
            people.append(case_services.clean_person_fields(fields, today=today))
        except case_services.InvalidPersonDetails as exc:
            for name, message in exc.errors.items():
                errors[f"people.{index}.{name}"] = message

    by_code = {d.code: h.code for h in headlines for d in h.descriptors}
    reasons, unknown = [], []
    for code in data.get("reasons") or []:
        code = str(code).strip()
        if code in by_code:
            if (by_code[code], code) not in reasons:
                reasons.append((by_code[code], code))
        elif code:
            unknown.append(code)
    if unknown:
        errors["reasons"] = f"Unknown reason code: {', '.join(sorted(unknown))}. Use the codes of the outcome framework"
    elif not reasons:
        errors["reasons"] = "Select at least one reason for the referral"

    summary = _text(data.get("summary"))
    if not summary:
        errors["summary"] = "Enter a summary of the family's situation"
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = f"Summary must be {SUMMARY_MAX:,} characters or fewer"

    basis, reason = None, None
    try:
        position = ConsentPosition(data.get("consent_position"))
    except ValueError:
        position = None
        errors["consent_position"] = "Select whether the family agreed to the referral"
    if position == ConsentPosition.WITHOUT_AGREEMENT:
        try:
            basis = WithoutAgreementBasis(data.get("without_agreement_basis"))
        except ValueError:
            errors["without_agreement_basis"] = "Select the basis for referring without the family's agreement"
        reason = _text(data.get("without_agreement_reason"))
        if not reason:
            errors["without_agreement_reason"] = "Explain why you are referring without the family's agreement"
        elif len(reason) > REASON_TEXT_MAX:
            errors["without_agreement_reason"] = f"Explanation must be {REASON_TEXT_MAX:,} characters or fewer"
    if errors:
        raise ReferralInvalid(errors)
    return CleanReferral(address, no_fixed_address, people, reasons, summary, position, basis, reason, version.id)


# --- Sending ------------------------------------------------------------------------------------------

def _assign_reference(referral: Referral) -> None:
    referral.reference = f"{REFERENCE_PREFIX}{referral.id:06d}"


def create_referral(clean: CleanReferral, *, referrer, agency=None, source=ReferralSource.FORM,
                    submission_token=None, import_batch=None, received_on=None) -> Referral:
    agency_id = agency.id if agency is not None else referrer.agency_id
    referral = Referral(
        status=ReferralStatus.RECEIVED, source=source, referrer_user_id=referrer.id, referring_agency_id=agency_id,
        received_on=received_on or today_london(), no_fixed_address=clean.no_fixed_address, summary=clean.summary,
        consent_position=clean.consent_position, without_agreement_basis=clean.without_agreement_basis,
        without_agreement_reason=clean.without_agreement_reason, framework_version_id=clean.framework_version_id,
        submission_token=submission_token, import_batch_id=import_batch.id if import_batch else None,
        **clean.address,
    )
    referral.people = [
        ReferralPerson(position=i, **{k: v for k, v in person.items() if k in _REFERRAL_PERSON_FIELDS})
        for i, person in enumerate(clean.people)
    ]
    referral.reasons = [ReferralReason(headline_code=h, descriptor_code=d) for h, d in clean.reasons]
    db.session.add(referral)
    db.session.flush()
    _assign_reference(referral)
    db.session.flush()
    audit.record("ReferralReceived", actor=referrer, object_type="referral", object_id=referral.id,
                 source=source.value, agency_id=agency_id, people=len(clean.people),
                 reasons=[d for _, d in clean.reasons], consent=clean.consent_position.value)
    notify_audience("triage", "referral_received", ("referral", referral.id), f"New referral {referral.reference} to "
                    "triage", dedupe_key=f"referral_received:{referral.id}", url=f"/referrals/{referral.id}")
    return referral


_REFERRAL_PERSON_FIELDS = frozenset({"given_name", "family_name", "other_names", "date_of_birth", "gender",
                                     "relationship_to_family", "nhs_number", "upn", "ni_number", "pnc_number"})


def referral_by_token(user, token: str) -> Referral | None:
    if not token:
        return None
    return db.session.scalar(select(Referral).where(Referral.submission_token == token,
                                                    Referral.referrer_user_id == user.id))


def send_referral(user, token: str, data: dict) -> Referral:
    """Send the user's draft as a referral. The same token sent twice gives back the first referral."""
    existing = referral_by_token(user, token)
    if existing is not None:
        return existing
    clean = clean_referral(data)
    referral = create_referral(clean, referrer=user, submission_token=token)
    discard_draft(user)
    return referral


# --- Drafts -------------------------------------------------------------------------------------------

def get_draft(user, *, create=False) -> ReferralDraft | None:
    draft = db.session.scalar(select(ReferralDraft).where(ReferralDraft.user_id == user.id))
    if draft is None and create:
        draft = ReferralDraft(user_id=user.id, token=secrets.token_hex(32), data={"people": []},
                              updated_at_utc=utcnow())
        db.session.add(draft)
        db.session.flush()
    return draft


def save_draft(user, **changes) -> ReferralDraft:
    """Merge `changes` (raw, as typed) into the user's draft."""
    draft = get_draft(user, create=True)
    draft.data = {**(draft.data or {}), **changes}  # a new dict, so the JSON column sees the change
    draft.updated_at_utc = utcnow()
    db.session.flush()
    return draft


def discard_draft(user) -> None:
    draft = get_draft(user)
    if draft is not None:
        db.session.delete(draft)
        db.session.flush()


# --- Triage -------------------------------------------------------------------------------------------

def _lock(referral: Referral) -> Referral:
    """Re-read the referral's status under a row lock (PostgreSQL), so two managers cannot both triage it."""
    db.session.flush()
    status = db.session.scalar(select(Referral.status).where(Referral.id == referral.id).with_for_update())
    db.session.refresh(referral, ["status"])
    if status != ReferralStatus.RECEIVED:
        raise ReferralAlreadyTriaged(referral)
    return referral


def _triaged(referral: Referral, actor, status: ReferralStatus) -> None:
    referral.status = status
    referral.triaged_by_user_id = actor.id if actor is not None else None
    referral.triaged_at_utc = utcnow()
    referral.triaged_on = today_london()


def _person_fields(entry: ReferralPerson) -> dict:
    return {name: getattr(entry, name) for name in _REFERRAL_PERSON_FIELDS}


def identify_needs(referral: Referral, family: Family, *, actor) -> list[Need]:
    """The referral's reasons become the family's identified needs: a reason is a descriptor of need, and a
    family is attached with its needs identified (domain.md, the lifecycle). A need the family already has
    under the same headline and descriptor is not added again, so accepting a second referral about the
    family adds only what is new. Reasons whose descriptor has since been retired are left for the key
    worker to record by hand."""
    wanted = {(r.headline_code, r.descriptor_code) for r in referral.reasons}
    if not wanted:
        return []
    held = set(db.session.execute(
        select(Need.headline_code, Descriptor.code).join(Descriptor, Need.descriptor_id == Descriptor.id)
        .where(Need.family_id == family.id)).all())
    descriptors = db.session.scalars(
        select(Descriptor).where(Descriptor.version_id == referral.framework_version_id,
                                 Descriptor.code.in_([code for _, code in wanted]), Descriptor.active.is_(True))
        .options(joinedload(Descriptor.headline)).order_by(Descriptor.id)).all()
    at_attachment = case_services.identified_at_attachment(family)
    return [case_services.add_need(family, descriptor=d, identified_on=referral.received_on,
                                   source_agency=referral.referring_agency, at_attachment=at_attachment, actor=actor)
            for d in descriptors if (d.headline.code, d.code) in wanted and (d.headline.code, d.code) not in held]


def accept_into_new_family(referral: Referral, *, actor) -> Family:
    """Accept: a new family (status "referred" until a key worker attaches it) with the referred people."""
    _lock(referral)
    family = case_services.create_family(
        address_line_1=referral.address_line_1, address_line_2=referral.address_line_2, town=referral.town,
        postcode=referral.postcode, actor=actor)
    for entry in referral.people:
        entry.person_id = case_services.add_person(family, actor=actor, **_person_fields(entry)).id
    _triaged(referral, actor, ReferralStatus.ACCEPTED)
    referral.family_id = family.id
    db.session.flush()
    needs = identify_needs(referral, family, actor=actor)
    audit.record("ReferralAccepted", actor=actor, object_type="referral", object_id=referral.id,
                 family_id=family.id, new_family=True, needs_identified=len(needs))
    return family


def accept_into_family(referral: Referral, family: Family, links: dict[int, int | None], *, actor) -> Family:
    """Accept into an existing family. `links` maps each referred person's position to the id of a
    member of that family who is the same person, or None to add them as a new member."""
    _lock(referral)
    members = {p.id for p in db.session.scalars(select(Person).where(Person.family_id == family.id))}
    chosen = [pid for pid in links.values() if pid is not None]
    if len(chosen) != len(set(chosen)):
        raise InvalidTriage("Choose each member of the family for one person at most", "links")
    for entry in referral.people:
        person_id = links.get(entry.position)
        if person_id is not None and person_id not in members:
            raise InvalidTriage("Choose a member of the chosen family", f"person_{entry.position}")
    for entry in referral.people:
        person_id = links.get(entry.position)
        if person_id is None:
            person_id = case_services.add_person(family, actor=actor, **_person_fields(entry)).id
        entry.person_id = person_id
    _triaged(referral, actor, ReferralStatus.ACCEPTED)
    referral.family_id = family.id
    db.session.flush()
    needs = identify_needs(referral, family, actor=actor)
    audit.record("ReferralAccepted", actor=actor, object_type="referral", object_id=referral.id,
                 family_id=family.id, new_family=False, matched_people=len(chosen), needs_identified=len(needs))
    return family


def decline(referral: Referral, reason, note: str | None, *, actor) -> Referral:
    try:
        reason = DeclineReason(reason)
    except ValueError:
        raise InvalidTriage("Select a reason for declining the referral", "decline_reason") from None
    note = _text(note)
    if reason == DeclineReason.OTHER and not note:
        raise InvalidTriage("Explain why the referral is declined", "triage_note")
    if note and len(note) > REASON_TEXT_MAX:
        raise InvalidTriage(f"Explanation must be {REASON_TEXT_MAX:,} characters or fewer", "triage_note")
    _lock(referral)
    _triaged(referral, actor, ReferralStatus.DECLINED)
    referral.decline_reason, referral.triage_note = reason, note
    db.session.flush()
    audit.record("ReferralDeclined", actor=actor, object_type="referral", object_id=referral.id,
                 reason=reason.value)
    return referral


def mark_duplicate(referral: Referral, original: Referral | None, *, actor) -> Referral:
    if original is None or original.id == referral.id:
        raise InvalidTriage("Enter the reference of another referral, like RF-000123", "duplicate_of")
    if original.status == ReferralStatus.DUPLICATE:
        raise InvalidTriage("That referral is itself a duplicate: choose the referral it duplicates",
                            "duplicate_of")
    _lock(referral)
    _triaged(referral, actor, ReferralStatus.DUPLICATE)
    referral.duplicate_of_id = original.id
    referral.family_id = original.family_id
    db.session.flush()
    audit.record("ReferralMarkedDuplicate", actor=actor, object_type="referral", object_id=referral.id,
                 duplicate_of=original.id, family_id=original.family_id)
    return referral
