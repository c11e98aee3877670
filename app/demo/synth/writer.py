"""Bulk writing for synthetic data: rows are plain dicts buffered per table and written in chunks, with
PostgreSQL's COPY where it is available and SQLAlchemy Core `insert()` executemany elsewhere (SQLite).
Ids are handed out here, not by the database, so a row's children can refer to it before it is written;
on PostgreSQL the id sequences are moved past the highest id at the end.

Everything is written through the session's own connection, so it lands in the caller's transaction.
"""
import json
from collections import defaultdict
from operator import itemgetter

import sqlalchemy as sa

from app.extensions import db


class BulkWriter:
    def __init__(self, session=None):
        self.session = session or db.session
        self.connection = self.session.connection()
        self.is_postgresql = self.connection.dialect.name == "postgresql"
        self.tables = db.metadata.tables
        # Parents before children, so a chunk never refers to a row that is not there yet.
        self.order = [t.name for t in db.metadata.sorted_tables]
        self.buffers: dict[str, list[dict]] = defaultdict(list)
        self.next_ids: dict[str, int] = {}
        self.written: dict[str, int] = defaultdict(int)

    def new_id(self, table: str) -> int:
        if table not in self.next_ids:
            top = self.connection.execute(sa.select(sa.func.max(self.tables[table].c.id))).scalar()
            self.next_ids[table] = (top or 0) + 1
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, row: dict) -> None:
        self.buffers[table].append(row)

    def flush(self) -> None:
        """Write every buffered row, parents first."""
        for name in self.order:
            rows = self.buffers.pop(name, None)
            if rows:
                self._write(self.tables[name], rows)
                self.written[name] += len(rows)

    def _write(self, table: sa.Table, rows: list[dict]) -> None:
        # Columns a row leaves out take their model default, as an ORM insert would give them.
        defaults = {c.name: c.default.arg for c in table.columns
                    if c.name not in rows[0] and c.default is not None and c.default.is_scalar}
        if defaults:
            for row in rows:
                row.update(defaults)
        columns = list(rows[0])
        if not self.is_postgresql:
            self._insert_many(table, columns, rows)
            return
        json_columns = {c for c in columns if isinstance(table.c[c].type, sa.JSON)}
        raw = self.connection.connection.driver_connection
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c]
                                for c in columns])

    def _insert_many(self, table: sa.Table, columns: list[str], rows: list[dict]) -> None:
        """An INSERT executed for many rows by the driver itself, each value converted by its column's type
        (dates, JSON, booleans) as Core would: Core's own per-row parameter handling costs more than the
        insert on SQLite."""
        dialect = self.connection.dialect
        statement = sa.insert(table).compile(dialect=dialect, column_keys=columns)
        order = list(statement.positiontup)
        for column in order:
            convert = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
            if convert is not None:
                for row in rows:
                    row[column] = convert(row[column])
        values = itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
        self.connection.exec_driver_sql(str(statement), list(map(values, rows)))

    def finish(self) -> None:
        """Flush, refresh the planner's statistics, and on PostgreSQL move each id sequence past the ids
        handed out here. Without ANALYZE the planner guesses from an empty table's statistics until
        autovacuum catches up, and picks plans (a caseload of 18 s instead of 0.3 s at 60,000 families)
        that no real database would."""
        self.flush()
        self.connection.exec_driver_sql("ANALYZE")
        if not self.is_postgresql:
            return
        for name in self.next_ids:  # table names from the metadata, never from input
            top = self.connection.execute(sa.select(sa.func.max(self.tables[name].c.id))).scalar()
            self.connection.execute(sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :top)"),
                                    {"table": name, "top": top})
