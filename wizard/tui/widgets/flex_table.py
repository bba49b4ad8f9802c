"""A DataTable whose columns share the table's width (DataTable's columns have fixed widths):
on a wide terminal the text gets the room instead of empty columns beside the table; on a
narrow one every column shrinks to no less than its minimum, so nothing is pushed off-screen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.widgets import DataTable


@dataclass(frozen=True)
class FlexColumn:
    """A column: its key and label, its share of the spare width, its least width."""

    key: str
    label: str
    weight: float
    min_width: int


def share(columns: Sequence[FlexColumn], room: int, least: Sequence[int] | None = None) -> list[int]:
    """Column widths that fill `room` cells: each column its minimum (or `least`, if larger),
    then the rest by weight. Pure, so it is unit-tested."""
    mins = [max(c.min_width, (least or [0] * len(columns))[i]) for i, c in enumerate(columns)]
    spare = room - sum(mins)
    if spare <= 0:
        return mins
    weights = [c.weight for c in columns]
    total = sum(weights) or 1.0
    widths = [m + int(spare * w / total) for m, w in zip(mins, weights, strict=True)]
    # the cells lost to rounding go to the heaviest column
    widths[weights.index(max(weights))] += room - sum(widths)
    return widths


class FlexTable(DataTable[Text | str]):
    """Columns from `COLUMNS`; on every change of width the widths are shared again and the rows
    drawn again (`redraw`), so that wrapped cells get their new heights."""

    DEFAULT_CSS = """
    FlexTable { width: 1fr; }
    """

    COLUMNS: tuple[FlexColumn, ...] = ()

    def __init__(self, *, id: str | None = None, cursor_type: str = "row") -> None:
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=True)  # type: ignore[arg-type]
        self._room = 0

    def on_mount(self) -> None:
        """Declare the columns at their minimum widths (the first resize shares the width)."""
        for column in self.COLUMNS:
            self.add_column(column.label, width=column.min_width, key=column.key)

    def least_widths(self) -> list[int]:
        """Widths a column must not go below for the rows it holds now (e.g. the longest id)."""
        return [0] * len(self.COLUMNS)

    def room(self) -> int:
        """The cells the columns may take (the padding of every cell aside)."""
        return max(0, self.scrollable_content_region.width - 2 * self.cell_padding * len(self.COLUMNS))

    def on_resize(self, event: events.Resize) -> None:
        """Share the new width, then draw the rows again."""
        if self.room() != self._room:
            self.relayout()

    def relayout(self) -> bool:
        """Share the width among the columns and draw the rows again if a width changed (then
        True)."""
        self._room = self.room()
        if not self._room or not self.columns:
            return False
        widths = share(self.COLUMNS, self._room, self.least_widths())
        changed = False
        for column, width in zip(self.COLUMNS, widths, strict=True):
            current = self.columns[column.key]  # type: ignore[index]
            if current.width != width:
                current.width, current.auto_width, changed = width, False, True
        if changed:
            self.redraw()
        return changed

    def redraw(self) -> None:
        """Add the rows again (the subclass knows them)."""
