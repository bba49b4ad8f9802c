"""The agents table: one row per deployment with its install_new_agents state, live."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.text import Text
from textual.widgets import DataTable

from wizard.migration.events import AgentUpdate

STATUS_STYLE = {
    "pending": "dim",
    "running": "bold yellow",
    "succeeded": "bold green",
    "failed": "bold red",
    "skipped": "cyan",
    "manual": "bold magenta",
}


class AgentsTable(DataTable[Text | str]):
    """Deployments with tenant, status, execution id and (for skips and failures) the reason."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._rows: dict[tuple[str, str], AgentUpdate] = {}

    def on_mount(self) -> None:
        """Declare the columns."""
        self.add_column("Tenant", width=14, key="tenant")
        self.add_column("Deployment", width=16, key="deployment")
        self.add_column("Status", width=10, key="status")
        self.add_column("Execution", width=10, key="execution")
        self.add_column("Reason", width=27, key="reason")

    def update_agent(self, update: AgentUpdate) -> None:
        """Add or update the row of one deployment."""
        key = (update.tenant, update.deployment)
        row_key = f"{update.tenant}/{update.deployment}"
        status = Text(update.status, STATUS_STYLE.get(update.status, ""))
        execution = (update.execution_id or "")[:8]
        reason = Text(update.reason, "italic")
        if key in self._rows:
            self.update_cell(row_key, "status", status)
            self.update_cell(row_key, "execution", execution)
            self.update_cell(row_key, "reason", reason, update_width=False)
        else:
            self.add_row(
                update.tenant, update.deployment, status, execution, reason, key=row_key, height=None
            )
        self._rows[key] = update

    def show(self, updates: Iterable[AgentUpdate]) -> None:
        """Draw every row from scratch (used when returning to the page)."""
        self.clear()
        self._rows.clear()
        for update in updates:
            self.update_agent(update)

    def counts(self) -> Counter[str]:
        """Deployments per status."""
        return Counter(u.status for u in self._rows.values())
