"""The agents census of the old manager, per tenant: how many deployments will move (and their
agents), have nothing to move, or cannot move automatically — and which cannot, and why. Drawn
from the `old.agents-census` finding's data, so it needs nothing but the findings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wizard.migration.findings import Finding

COLUMNS = (
    ("move", "Will move", 11),
    ("agents", "Agents", 8),
    ("nothing", "Nothing to move", 16),
    ("manual", "Cannot move", 12),
)
#: the deployments that cannot move, listed under the table
SHOWN = 6


def _counts(data: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    tenants = data.get("tenants")
    if not isinstance(tenants, Mapping):
        return {}
    return {
        str(t): {k: int(row.get(k, 0)) for k, _label, _w in COLUMNS}
        for t, row in tenants.items()
        if isinstance(row, Mapping)
    }


class CensusTable(Vertical):
    """A title, the per-tenant table and the list of deployments that cannot move."""

    DEFAULT_CSS = """
    CensusTable { height: auto; }
    CensusTable DataTable { height: auto; max-height: 12; }
    CensusTable .census-title { text-style: bold; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        """Title, table, the cannot-move list."""
        yield Static("Agents census: not taken yet.", classes="census-title")
        yield DataTable[Text | str](cursor_type="none", zebra_stripes=True, id="census-table")
        yield Static("", id="census-manual")

    def on_mount(self) -> None:
        """Declare the columns; hidden until a census arrives."""
        self.display = False
        table = self.query_one(DataTable)
        table.add_column("Tenant", width=20, key="tenant")
        for key, label, width in COLUMNS:
            table.add_column(label, width=width, key=key)

    def show(self, finding: Finding | None) -> None:
        """Draw the census from an `old.agents-census` finding (None: not taken)."""
        title = self.query_one(".census-title", Static)
        table: DataTable[Text | str] = self.query_one(DataTable)
        table.clear()
        self.display = finding is not None
        if finding is None:
            title.update("Agents census: not taken yet.")
            self.query_one("#census-manual", Static).update("")
            return
        title.update(Text.assemble(("Agents census  ", "bold"), (finding.detail.split(". ")[0], "")))
        counts = _counts(finding.data)
        totals = {k: sum(row[k] for row in counts.values()) for k, _l, _w in COLUMNS}
        for tenant, row in sorted(counts.items()):
            table.add_row(tenant, *self._cells(row), key=tenant)
        if len(counts) > 1:
            table.add_row(Text("all tenants", "bold"), *self._cells(totals), key="__all__")
        self.query_one("#census-manual", Static).update(self._manual(finding.data))

    @staticmethod
    def _cells(row: Mapping[str, int]) -> list[Text | str]:
        cells: list[Text | str] = []
        for key, _label, _w in COLUMNS:
            value = row.get(key, 0)
            style = "bold yellow" if key == "manual" and value else ("green" if key == "move" else "")
            cells.append(Text(str(value), style))
        return cells

    @staticmethod
    def _manual(data: Mapping[str, Any]) -> Text:
        rows = [r for r in data.get("manual") or [] if isinstance(r, Mapping)]
        if not rows:
            return Text("Every agent can move by itself.", "green")
        text = Text(
            "Cannot move automatically (the old manager stays needed until handled or waived):\n", "yellow"
        )
        for r in rows[:SHOWN]:
            text.append(f"  • {r.get('tenant')}/{r.get('deployment')}", "bold")
            text.append(f" — {r.get('reason')}\n")
        total = int(data.get("manual_total") or len(rows))
        if total > SHOWN:
            text.append(f"  … and {total - SHOWN} more (the report lists them all)\n", "dim")
        return text
