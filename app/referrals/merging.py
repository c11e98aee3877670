"""Merging two families, or two people, found to be the same; and undoing a merge.

Generic over the schema: every table with a foreign key to `families.id` (or `people.id`) is found by
walking `db.metadata`, so tables that other packages add later follow without a change here. The
rows of the merged record move to the kept one; the kept record takes the values the manager chose;
the merged record's row is deleted. The `MergeRecord` keeps exactly which rows moved, the row that was
deleted and the values that were overwritten, so `unmerge` puts both records back as they were.

A row that would break a unique key by moving (both people linked to the same need) is, for a pure
link table (every column in that key), dropped and remembered; for any other table the merge is
refused with `MergeConflict`, naming the table.
"""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import select

from app import audit
from app.cases.models import Family, Person
from app.common.time import utcnow
from app.extensions import db
from app.referrals.models import MergeKind, MergeRecord

# What a manager chooses between, per kind: a field or a group of fields that go together.
CHOICES = {
    MergeKind.FAMILY: {
        "address": ("address_line_1", "address_line_2", "town", "postcode"),
        "lead_practitioner_id": ("lead_practitioner_id",),
    },
    MergeKind.PERSON: {
        "given_name": ("given_name",), "family_name": ("family_name",), "other_names": ("other_names",),
        "date_of_birth": ("date_of_birth",), "gender": ("gender",),
        "relationship_to_family": ("relationship_to_family",), "nhs_number": ("nhs_number",), "upn": ("upn",),
        "school_urn": ("school_urn",), "ni_number": ("ni_number",), "pnc_number": ("pnc_number",),
    },
}
MODELS = {MergeKind.FAMILY: Family, MergeKind.PERSON: Person}


class MergeError(ValueError):
    """A merge or unmerge the rules refuse; the message is fit to show the user."""


class MergeConflict(MergeError):
    pass


class MergeNotUndoable(MergeError):
    pass


# --- JSON-safe values ----------------------------------------------------------------------------------

def _dump(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return getattr(value, "value", value)  # enums by their code


def _load(column: sa.Column, value):
    if value is None:
        return None
    if isinstance(column.type, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, sa.Date):
        return date.fromisoformat(value)
    if isinstance(column.type, sa.Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


# --- The schema walk -----------------------------------------------------------------------------------

def referencing_columns(target: sa.Table) -> list[tuple[sa.Table, sa.Column]]:
    """Every (table, column) whose foreign key points at `target.id`, in a stable order."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name == MergeRecord.__tablename__:
            continue
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            if fk.column.table is target and fk.column.name == "id":
                found.append((table, fk.parent))
    return found


def _unique_keys(table: sa.Table, column: sa.Column) -> list[list[sa.Column]]:
    keys = []
    if table.primary_key.columns:
        keys.append(list(table.primary_key.columns))
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            keys.append(list(constraint.columns))
    for index in table.indexes:
        if index.unique:
            keys.append([c for c in index.columns if isinstance(c, sa.Column)])
    return [key for key in keys if column in key]


def _key_of(table: sa.Table, row) -> dict:
    return {c.name: _dump(row._mapping[c]) for c in table.primary_key.columns}


def _where_key(table: sa.Table, key: dict, column: sa.Column, column_value):
    clauses = []
    for name, value in key.items():
        col = table.c[name]
        clauses.append(col == (column_value if col is column else _load(col, value)))
    return sa.and_(*clauses)


def _move(table: sa.Table, column: sa.Column, from_id: int, to_id: int) -> dict:
    """Move every row of `table` whose `column` is from_id to to_id; return what happened."""
    if not table.primary_key.columns:
        raise MergeConflict(f"Records in '{table.name}' cannot be merged: the table has no primary key")
    dropped = []
    for key_columns in _unique_keys(table, column):
        others = [c for c in key_columns if c is not column]
        theirs = table.alias("theirs")
        clash = sa.and_(column == from_id, sa.exists().where(
            theirs.c[column.name] == to_id, *(theirs.c[c.name] == c for c in others)))
        rows = db.session.execute(select(table).where(clash).order_by(*table.primary_key.columns)).all()
        if not rows:
            continue
        if set(key_columns) != set(table.columns):
            raise MergeConflict(f"Both records have an entry in '{table.name}' that can only be held once: "
                                "remove one of them first")
        for row in rows:
            dropped.append({c.name: _dump(row._mapping[c]) for c in table.columns})
            db.session.execute(table.delete().where(_where_key(table, _key_of(table, row), column, from_id)))
    rows = db.session.execute(select(*table.primary_key.columns).where(column == from_id)
                              .order_by(*table.primary_key.columns)).all()
    keys = [_key_of(table, row) for row in rows]
    if keys:
        db.session.execute(table.update().where(column == from_id).values({column.name: to_id}))
    return {"table": table.name, "column": column.name, "keys": keys, "dropped": dropped}


# --- Merge and unmerge ---------------------------------------------------------------------------------

def merge(kind, kept, merged, choices: dict[str, str], *, actor) -> MergeRecord:
    """Merge `merged` into `kept`. `choices` maps each choice name to "kept" or "merged"."""
    kind = MergeKind(kind)
    model = MODELS[kind]
    if not isinstance(kept, model) or not isinstance(merged, model):
        raise MergeError("Choose two records of the same kind")
    if kept.id == merged.id:
        raise MergeError("Choose two different records")
    unknown = set(choices) - set(CHOICES[kind])
    if unknown or any(v not in ("kept", "merged") for v in choices.values()):
        raise MergeError("Choose which value to keep for each difference")
    db.session.flush()
    table = model.__table__
    merged_row = db.session.execute(select(table).where(table.c.id == merged.id)).one()
    snapshot = {c.name: _dump(merged_row._mapping[c]) for c in table.columns}

    kept_before = {}
    for choice, side in sorted(choices.items()):
        if side != "merged":
            continue
        for name in CHOICES[kind][choice]:
            new = getattr(merged, name)
            if getattr(kept, name) != new:
                kept_before[name] = _dump(getattr(kept, name))
                setattr(kept, name, new)  # through the ORM, so derived keys (name search keys) follow
    db.session.flush()

    moved = [_move(t, c, merged.id, kept.id) for t, c in referencing_columns(table)]
    merged_id = merged.id
    db.session.expunge(merged)
    db.session.execute(table.delete().where(table.c.id == merged_id))
    record = MergeRecord(kind=kind, kept_id=kept.id, merged_id=merged_id,
                         merged_by_user_id=actor.id if actor else None, kept_before=kept_before,
                         merged_row=snapshot, moved=[m for m in moved if m["keys"] or m["dropped"]])
    db.session.add(record)
    db.session.flush()
    db.session.expire_all()
    family_id = kept.id if kind == MergeKind.FAMILY else kept.family_id
    audit.record("FamiliesMerged" if kind == MergeKind.FAMILY else "PeopleMerged", actor=actor,
                 object_type="merge_record", object_id=record.id, family_id=family_id,
                 person_id=kept.id if kind == MergeKind.PERSON else None, kept_id=kept.id, merged_id=merged_id,
                 fields=sorted(kept_before), rows_moved=sum(len(m["keys"]) for m in record.moved))
    return record


def unmerge(record: MergeRecord, *, actor) -> None:
    """Put both records back: the merged row again (same id), its rows moved back, the kept values restored."""
    if record.undone_at_utc is not None:
        raise MergeNotUndoable("This merge has already been undone")
    model = MODELS[record.kind]
    table = model.__table__
    kept = db.session.get(model, record.kept_id)
    if kept is None:
        raise MergeNotUndoable("The kept record no longer exists (it may have been merged again): undo that first")
    if db.session.get(model, record.merged_id) is not None:
        raise MergeNotUndoable("The merged record already exists again")
    db.session.flush()
    db.session.execute(table.insert().values({c.name: _load(c, record.merged_row.get(c.name)) for c in table.columns
                                              if c.name in record.merged_row}))
    for entry in record.moved:
        moved_table = db.metadata.tables[entry["table"]]
        column = moved_table.c[entry["column"]]
        for key in entry["keys"]:
            db.session.execute(moved_table.update().where(_where_key(moved_table, key, column, record.kept_id))
                               .values({column.name: record.merged_id}))
        for row in entry["dropped"]:
            db.session.execute(moved_table.insert().values(
                {name: _load(moved_table.c[name], value) for name, value in row.items()}))
    for name, value in record.kept_before.items():
        setattr(kept, name, _load(table.c[name], value))
    record.undone_at_utc = utcnow()
    record.undone_by_user_id = actor.id if actor else None
    db.session.flush()
    db.session.expire_all()
    family_id = record.kept_id if record.kind == MergeKind.FAMILY else kept.family_id
    audit.record("FamilyUnmerged" if record.kind == MergeKind.FAMILY else "PersonUnmerged", actor=actor,
                 object_type="merge_record", object_id=record.id, family_id=family_id,
                 person_id=record.kept_id if record.kind == MergeKind.PERSON else None,
                 kept_id=record.kept_id, merged_id=record.merged_id)


def differences(kind, kept, merged) -> list[tuple[str, object, object]]:
    """The choices on which the two records differ: (choice, kept's values, merged's values)."""
    out = []
    for choice, names in CHOICES[MergeKind(kind)].items():
        mine = tuple(getattr(kept, n) for n in names)
        theirs = tuple(getattr(merged, n) for n in names)
        if mine != theirs:
            out.append((choice, mine, theirs))
    return out


def merge_history(page: int = 1, per_page: int = 25):
    return db.paginate(select(MergeRecord).order_by(MergeRecord.created_at_utc.desc(), MergeRecord.id.desc()),
                       page=page, per_page=per_page, error_out=False)
