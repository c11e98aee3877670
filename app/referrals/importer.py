"""Bulk import of referrals from a CSV file (layout in docs/IMPORTS.md). All or nothing.

Every row is checked first and every problem collected with its line number (the header is line 1),
column and reason; if any row is bad nothing is imported. Otherwise all the referrals are created in
the caller's one transaction. pandas reads every cell as text (`dtype=str`), so an NHS number is never
turned into a float and leading zeros survive. The same file (by SHA-256) is never imported twice.
"""
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from flask import current_app
from sqlalchemy import func, select

from app import audit
from app.auth.models import Agency
from app.common.csv_import import ImportProblem, ImportRefused, read_csv_frame, refuse
from app.common.time import today_london
from app.extensions import db
from app.referrals import services
from app.referrals.models import ReferralImportBatch, ReferralSource

MAX_ROWS = 5000

REFERRAL_COLUMNS = ("referring_agency", "address_line_1", "address_line_2", "town", "postcode", "no_fixed_address",
                    "reasons", "summary", "consent", "without_agreement_basis", "without_agreement_reason")
PERSON_COLUMNS = ("given_name", "family_name", "other_names", "date_of_birth", "gender", "relationship",
                  "nhs_number", "upn", "ni_number", "pnc_number")
REQUIRED_COLUMNS = ("referral_key", "referring_agency", "reasons", "summary", "consent", "given_name", "family_name",
                    "relationship")
ALL_COLUMNS = ("referral_key", *REFERRAL_COLUMNS, *PERSON_COLUMNS)
# The service's field names, as the file's columns.
_COLUMN_OF = {"relationship_to_family": "relationship", "consent_position": "consent", "people": "given_name"}


@dataclass(frozen=True)
class ImportResult:
    batch: ReferralImportBatch
    referrals: list


def max_bytes() -> int:
    return int(current_app.config["REFERRAL_IMPORT_MAX_BYTES"])


def read_frame(data: bytes, filename: str | None) -> pd.DataFrame:
    """The file as a table of text, or ImportRefused for a file that is not a usable CSV."""
    return read_csv_frame(data, filename, max_bytes=max_bytes(), all_columns=ALL_COLUMNS,
                          required_columns=REQUIRED_COLUMNS, max_rows=MAX_ROWS, rows_called="rows of referrals")


def _parse_date(value: str) -> date:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _yes(value: str) -> bool:
    return value.strip().lower() in {"yes", "y", "true", "1"}


@dataclass
class _Group:
    key: str
    first_line: int
    values: dict
    people: list  # (line, fields)


def check_rows(frame: pd.DataFrame, *, today: date | None = None):
    """Every row checked; returns [(agency, clean referral)] or raises ImportRefused with every problem."""
    today = today or today_london()
    problems: list[ImportProblem] = []
    agencies = {a.name.strip().lower(): a for a in db.session.scalars(
        select(Agency).where(Agency.active.is_(True)).order_by(Agency.id))}
    groups: dict[str, _Group] = {}
    columns = list(frame.columns)
    for offset, record in enumerate(frame.itertuples(index=False, name=None)):
        line = offset + 2  # the header is line 1
        row = {c: (v or "").strip() for c, v in zip(columns, record, strict=True)}
        for column, value in row.items():
            if len(value) > 5000:
                problems.append(ImportProblem(line, column, "Value is too long (more than 5,000 characters)"))
        key = row.get("referral_key", "")
        if not key:
            problems.append(ImportProblem(line, "referral_key", "Enter a referral key (the same on every row of "
                                                                "one referral)"))
            continue
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(key, line, {c: row.get(c, "") for c in REFERRAL_COLUMNS}, [])
        else:
            for column in REFERRAL_COLUMNS:
                value = row.get(column, "")
                if value and value != group.values[column]:
                    problems.append(ImportProblem(line, column, f"Differs from line {group.first_line} of the same "
                                                                "referral: leave it blank or give the same value"))
        person = {c: row.get(c, "") for c in PERSON_COLUMNS}
        dob = None
        if person["date_of_birth"]:
            try:
                dob = _parse_date(person["date_of_birth"])
            except ValueError:
                problems.append(ImportProblem(line, "date_of_birth", "Date of birth must be a real date, like "
                                                                     "2015-03-27 or 27/03/2015"))
        fields = {"given_name": person["given_name"], "family_name": person["family_name"],
                  "other_names": person["other_names"], "date_of_birth": dob, "gender": person["gender"] or None,
                  "relationship_to_family": person["relationship"], "nhs_number": person["nhs_number"],
                  "upn": person["upn"], "ni_number": person["ni_number"], "pnc_number": person["pnc_number"]}
        group.people.append((line, fields))

    checked = []
    for group in groups.values():
        values = group.values
        agency = agencies.get(values["referring_agency"].lower())
        if agency is None:
            problems.append(ImportProblem(group.first_line, "referring_agency",
                                          "Unknown agency: use the agency's name as Hearth shows it"))
        data = {
            "address_line_1": values["address_line_1"], "address_line_2": values["address_line_2"],
            "town": values["town"], "postcode": values["postcode"],
            "no_fixed_address": _yes(values["no_fixed_address"]),
            "reasons": [code for code in re.split(r"[;,]", values["reasons"]) if code.strip()],
            "summary": values["summary"], "consent_position": values["consent"],
            "without_agreement_basis": values["without_agreement_basis"] or None,
            "without_agreement_reason": values["without_agreement_reason"],
            "people": [fields for _, fields in group.people],
        }
        try:
            clean = services.clean_referral(data, today=today)
        except services.ReferralInvalid as exc:
            for name, message in exc.errors.items():
                if name.startswith("people."):
                    _, index, field = name.split(".", 2)
                    line, fields = group.people[int(index)]
                    if field == "date_of_birth" and fields["date_of_birth"] is None:
                        continue  # already reported as unreadable
                    problems.append(ImportProblem(line, _COLUMN_OF.get(field, field), message))
                else:
                    problems.append(ImportProblem(group.first_line, _COLUMN_OF.get(name, name), message))
            continue
        checked.append((agency, clean))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, ALL_COLUMNS.index(p.column) if p.column in ALL_COLUMNS else 99))
        raise ImportRefused(problems)
    return checked


def import_referrals(data: bytes, filename: str, *, actor) -> ImportResult:
    """Check the whole file, then create every referral in it (the caller commits once)."""
    frame = read_frame(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    earlier = db.session.scalar(select(ReferralImportBatch).where(ReferralImportBatch.sha256 == digest))
    if earlier is not None:
        refuse(f"This file was already imported on {earlier.created_at_utc:%d %B %Y}: nothing was imported again")
    checked = check_rows(frame)
    batch = ReferralImportBatch(sha256=digest, original_name=filename[-255:], row_count=len(frame),
                                imported_by_user_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    referrals = [services.create_referral(clean, referrer=actor, agency=agency, source=ReferralSource.IMPORT,
                                          import_batch=batch) for agency, clean in checked]
    audit.record("ReferralsImported", actor=actor, object_type="referral_import_batch", object_id=batch.id,
                 rows=len(frame), referrals=len(referrals))
    return ImportResult(batch, referrals)


def batch_count() -> int:
    return db.session.scalar(select(func.count(ReferralImportBatch.id)))
