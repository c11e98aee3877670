"""Dashboard tables as CSV and XLSX (pandas and openpyxl): suppressed as on the page, and every text cell
that a spreadsheet would read as a formula (starting =, +, -, @, tab or carriage return) escaped."""
import io

import pandas as pd

# One escaping rule for every export (claims use it too), kept in common; re-exported for existing callers.
from app.common.spreadsheet import FORMULA_STARTS, escape_cell  # noqa: F401
from app.reporting.queries import Presented


def frame(presented: Presented) -> pd.DataFrame:
    table = presented.table
    threshold = presented.threshold

    def value(cell):
        return cell.value if cell.shown else cell.text(threshold)

    columns = [table.row_header, *table.columns]
    with_totals = presented.suppressed.row_totals is not None
    if with_totals:
        columns.append("Total")
    rows = []
    for label, cells, total in presented.body():
        row = [label, *(value(c) for c in cells)]
        if with_totals:
            row.append(value(total))
        rows.append(row)
    if presented.suppressed.column_totals is not None and rows:
        row = ["Total", *(value(c) for c in presented.suppressed.column_totals)]
        if with_totals:
            row.append(value(presented.suppressed.grand_total))
        rows.append(row)
    data = pd.DataFrame(rows, columns=columns, dtype=object)
    data.columns = [escape_cell(c) for c in data.columns]
    return data.map(escape_cell)


def to_csv(presented_tables: list[Presented], heading: str) -> bytes:
    out = io.StringIO()
    out.write(f"{escape_cell(heading)}\n")
    for presented in presented_tables:
        out.write(f"\n{escape_cell(presented.table.title)}\n")
        frame(presented).to_csv(out, index=False)
        for name, text in presented.table.facts:
            out.write(f"{escape_cell(name)},{escape_cell(text)}\n")
    # UTF-8 with a byte-order mark, so Excel opens names with accents correctly.
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(presented_tables: list[Presented], heading: str) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        used = set()
        for presented in presented_tables:
            name = _sheet_name(presented.table.title, used)
            data = frame(presented)
            data.to_excel(writer, sheet_name=name, index=False, startrow=2)
            sheet = writer.sheets[name]
            sheet["A1"] = escape_cell(presented.table.title)
            sheet["A2"] = escape_cell(heading)
            for offset, (fact, text) in enumerate(presented.table.facts):
                sheet.cell(row=len(data) + 5 + offset, column=1, value=escape_cell(fact))
                sheet.cell(row=len(data) + 5 + offset, column=2, value=escape_cell(text))
    return out.getvalue()


def _sheet_name(title: str, used: set) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28]
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name
