"""The agents table: one row per deployment with its install_new_agents state, live."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.text import Text

from wizard.migration.events import AgentUpdate
from wizard.tui.widgets.flex_table import FlexColumn, FlexTable

STATUS_STYLE = {
    "pending": "dim",
    "running": "bold yellow",
    "succeeded": "bold green",
    "failed": "bold red",
    "skipped": "cyan",
}


class AgentsTable(FlexTable):
    """Deployments with tenant, status, execution id and (for skips and failures) the reason; the
    columns share the width, and an execution id is shown whole (wrapped if it must be)."""

    COLUMNS = (
        FlexColumn("tenant", "Tenant", 1, 14),
        FlexColumn("deployment", "Deployment", 2, 12),
        FlexColumn("status", "Status", 0, 10),
        FlexColumn("execution", "Execution", 0, 12),
        FlexColumn("reason", "Reason", 4, 12),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[tuple[str, str], AgentUpdate] = {}

    def least_widths(self) -> list[int]:
        """The Execution column fits a whole id when the others can keep their minimum."""
        longest = max((len(u.execution_id or "") for u in self._rows.values()), default=0)
        others = sum(c.min_width for c in self.COLUMNS if c.key != "execution")
        fits = longest if self.room() - others >= longest else 0
        return [0, 0, 0, fits, 0]

    def _cells(self, update: AgentUpdate) -> list[Text | str]:
        return [
            update.tenant,
            update.deployment,
            Text(update.status, STATUS_STYLE.get(update.status, "")),
            Text(update.execution_id or "", overflow="fold"),
            Text(update.reason, "italic"),
        ]

    def update_agent(self, update: AgentUpdate) -> None:
        """Add or update the row of one deployment."""
        key = (update.tenant, update.deployment)
        new_id = key not in self._rows or (self._rows[key].execution_id or "") != (update.execution_id or "")
        self._rows[key] = update
        if new_id and len(update.execution_id or "") > self.columns["execution"].width:  # type: ignore[index]
            self._room = 0
            self.relayout()
        row_key = f"{update.tenant}/{update.deployment}"
        if row_key in self.rows:
            # a cell that changes its height needs the row drawn again
            self.redraw()
        else:
            self.add_row(*self._cells(update), key=row_key, height=None)

    def redraw(self) -> None:
        """Draw every deployment again."""
        cursor = self.cursor_row
        self.clear()
        for update in self._rows.values():
            self.add_row(*self._cells(update), key=f"{update.tenant}/{update.deployment}", height=None)
        if self._rows:
            self.move_cursor(row=min(max(cursor, 0), len(self._rows) - 1))

    def show(self, updates: Iterable[AgentUpdate]) -> None:
        """Draw every row from scratch (used when returning to the page)."""
        self._rows = {(u.tenant, u.deployment): u for u in updates}
        self._room = 0
        self.relayout()
        self.redraw()

    def counts(self) -> Counter[str]:
        """Deployments per status."""
        return Counter(u.status for u in self._rows.values())
