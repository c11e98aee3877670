"""Recording outcome evidence and keeping each need's judgement in step with it.

Services flush and audit; the request boundary (or a CLI command) commits. Every write takes an explicit
list of fields. A need's judgement is derived from its evidence by the pure `judgement.judge` and cached
in `NeedJudgement`; `refresh_need_judgements(family)` recomputes it and audits each change, and every
service that changes evidence calls it.
"""
import re
from datetime import date

import sqlalchemy as sa

from app import audit
from app.cases.models import Family, Need, Person
from app.common.time import today_london, utcnow
from app.common.uploads import UploadRefused, store_upload
from app.extensions import db
from app.framework.categories import DataCategory
from app.framework.rules import MeasureKind
from app.outcomes.facts_builder import load_outcome_data
from app.outcomes.models import Evidence, EvidenceSource, NeedJudgement

SOURCE_LIMIT = 200
NOTE_LIMIT = 2000
REASON_LIMIT = 500
MAX_VALUE = 99_999_999
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class OutcomeError(ValueError):
    """A change the outcome rules refuse; the message is fit to show."""


class InvalidEvidence(OutcomeError):
    """`errors` maps a field name to a message fit to show beside it."""

    def __init__(self, errors: dict):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class EvidenceAlreadyDeleted(OutcomeError):
    pass


class NotHoldingAgency(OutcomeError):
    pass


def measure_words(descriptor) -> str:
    """What to ask for, in words: 'the percentage', 'the number', 'yes or no'."""
    kind = MeasureKind(descriptor.measure_kind)
    return {MeasureKind.PERCENTAGE: "a percentage", MeasureKind.COUNT: "a number",
            MeasureKind.YES_NO: "yes or no"}[kind]


def check_value(descriptor, value, answer, errors: dict, *, value_field="value", answer_field="answer"):
    """(number, yes) for the descriptor's kind of measure; problems go into `errors`."""
    kind = MeasureKind(descriptor.measure_kind)
    if kind is MeasureKind.YES_NO:
        if answer is None:
            errors[answer_field] = "Select yes if the resolved condition held in the period, or no"
            return None, None
        return None, bool(answer)
    text = str(value).strip().replace(",", "") if value is not None else ""
    if kind is MeasureKind.PERCENTAGE:
        text = text.removesuffix("%").strip()
    if not text:
        errors[value_field] = f"Enter {measure_words(descriptor)} for the period"
        return None, None
    if not NUMBER.match(text):
        errors[value_field] = ("The value must be a number, like 92.5" if kind is MeasureKind.PERCENTAGE
                               else "The value must be a whole number, like 2")
        return None, None
    number = float(text)
    if kind is MeasureKind.PERCENTAGE and not 0 <= number <= 100:
        errors[value_field] = "The percentage must be between 0 and 100"
    elif kind is MeasureKind.COUNT and (number < 0 or number != int(number) or number > MAX_VALUE):
        errors[value_field] = "The value must be a whole number, 0 or more"
    else:
        return round(number, 2), None
    return None, None


def check_period(start: date | None, end: date | None, errors: dict, *, today: date | None = None,
                 start_field="period_start", end_field="period_end"):
    today = today or today_london()
    if start is None:
        errors[start_field] = "Enter the first day of the period"
    if end is None:
        errors[end_field] = "Enter the last day of the period"
    elif end > today:
        errors[end_field] = "The last day of the period must be today or in the past"
    if start is not None and end is not None and end_field not in errors and start > end:
        errors[end_field] = "The last day of the period must be the same as or after the first day"


def _text(errors, field, value, *, limit, words, required_message=None):
    value = (value or "").strip()
    if not value and required_message:
        errors[field] = required_message
    elif len(value) > limit:
        errors[field] = f"{words} must be {limit:,} characters or fewer"
    return value or None


def _people_of(family: Family, person_ids, errors) -> list[Person]:
    wanted = {int(i) for i in person_ids or ()}
    if not wanted:
        return []
    people = list(db.session.scalars(select_people(family, wanted)))
    if len(people) != len(wanted):
        errors["person_ids"] = "Select people from this family"
    return people


def select_people(family: Family, ids):
    return sa.select(Person).where(Person.family_id == family.id, Person.id.in_(sorted(ids))).order_by(Person.id)


def record_evidence(family: Family, *, need: Need | None, descriptor=None, value=None, answer=None,
                    period_start: date | None, period_end: date | None, source: str | None, note: str | None = None,
                    person_ids=(), category=None, document=None, actor=None, holding_agency_id: int | None = None,
                    via: EvidenceSource = EvidenceSource.FORM, import_batch_id: int | None = None,
                    refresh: bool = True) -> Evidence:
    """Record one period's evidence for a need (or, from an import, for a descriptor when the family has
    no such need yet). The holding agency is the actor's unless an import names the partner agency."""
    errors: dict[str, str] = {}
    if need is not None and need.family_id != family.id:
        errors["need_id"] = "Select one of this family's needs"
        need = None
    descriptor = need.descriptor if need is not None else descriptor
    if descriptor is None:
        errors.setdefault("need_id", "Select the need the evidence is for")
    number = yes = None
    if descriptor is not None:
        number, yes = check_value(descriptor, value, answer, errors)
    check_period(period_start, period_end, errors)
    source = _text(errors, "source", source, limit=SOURCE_LIMIT, words="The source",
                   required_message="Enter where the evidence comes from, for example the school's attendance return")
    note = _text(errors, "note", note, limit=NOTE_LIMIT, words="The note")
    people = _people_of(family, person_ids, errors)
    chosen_category = None
    if category:
        try:
            chosen_category = DataCategory(category)
        except ValueError:
            errors["category"] = "Select a data category from the list"
    holding = holding_agency_id or getattr(actor, "agency_id", None)
    if holding is None:
        errors["holding_agency_id"] = "Select the agency that holds the evidence"
    if errors:
        raise InvalidEvidence(errors)
    if chosen_category is None:
        chosen_category = need.category if need is not None else descriptor.category
    stored = None
    if document is not None and getattr(document, "filename", None):
        try:
            stored = store_upload(document, uploaded_by=actor)
        except UploadRefused as refused:
            raise InvalidEvidence({"document": refused.message}) from None
    evidence = Evidence(family_id=family.id, need_id=need.id if need is not None else None,
                        descriptor_id=descriptor.id, holding_agency_id=holding, category=chosen_category,
                        value_number=number, value_yes=yes, period_start=period_start, period_end=period_end,
                        source=source, note=note, stored_file_id=stored.id if stored else None, recorded_via=via,
                        import_batch_id=import_batch_id, recorded_by_id=getattr(actor, "id", None),
                        recorded_at_utc=utcnow(), people=people)
    db.session.add(evidence)
    db.session.flush()
    audit.record("EvidenceRecorded", actor=actor, object_type="evidence", object_id=evidence.id,
                 family_id=family.id, purpose="outcome_evidence", need_id=evidence.need_id,
                 descriptor=descriptor.code, category=chosen_category.value, via=via.value,
                 with_document=stored is not None)
    if refresh:
        refresh_need_judgements(family, actor=actor)
    return evidence


def delete_evidence(evidence: Evidence, *, reason: str | None, actor) -> Evidence:
    """Soft delete, by the agency that holds it, with a reason; the judgement is recomputed without it."""
    if evidence.deleted_at_utc is not None:
        raise EvidenceAlreadyDeleted("This evidence has already been deleted")
    if evidence.holding_agency_id != actor.agency_id:
        raise NotHoldingAgency("Only the agency that recorded the evidence can delete it")
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, limit=REASON_LIMIT, words="The reason",
                   required_message="Enter why the evidence is being deleted")
    if errors:
        raise InvalidEvidence(errors)
    evidence.deleted_at_utc, evidence.deleted_by_id, evidence.deletion_reason = utcnow(), actor.id, reason
    db.session.flush()
    audit.record("EvidenceDeleted", actor=actor, object_type="evidence", object_id=evidence.id,
                 family_id=evidence.family_id, purpose="outcome_evidence", need_id=evidence.need_id)
    refresh_need_judgements(db.session.get(Family, evidence.family_id), actor=actor)
    return evidence


def refresh_need_judgements(family: Family | int, *, actor=None) -> list[int]:
    """Recompute every need's judgement of one family from its evidence; returns the ids that changed."""
    family_id = family if isinstance(family, int) else family.id
    return refresh_many([family_id], actor=actor)


def refresh_many(family_ids, *, actor=None, audited: bool = True) -> list[int]:
    """The same for many families in a fixed number of queries (the demo seed and a nightly refresh)."""
    data = load_outcome_data(family_ids)
    need_ids = [nid for d in data.values() for nid in d.needs]
    stored = {j.need_id: j for j in db.session.scalars(
        sa.select(NeedJudgement).where(NeedJudgement.need_id.in_(need_ids)).order_by(NeedJudgement.need_id))
    } if need_ids else {}
    changed, now = [], utcnow()
    for family_id, family_data in sorted(data.items()):
        for need_id, judgement in sorted(family_data.judgements.items()):
            row = stored.get(need_id)
            values = (judgement.state, judgement.resolved_on, judgement.recurred_on, judgement.evidence_count)
            if row is not None and (row.state, row.resolved_on, row.recurred_on, row.evidence_count) == values:
                continue
            before = row.state.value if row is not None else None
            if row is None:
                row = NeedJudgement(need_id=need_id, family_id=family_id)
                db.session.add(row)
            row.state, row.resolved_on, row.recurred_on, row.evidence_count = values
            row.refreshed_at_utc = now
            changed.append(need_id)
            if audited:
                audit.record("NeedJudgementChanged", actor=actor, object_type="need", object_id=need_id,
                             family_id=family_id, purpose="outcome_evidence", from_state=before,
                             to_state=judgement.state.value)
    db.session.flush()
    return changed


def refresh_all(*, chunk: int = 500) -> int:
    """Every family's need judgements recomputed (for a nightly system job: `app.outcomes.services:refresh_all`,
    or `flask outcomes refresh`); returns how many changed. The caller commits."""
    ids = list(db.session.scalars(sa.select(Family.id).order_by(Family.id)))
    return sum(len(refresh_many(ids[start:start + chunk])) for start in range(0, len(ids), chunk))


__all__ = [
    "EvidenceAlreadyDeleted",
    "InvalidEvidence",
    "NotHoldingAgency",
    "OutcomeError",
    "check_period",
    "check_value",
    "delete_evidence",
    "record_evidence",
    "refresh_all",
    "refresh_many",
    "refresh_need_judgements",
]
