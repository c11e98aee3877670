"""Exports escape formula cells and keep suppression; charts never draw a hidden count and inline cleanly."""
import re

from app.reporting import charts, exports
from app.reporting.queries import Table, present


def _table(rows, columns=("Families",), **kwargs):
    return Table("t", "A table", "Label", list(columns), rows, **kwargs)


def test_formula_cells_are_escaped():
    for text in ("=1+1", "+44", "-3", "@SUM(A1)", "\tx", "\rx"):
        assert exports.escape_cell(text) == "'" + text
    assert exports.escape_cell("Safe text") == "Safe text"
    assert exports.escape_cell(12) == 12


def test_frame_shows_suppressed_text_and_escapes_labels():
    data = exports.frame(present(_table([("=evil()", [50]), ("b", [3]), ("c", [10])]), threshold=5))
    assert list(data.iloc[:, 0]) == ["'=evil()", "b", "c", "Total"]
    assert list(data.iloc[:, 1]) == [50, "fewer than 5", "suppressed", 63]


def test_csv_and_xlsx_hold_every_table():
    tables = [present(_table([("a", [7]), ("b", [9])]), threshold=5)]
    assert b"A table" in exports.to_csv(tables, "Heading")
    assert exports.to_xlsx(tables, "Heading").startswith(b"PK")  # a zip: an Office Open XML workbook


def test_hidden_counts_are_not_drawn():
    svg = charts.chart_svg(present(_table([("Shown", [50]), ("Hidden", [3]), ("Partner", [10])]), threshold=5))
    assert "Counts below 5 are not drawn" in svg
    # one bar only (filled in the first series colour): the two hidden counts have none
    assert svg.count(f"fill: {charts.COLOURS[0]}") == 1
    wider = charts.chart_svg(present(_table([("Shown", [50]), ("Other", [30]), ("Partner", [10])]), threshold=5))
    assert wider.count(f"fill: {charts.COLOURS[0]}") == 3


def test_nothing_to_draw_means_no_chart():
    assert charts.chart_svg(present(_table([("a", [3]), ("b", [0])]), threshold=5)) is None
    assert charts.chart_svg(present(_table([("a", [30])], chart=None), threshold=5)) is None


def test_inline_svg_has_no_prologue_and_ids_of_its_own():
    svg = charts.chart_svg(present(_table([("a", [30]), ("b", [40])]), threshold=5))
    assert svg.lstrip().startswith("<?xml")
    one, two = charts.inline_svg(svg, "First", "one"), charts.inline_svg(svg, "Second", "two")
    assert one.lstrip().startswith("<svg") and 'aria-label="First"' in one
    ids_one, ids_two = set(re.findall(r'id="([^"]+)"', one)), set(re.findall(r'id="([^"]+)"', two))
    assert ids_one and not ids_one & ids_two
    assert 'width="100%"' in charts.responsive_svg(svg)
