"""Small-number suppression for group reports: pure functions, no database.

Primary: a count from 1 to threshold-1 is shown as "fewer than N" (0 is shown: it identifies no-one).
Secondary: a line of a table (a row or a column, with its total) that has exactly one hidden member
would give it away by subtraction, so one more member is hidden: the smallest visible cell of the line,
or the line's total when no cell is left. This repeats until every line with a hidden member has at
least two, across rows, columns and the totals row and column.
"""
from dataclasses import dataclass
from enum import Enum

DEFAULT_THRESHOLD = 5


class Hidden(Enum):
    SHOWN = "shown"
    PRIMARY = "primary"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: Hidden = Hidden.SHOWN

    @property
    def shown(self) -> bool:
        return self.hidden is Hidden.SHOWN

    def text(self, threshold: int = DEFAULT_THRESHOLD) -> str:
        if self.hidden is Hidden.PRIMARY:
            return f"fewer than {threshold}"
        if self.hidden is Hidden.SECONDARY:
            return "suppressed"
        return f"{self.value:,}"

    @property
    def plotted(self) -> int | None:
        """What a chart may draw: nothing for a hidden count (a bar would show its size)."""
        return self.value if self.shown else None


@dataclass(frozen=True)
class SuppressedTable:
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    grand_total: Cell | None
    threshold: int


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress(matrix, threshold: int = DEFAULT_THRESHOLD, *, row_totals: bool = True,
             column_totals: bool = True) -> SuppressedTable:
    """Suppress a table of counts (a list of rows of ints) with optional row and column totals."""
    if threshold < 1:
        raise ValueError("the suppression threshold must be at least 1")
    rows = [list(r) for r in matrix]
    n_rows, n_cols = len(rows), (len(rows[0]) if rows else 0)
    if any(len(r) != n_cols for r in rows):
        raise ValueError("every row of a table needs the same number of cells")
    if any(v < 0 for r in rows for v in r):
        raise ValueError("counts cannot be negative")
    # The full grid: cells, then a totals column and a totals row where shown.
    width = n_cols + (1 if row_totals else 0)
    height = n_rows + (1 if column_totals else 0)
    grid = [[0] * width for _ in range(height)]
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            grid[i][j] = v
        if row_totals:
            grid[i][n_cols] = sum(r)
    if column_totals:
        for j in range(width):
            grid[n_rows][j] = sum(grid[i][j] for i in range(n_rows))
    hidden = [[Hidden.PRIMARY if is_small(grid[i][j], threshold) else Hidden.SHOWN for j in range(width)]
              for i in range(height)]

    # Each line: its member positions and the position of its sum (None: no total shown for it).
    lines = []
    for i in range(height):
        members = [(i, j) for j in range(n_cols)]
        lines.append((members, (i, n_cols) if row_totals else None))
    for j in range(width):
        members = [(i, j) for i in range(n_rows)]
        lines.append((members, (n_rows, j) if column_totals else None))

    changed = True
    while changed:
        changed = False
        for members, total in lines:
            if total is None:
                continue  # without a total, hiding one cell reveals nothing about it
            everyone = [*members, total]
            if sum(hidden[i][j] is not Hidden.SHOWN for i, j in everyone) != 1:
                continue
            visible = [(grid[i][j], i, j) for i, j in members if hidden[i][j] is Hidden.SHOWN]
            # The smallest visible cell protects best and costs least; a zero will do when nothing else is left.
            nonzero = [v for v in visible if v[0] > 0]
            pick = min(nonzero or visible, default=None)
            i, j = (pick[1], pick[2]) if pick else total
            hidden[i][j] = Hidden.SECONDARY
            changed = True

    def cell(i, j):
        return Cell(grid[i][j], hidden[i][j])

    return SuppressedTable(
        cells=tuple(tuple(cell(i, j) for j in range(n_cols)) for i in range(n_rows)),
        row_totals=tuple(cell(i, n_cols) for i in range(n_rows)) if row_totals else None,
        column_totals=tuple(cell(n_rows, j) for j in range(n_cols)) if column_totals else None,
        grand_total=cell(n_rows, n_cols) if row_totals and column_totals else None,
        threshold=threshold,
    )


def suppress_value(value: int, threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """A single count on its own (no total beside it)."""
    return Cell(value, Hidden.PRIMARY if is_small(value, threshold) else Hidden.SHOWN)
