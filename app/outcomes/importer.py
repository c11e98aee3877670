"""Bulk import of outcome evidence from partner data (layout in docs/IMPORTS.md): all or nothing, then matching.

A file carries one descriptor's measure from one agency (a school's attendance return, a police incidents
extract). Every row is checked first; if any row is bad nothing is imported and every problem is listed
with its line (the header is line 1), column and reason. Then each row is matched to a person:
- an exact NHS number, then an exact UPN, held by exactly one person;
- otherwise `app.cases.matching` on name, date of birth and postcode, attaching only a single confident
  match (at or above `CONFIDENT`, and clear of the next candidate).
A row that fits two people is held as ambiguous, a row that fits nobody as unmatched, both with their
candidates for a person to resolve on the import page. Nothing is attached to a family on a guess.
"""
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from app import audit
from app.cases import matching
from app.cases.identifiers import InvalidIdentifier, validate_nhs_number, validate_postcode, validate_upn
from app.cases.models import Family, Need, Person, need_people
from app.common.csv_import import ImportProblem, ImportRefused, read_csv_frame, refuse
from app.common.time import today_london, utcnow
from app.extensions import db
from app.outcomes import services
from app.outcomes.models import (
    HELD_STATUSES,
    EvidenceImportBatch,
    EvidenceImportRow,
    EvidenceSource,
    ImportRowStatus,
    MatchMethod,
)

MAX_ROWS = 5000
CONFIDENT = 0.85  # as app.cases.matching.best_match
CLEAR_GAP = 0.05
CANDIDATES_SHOWN = 5

IDENTITY_COLUMNS = ("nhs_number", "upn", "given_name", "family_name", "date_of_birth", "postcode")
REQUIRED_COLUMNS = ("period_start", "period_end", "value")
ALL_COLUMNS = (*IDENTITY_COLUMNS, *REQUIRED_COLUMNS, "source", "note")
TEXT_LIMITS = {"given_name": 100, "family_name": 100, "source": services.SOURCE_LIMIT, "note": services.NOTE_LIMIT}


class RowNotHeld(services.OutcomeError):
    pass


@dataclass(frozen=True)
class ImportResult:
    batch: EvidenceImportBatch
    attached: int
    held: int


def max_bytes() -> int:
    return int(current_app.config["EVIDENCE_IMPORT_MAX_BYTES"])


def _identifier_columns(frame) -> list[ImportProblem]:
    if any(c in frame.columns for c in ("nhs_number", "upn", "date_of_birth")):
        return []
    return [ImportProblem(1, "nhs_number", "The file needs nhs_number, upn or given_name, family_name "
                                           "and date_of_birth columns to find each person")]


def read_frame(data: bytes, filename: str | None) -> pd.DataFrame:
    """The file as a table of text (identifiers keep their leading zeros), or ImportRefused."""
    return read_csv_frame(data, filename, max_bytes=max_bytes(), all_columns=ALL_COLUMNS,
                          required_columns=REQUIRED_COLUMNS, max_rows=MAX_ROWS, header_checks=_identifier_columns)


def _parse_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}


@dataclass
class CheckedRow:
    line: int
    probe: matching.PersonProbe
    period_start: date
    period_end: date
    value: float | None
    answer: bool | None
    source: str
    note: str | None

    def as_data(self) -> dict:
        """What a held row keeps: ids, names and dates as text (JSON), never more than the file said."""
        probe = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.probe.__dict__.items()
                 if v and k in IDENTITY_COLUMNS}
        return {**probe, "period_start": self.period_start.isoformat(), "period_end": self.period_end.isoformat(),
                "value": self.value, "answer": self.answer, "source": self.source, "note": self.note}


def check_rows(frame: pd.DataFrame, descriptor, *, agency_name: str, today: date | None = None) -> list[CheckedRow]:
    """Every row checked against the descriptor's measure; ImportRefused lists every problem."""
    today = today or today_london()
    problems: list[ImportProblem] = []
    checked = []
    columns = list(frame.columns)
    for offset, record in enumerate(frame.itertuples(index=False, name=None)):
        line = offset + 2
        row = {c: (v or "").strip() for c, v in zip(columns, record, strict=True)}
        found: list[ImportProblem] = []
        for column, limit in TEXT_LIMITS.items():
            if len(row.get(column, "")) > limit:
                found.append(ImportProblem(line, column, f"Must be {limit:,} characters or fewer"))
        ids = {}
        for column, validate in (("nhs_number", validate_nhs_number), ("upn", validate_upn),
                                 ("postcode", validate_postcode)):
            if row.get(column):
                try:
                    ids[column] = validate(row[column])
                except InvalidIdentifier as exc:
                    found.append(ImportProblem(line, column, exc.message))
        dob = None
        if row.get("date_of_birth"):
            try:
                dob = _parse_date(row["date_of_birth"])
                if dob > today:
                    found.append(ImportProblem(line, "date_of_birth", "Date of birth must be in the past"))
            except ValueError:
                found.append(ImportProblem(line, "date_of_birth", "Date of birth must be a real date, like 2015-03-27 "
                                                                  "or 27/03/2015"))
        named = row.get("given_name") and row.get("family_name") and row.get("date_of_birth")
        if not (row.get("nhs_number") or row.get("upn") or named):
            found.append(ImportProblem(line, "nhs_number", "Give an NHS number, a UPN, or a first name, last name "
                                                           "and date of birth"))
        dates = {}
        for column, words in (("period_start", "first"), ("period_end", "last")):
            try:
                dates[column] = _parse_date(row.get(column, "")) if row.get(column) else None
            except ValueError:
                found.append(ImportProblem(line, column, f"The {words} day of the period must be a real date, like "
                                                         "2025-07-18 or 18/07/2025"))
                dates[column] = False
        errors: dict[str, str] = {}
        if dates["period_start"] is not False and dates["period_end"] is not False:
            services.check_period(dates["period_start"], dates["period_end"], errors, today=today)
        raw = row.get("value", "")
        answer = None
        if services.MeasureKind(descriptor.measure_kind) is services.MeasureKind.YES_NO:
            lowered = raw.lower()
            answer = True if lowered in YES else False if lowered in NO else None
            if answer is None:
                errors["value"] = "The value must be yes or no for this measure"
        number = None
        if "value" not in errors:
            number, _ = services.check_value(descriptor, raw, answer, errors, answer_field="value")
        found.extend(ImportProblem(line, column, message) for column, message in errors.items())
        if found:
            problems.extend(found)
            continue
        probe = matching.PersonProbe(given_name=row.get("given_name") or None,
                                     family_name=row.get("family_name") or None, date_of_birth=dob,
                                     postcode=ids.get("postcode"), nhs_number=ids.get("nhs_number"),
                                     upn=ids.get("upn"))
        checked.append(CheckedRow(line, probe, dates["period_start"], dates["period_end"], number, answer,
                                  row.get("source") or f"{agency_name} data import", row.get("note") or None))
    if problems:
        order = {c: i for i, c in enumerate(ALL_COLUMNS)}
        problems.sort(key=lambda p: (p.line or 0, order.get(p.column, 99)))
        raise ImportRefused(problems)
    return checked


@dataclass(frozen=True)
class MatchOutcome:
    status: ImportRowStatus
    method: MatchMethod | None
    person_id: int | None
    candidate_ids: tuple[int, ...]


def _exact(column, value) -> list[int]:
    return list(db.session.scalars(sa.select(Person.id).where(column == value).order_by(Person.id).limit(10)))


def match_probe(probe: matching.PersonProbe) -> MatchOutcome:
    """Exact identifiers first, then the matching service; one confident person or a row held back."""
    for method, column, value in ((MatchMethod.NHS_NUMBER, Person.nhs_number, probe.nhs_number),
                                  (MatchMethod.UPN, Person.upn, probe.upn)):
        if not value:
            continue
        found = _exact(column, value)
        if len(found) == 1:
            return MatchOutcome(ImportRowStatus.ATTACHED, method, found[0], tuple(found))
        if len(found) > 1:  # one identifier on two records: a duplicate for a person to sort out
            return MatchOutcome(ImportRowStatus.AMBIGUOUS, None, None, tuple(found))
    if not (probe.given_name or probe.family_name or probe.date_of_birth):
        return MatchOutcome(ImportRowStatus.UNMATCHED, None, None, ())
    found = matching.find_people(probe, limit=CANDIDATES_SHOWN)
    candidates = tuple(m.candidate.person_id for m in found)
    confident = [m for m in found if m.score >= CONFIDENT]
    if confident and (len(confident) == 1 or confident[0].score - confident[1].score >= CLEAR_GAP):
        return MatchOutcome(ImportRowStatus.ATTACHED, MatchMethod.MATCHING, confident[0].candidate.person_id,
                            candidates)
    if len(confident) > 1:
        return MatchOutcome(ImportRowStatus.AMBIGUOUS, None, None, candidates)
    return MatchOutcome(ImportRowStatus.UNMATCHED, None, None, candidates)


def needs_for(person_ids, descriptor_id: int) -> dict[int, Need]:
    """person id -> the need of their family that the evidence belongs to (in two queries): a need about
    them, else one about the whole family, else the family's only need of that descriptor."""
    people = dict(db.session.execute(sa.select(Person.id, Person.family_id)
                                     .where(Person.id.in_(sorted(set(person_ids)))).order_by(Person.id)).all())
    if not people:
        return {}
    needs = list(db.session.scalars(
        sa.select(Need).where(Need.family_id.in_(sorted(set(people.values()))), Need.descriptor_id == descriptor_id)
        .order_by(Need.family_id, Need.identified_on.desc(), Need.id.desc())))
    concerned: dict[int, set[int]] = defaultdict(set)
    if needs:
        for need_id, person_id in db.session.execute(
                sa.select(need_people.c.need_id, need_people.c.person_id)
                .where(need_people.c.need_id.in_([n.id for n in needs])).order_by(need_people.c.need_id)):
            concerned[need_id].add(person_id)
    by_family: dict[int, list[Need]] = defaultdict(list)
    for need in needs:
        by_family[need.family_id].append(need)
    chosen = {}
    for person_id, family_id in people.items():
        options = by_family.get(family_id, [])
        pick = (next((n for n in options if person_id in concerned[n.id]), None)
                or next((n for n in options if not concerned[n.id]), None)
                or (options[0] if len(options) == 1 else None))
        if pick is not None:
            chosen[person_id] = pick
    return chosen


def _attach(row: EvidenceImportRow, checked: dict, person_id: int, need: Need | None, batch, actor):
    person = db.session.get(Person, person_id)
    family = db.session.get(Family, person.family_id)
    evidence = services.record_evidence(
        family, need=need, descriptor=batch.descriptor, value=checked["value"], answer=checked["answer"],
        period_start=date.fromisoformat(checked["period_start"]), period_end=date.fromisoformat(checked["period_end"]),
        source=checked["source"], note=checked["note"], person_ids=[person_id], actor=actor,
        holding_agency_id=batch.holding_agency_id, via=EvidenceSource.IMPORT, import_batch_id=batch.id,
        refresh=False)
    row.person_id, row.evidence_id = person_id, evidence.id
    return family.id


def import_evidence(data: bytes, filename: str, *, agency, descriptor, actor=None) -> ImportResult:
    """Check the whole file, then match every row; attach the confident ones, hold the rest (the caller
    commits once)."""
    frame = read_frame(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    earlier = db.session.scalar(sa.select(EvidenceImportBatch).where(EvidenceImportBatch.sha256 == digest))
    if earlier is not None:
        refuse(f"This file was already imported on {earlier.created_at_utc:%d %B %Y}: nothing was imported again")
    checked = check_rows(frame, descriptor, agency_name=agency.name)
    batch = EvidenceImportBatch(sha256=digest, original_name=filename[-255:], holding_agency_id=agency.id,
                                descriptor_id=descriptor.id, row_count=len(checked),
                                imported_by_user_id=getattr(actor, "id", None))
    db.session.add(batch)
    db.session.flush()
    outcomes = [(row, match_probe(row.probe)) for row in checked]
    needs = needs_for([m.person_id for _, m in outcomes if m.person_id], descriptor.id)
    families, attached = set(), 0
    for row, outcome in outcomes:
        record = EvidenceImportRow(batch_id=batch.id, line=row.line, status=outcome.status,
                                   match_method=outcome.method, data=row.as_data(),
                                   candidate_person_ids=list(outcome.candidate_ids))
        db.session.add(record)
        if outcome.status is ImportRowStatus.ATTACHED:
            families.add(_attach(record, record.data, outcome.person_id, needs.get(outcome.person_id), batch, actor))
            attached += 1
    db.session.flush()
    services.refresh_many(sorted(families), actor=actor)
    held = len(checked) - attached
    audit.record("EvidenceImported", actor=actor, object_type="evidence_import_batch", object_id=batch.id,
                 purpose="outcome_evidence", rows=len(checked), attached=attached, held=held,
                 descriptor=descriptor.code, agency_id=agency.id)
    return ImportResult(batch, attached, held)


def resolve_row(row: EvidenceImportRow, person_id: int, *, actor) -> EvidenceImportRow:
    """A person chose who a held row is about (one of its candidates): attach it now."""
    if row.status not in HELD_STATUSES:
        raise RowNotHeld("This row has already been dealt with")
    if int(person_id) not in {int(i) for i in row.candidate_person_ids or ()}:
        raise services.InvalidEvidence({"person_id": "Select one of the people listed"})
    batch = row.batch
    need = needs_for([person_id], batch.descriptor_id).get(int(person_id))
    family_id = _attach(row, row.data, int(person_id), need, batch, actor)
    row.status, row.match_method = ImportRowStatus.RESOLVED, MatchMethod.PERSON
    row.resolved_by_id, row.resolved_at_utc = actor.id, utcnow()
    db.session.flush()
    services.refresh_need_judgements(family_id, actor=actor)
    audit.record("EvidenceImportRowResolved", actor=actor, object_type="evidence_import_row", object_id=row.id,
                 family_id=family_id, person_id=int(person_id), purpose="outcome_evidence",
                 evidence_id=row.evidence_id)
    return row


def discard_row(row: EvidenceImportRow, *, actor) -> EvidenceImportRow:
    """A person decided a held row is about nobody Hearth knows: it is kept, never attached."""
    if row.status not in HELD_STATUSES:
        raise RowNotHeld("This row has already been dealt with")
    row.status, row.resolved_by_id, row.resolved_at_utc = ImportRowStatus.DISCARDED, actor.id, utcnow()
    db.session.flush()
    audit.record("EvidenceImportRowDiscarded", actor=actor, object_type="evidence_import_row", object_id=row.id,
                 purpose="outcome_evidence")
    return row
