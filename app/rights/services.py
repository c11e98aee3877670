"""State changes of individual rights: subject access requests, their export, legal holds and the retention
run. Services flush and audit (under the purpose information_governance); the request boundary, the CLI or
the scheduler commits. Explicit fields only."""
from datetime import date

import sqlalchemy as sa

from app import audit
from app.cases.models import Family, Person
from app.common.time import today_london, utcnow
from app.extensions import db
from app.rights import queries
from app.rights.anonymise import anonymise_family_records, anonymise_referral_records
from app.rights.dates import MAX_EXTENSION_MONTHS, sar_due_on
from app.rights.models import (
    Anonymisation,
    LegalHold,
    RequesterKind,
    RequestState,
    SubjectAccessRequest,
    VerificationMethod,
)
from app.sharing.policy import Purpose

IG = Purpose.INFORMATION_GOVERNANCE.value
NAME_MAX, NOTE_MAX, REASON_MAX = 120, 500, 2000
EXPORT_FORMATS = ("pdf", "json")


class RightsError(ValueError):
    """A request the rules refuse; `field` names the form field the message belongs to."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


def _required(value, field, message, limit, words) -> str:
    text = (value or "").strip()
    if not text:
        raise RightsError(message, field)
    if len(text) > limit:
        raise RightsError(f"{words} must be {limit} characters or fewer", field)
    return text


def _day_not_after_today(day, field, words, today) -> date:
    if day is None:
        raise RightsError(f"Enter the {words}", field)
    if day > today:
        raise RightsError(f"The {words} must be today or in the past", field)
    return day


# --- subject access ----------------------------------------------------------------------------------------

def record_request(person: Person, *, requester_kind, requester_name, received_on, verification,
                   verification_note=None, actor, today: date | None = None) -> SubjectAccessRequest:
    today = today or today_london()
    try:
        kind, method = RequesterKind(requester_kind), VerificationMethod(verification)
    except ValueError:
        raise RightsError("Select who asked and how their identity was checked", "requester_kind") from None
    name = _required(requester_name, "requester_name", "Enter the name of the person who asked", NAME_MAX,
                     "The requester's name")
    received_on = _day_not_after_today(received_on, "received_on", "date the request was received", today)
    note = (verification_note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise RightsError(f"The note must be {NOTE_MAX} characters or fewer", "verification_note")
    sar = SubjectAccessRequest(person_id=person.id, family_id=person.family_id, requester_kind=kind,
                               requester_name=name, received_on=received_on, verification=method,
                               verification_note=note, due_on=sar_due_on(received_on), recorded_by_id=actor.id)
    db.session.add(sar)
    db.session.flush()
    audit.record("SubjectAccessRequestRecorded", actor=actor, object_type="subject_access_request", object_id=sar.id,
                 family_id=sar.family_id, person_id=sar.person_id, purpose=IG, requester_kind=kind.value,
                 verification=method.value, due_on=sar.due_on.isoformat())
    return sar


def _open(sar: SubjectAccessRequest) -> None:
    if sar.state != RequestState.OPEN:
        raise RightsError("This request has been completed", None)


def extend_request(sar: SubjectAccessRequest, *, months, reason, actor) -> SubjectAccessRequest:
    """Extend once, by one or two further months (Article 12(3): complex or numerous requests)."""
    _open(sar)
    if sar.extension_months:
        raise RightsError("This request has already been extended: it can be extended only once", "months")
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise RightsError(f"Select an extension of 1 to {MAX_EXTENSION_MONTHS} months", "months")
    sar.extension_reason = _required(reason, "reason", "Enter why the request needs longer", REASON_MAX, "The reason")
    sar.extension_months, sar.extended_on, sar.extended_by_id = months, today_london(), actor.id
    sar.due_on = sar_due_on(sar.received_on, months)
    db.session.flush()
    audit.record("SubjectAccessRequestExtended", actor=actor, object_type="subject_access_request", object_id=sar.id,
                 family_id=sar.family_id, person_id=sar.person_id, purpose=IG, months=months,
                 due_on=sar.due_on.isoformat())
    return sar


def complete_request(sar: SubjectAccessRequest, *, released_on, actor, today: date | None = None):
    _open(sar)
    released_on = _day_not_after_today(released_on, "released_on", "date the response was released",
                                       today or today_london())
    if released_on < sar.received_on:
        raise RightsError("The release date must be on or after the date the request was received", "released_on")
    if sar.last_exported_at_utc is None:
        raise RightsError("Export what is held about the person before completing the request", "released_on")
    sar.state, sar.released_on, sar.completed_by_id = RequestState.COMPLETED, released_on, actor.id
    db.session.flush()
    audit.record("SubjectAccessRequestCompleted", actor=actor, object_type="subject_access_request", object_id=sar.id,
                 family_id=sar.family_id, person_id=sar.person_id, purpose=IG, released_on=released_on.isoformat(),
                 late=released_on > sar.due_on)
    return sar


def record_export(sar: SubjectAccessRequest, export_format: str, *, actor, items: int, for_review: int) -> None:
    """An export of everything held about the person: a deliberate IG act, audited with counts only."""
    if export_format not in EXPORT_FORMATS:
        raise RightsError("Choose PDF or JSON", "format")
    sar.last_exported_at_utc = utcnow()
    db.session.flush()
    audit.record("SubjectAccessExported", actor=actor, object_type="subject_access_request", object_id=sar.id,
                 family_id=sar.family_id, person_id=sar.person_id, purpose=IG, format=export_format, items=items,
                 for_review=for_review)


# --- legal holds -----------------------------------------------------------------------------------------------

def place_hold(family: Family, *, reason, actor) -> LegalHold:
    if queries.hold_in_force(family.id) is not None:
        raise RightsError("This family is already under a legal hold", "reason")
    if queries.anonymisation_of(family.id) is not None:
        raise RightsError("This family's records have already been anonymised", "reason")
    hold = LegalHold(family_id=family.id, reason=_required(reason, "reason", "Enter why the records must be kept",
                                                           REASON_MAX, "The reason"),
                     placed_on=today_london(), placed_by_id=actor.id)
    db.session.add(hold)
    db.session.flush()
    audit.record("LegalHoldPlaced", actor=actor, object_type="legal_hold", object_id=hold.id, family_id=family.id,
                 purpose=IG)
    return hold


def clear_hold(hold: LegalHold, *, reason, actor) -> LegalHold:
    if hold.cleared_on is not None:
        raise RightsError("This legal hold has already been cleared", "reason")
    hold.clear_reason = _required(reason, "reason", "Enter why the hold is no longer needed", REASON_MAX, "The reason")
    hold.cleared_on, hold.cleared_by_id = today_london(), actor.id
    db.session.flush()
    audit.record("LegalHoldCleared", actor=actor, object_type="legal_hold", object_id=hold.id,
                 family_id=hold.family_id, purpose=IG)
    return hold


# --- retention -------------------------------------------------------------------------------------------------

def run_retention(today: date | None = None, *, dry_run: bool, actor=None) -> queries.RetentionReport:
    """Anonymise every family and unlinked referral whose retention has expired, unless a legal hold or an open
    subject access request keeps it. A dry run only reports (it writes nothing, not even an audit event). Running
    twice anonymises nothing new: each one done is recorded in `anonymisations`."""
    today = today or today_london()
    report = queries.retention_report(today)
    if dry_run:
        return report
    for row in report.due:
        files = anonymise_family_records(row.family_id)
        db.session.add(Anonymisation(record_class="family", family_id=row.family_id, reason=row.expiry.reason,
                                     expired_on=row.expiry.expires_on, anonymised_on=today, files_deleted=files,
                                     anonymised_by_id=getattr(actor, "id", None)))
        db.session.flush()
        audit.record("FamilyAnonymised", actor=actor, object_type="family", object_id=row.family_id,
                     family_id=row.family_id, purpose=IG, rule="family", reason=row.expiry.reason,
                     expired_on=row.expiry.expires_on.isoformat(), files_deleted=files)
    for row in report.referrals:
        anonymise_referral_records(row.referral_id)
        db.session.add(Anonymisation(record_class="unlinked_referral", referral_id=row.referral_id,
                                     reason=row.status, expired_on=row.expires_on, anonymised_on=today,
                                     anonymised_by_id=getattr(actor, "id", None)))
        db.session.flush()
        audit.record("ReferralAnonymised", actor=actor, object_type="referral", object_id=row.referral_id,
                     purpose=IG, rule="unlinked_referral", expired_on=row.expires_on.isoformat())
    return report


def anonymise_expired() -> int:
    """The system job (app/scheduler/schedule.py): today's retention run; the scheduler commits."""
    report = run_retention(dry_run=False)
    return len(report.due) + len(report.referrals)


def anonymised_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Anonymisation.id))) or 0
