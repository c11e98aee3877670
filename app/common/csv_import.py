"""Reading an uploaded CSV for an all-or-nothing import: the checks every import shares.

pandas reads every cell as text (`dtype=str`), so an NHS number is never turned into a float and
leading zeros survive. Problems carry the line (the header is line 1) and column they concern.
"""
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from app.common.uploads import UploadRefused, looks_like_markup, sanitise_name


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [f"line {self.line}"] if self.line is not None else []
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportRefused(ValueError):
    def __init__(self, problems: list[ImportProblem]):
        super().__init__(f"{len(problems)} problem(s) in the file")
        self.problems = problems


def refuse(message):
    raise ImportRefused([ImportProblem(None, None, message)])


def read_csv_frame(data: bytes, filename: str | None, *, max_bytes: int, all_columns, required_columns,
                   max_rows: int, rows_called: str = "rows",
                   header_checks: Callable[[pd.DataFrame], list[ImportProblem]] | None = None) -> pd.DataFrame:
    """The file as a table of text, or ImportRefused listing every problem with its header."""
    try:
        # The same name rules as every upload: a name that climbs folders or hides characters is refused.
        filename = sanitise_name(filename)
    except UploadRefused as refused:
        refuse(refused.message)
    if not filename.lower().endswith(".csv"):
        refuse("The selected file must be a CSV file")
    if not data or not data.strip():
        refuse("The selected file is empty")
    if len(data) > max_bytes:
        refuse(f"The selected file must be smaller than {max_bytes // 1024}KB")
    if b"\x00" in data or looks_like_markup(data):
        refuse("The selected file must be a CSV file")  # a program, an archive, or HTML/SVG that could run script
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        refuse("The selected file must be saved as UTF-8 text (in Excel: CSV UTF-8)")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True,
                            quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        refuse("The selected file could not be read as CSV: check that it is comma-separated")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    problems = []
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if duplicated:
        problems.append(ImportProblem(1, ", ".join(duplicated), "Column appears more than once"))
    for column in frame.columns:
        if column not in all_columns:
            problems.append(ImportProblem(1, column, "Unknown column: see docs/IMPORTS.md for the columns"))
    for column in required_columns:
        if column not in frame.columns:
            problems.append(ImportProblem(1, column, "Missing column"))
    if header_checks:
        problems.extend(header_checks(frame))
    if problems:
        raise ImportRefused(problems)
    if frame.empty:
        refuse(f"The selected file has no {rows_called} under its header")
    if len(frame) > max_rows:
        refuse(f"The selected file has {len(frame):,} rows: import at most {max_rows:,} at a time")
    return frame
