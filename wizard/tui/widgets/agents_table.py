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
    "manual": "bold magenta",
}


class AgentsTable(FlexTable):
    """Deployments with their tenant; under each deployment its execution id (whole: it is what
    one looks up on the manager), under each status the reason of a skip or a failure. The
    columns share the width."""

    COLUMNS = (
        FlexColumn("tenant", "Tenant", 1, 14),
        FlexColumn("deployment", "Deployment / execution", 2, 16),
        FlexColumn("status", "Status / reason", 3, 16),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[tuple[str, str], AgentUpdate] = {}

    def least_widths(self) -> list[int]:
        """The deployment column fits a whole execution id."""
        longest = max((len(u.execution_id or "") for u in self._rows.values()), default=0)
        return [0, longest, 0]

    def _cells(self, update: AgentUpdate) -> list[Text | str]:
        deployment = Text(update.deployment)
        if update.execution_id:
            deployment.append(f"\n{update.execution_id}", "dim")
        status = Text(update.status, STATUS_STYLE.get(update.status, ""))
        if update.reason:
            status.append(f"\n{update.reason}", "italic")
        return [update.tenant, deployment, status]

    def update_agent(self, update: AgentUpdate) -> None:
        """Add or update the row of one deployment."""
        key = (update.tenant, update.deployment)
        known = key in self._rows
        self._rows[key] = update
        if len(update.execution_id or "") > self.columns["deployment"].width:  # type: ignore[index]
            self._room = 0
            if self.relayout():
                return  # every row, this one too, was drawn again at the new widths
        if known:
            # a cell that changes its height needs the rows drawn again
            self.redraw()
        else:
            self.add_row(*self._cells(update), key=f"{update.tenant}/{update.deployment}", height=None)

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
        if not self.relayout():
            self.redraw()

    def counts(self) -> Counter[str]:
        """Deployments per status."""
        return Counter(u.status for u in self._rows.values())
