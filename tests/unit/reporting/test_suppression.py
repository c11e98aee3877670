"""Small-number suppression: primary (counts below the threshold) and secondary (a second cell hidden
where a total would give the first away), in rows, columns and totals."""
import pytest

from app.reporting.suppression import Hidden, suppress, suppress_value


def hidden_map(table):
    return [[c.hidden for c in row] for row in table.cells]


S, P, X = Hidden.SHOWN, Hidden.PRIMARY, Hidden.SECONDARY


def test_nothing_small_nothing_hidden():
    t = suppress([[10, 20], [30, 40]])
    assert hidden_map(t) == [[S, S], [S, S]]
    assert [c.value for c in t.row_totals] == [30, 70]
    assert [c.value for c in t.column_totals] == [40, 60]
    assert t.grand_total.value == 100 and t.grand_total.shown


def test_primary_shows_fewer_than_threshold_and_zero_is_shown():
    cell = suppress_value(3)
    assert cell.hidden is P and cell.text() == "fewer than 5" and cell.plotted is None
    assert suppress_value(0).text() == "0"
    assert suppress_value(5).text() == "5"
    assert suppress_value(2, threshold=10).text(10) == "fewer than 10"


def test_secondary_in_a_single_column_with_a_total():
    # 3 is hidden; with the total 63 shown, 63 - 50 - 10 would reveal it: the smallest other (10) goes too.
    t = suppress([[50], [3], [10]], row_totals=False)
    assert hidden_map(t) == [[S], [P], [X]]
    assert t.column_totals[0].shown and t.column_totals[0].value == 63
    assert t.cells[2][0].text() == "suppressed"


def test_secondary_hides_the_total_when_no_other_cell_is_left():
    t = suppress([[3]], row_totals=False)
    # the total equals the cell: it is small itself, so it is primary-hidden already
    assert t.column_totals[0].hidden is P
    t = suppress([[3], [0]], row_totals=False)
    assert t.cells[0][0].hidden is P and t.column_totals[0].hidden is P


def test_rows_and_columns_both_protected():
    t = suppress([[2, 20, 30], [40, 50, 60]])
    cells = hidden_map(t)
    assert cells[0][0] is P
    # row 0: the smallest other cell (20) goes; column 0: 40 goes; then column 1 and row 1 need partners too
    for i, row in enumerate(cells):
        line = [*row, t.row_totals[i].hidden]
        assert sum(h is not S for h in line) != 1, f"row {i} gives a cell away"
    for j in range(3):
        line = [cells[0][j], cells[1][j], t.column_totals[j].hidden]
        assert sum(h is not S for h in line) != 1, f"column {j} gives a cell away"
    assert cells[0][1] is X and cells[1][0] is X


def test_totals_row_and_column_are_lines_too():
    t = suppress([[10, 10], [10, 3]])
    # the 3 forces partners; no line (including the totals row and column) has exactly one hidden member
    grid = [[*[c.hidden for c in row], t.row_totals[i].hidden] for i, row in enumerate(t.cells)]
    grid.append([*[c.hidden for c in t.column_totals], t.grand_total.hidden])
    for line in [*grid, *zip(*grid, strict=True)]:
        assert sum(h is not S for h in line) != 1


def test_hidden_values_are_never_plotted():
    t = suppress([[50], [3], [10]], row_totals=False)
    assert [row[0].plotted for row in t.cells] == [50, None, None]


def test_bad_input_refused():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress([[-1]])
    with pytest.raises(ValueError):
        suppress([[1]], threshold=0)
