"""Page 7: install_new_agents per installed deployment, live; skips with the reason; retry."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Button, Static

from wizard.migration.events import AgentUpdate, Event, LogLine, StepProgress
from wizard.migration.steps import StepId
from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.screens.base import StepPage
from wizard.tui.widgets.agents_table import STATUS_STYLE, AgentsTable
from wizard.tui.widgets.event_log import EventLog
from wizard.tui.widgets.transfer import TransferProgress


class AgentsPage(StepPage):
    """The deployments table, counts, progress and the log."""

    page = Page.AGENTS
    intro = (
        "Runs [b]install_new_agents[/b] for every installed deployment so its agents talk to the new "
        "manager. [b]The old manager must stay up until this is done.[/b] Old agents are not removed."
    )

    def compose_body(self) -> ComposeResult:
        """Counts, progress, table, log."""
        yield Static("No deployments yet.", id="agent-counts")
        yield TransferProgress("Not started.", id="agents-progress")
        yield AgentsTable(id="agents")

    def compose_log(self) -> ComposeResult:
        """The install_new_agents notes."""
        yield EventLog(id="agents-log", classes="page-log")

    def compose_buttons(self) -> ComposeResult:
        """Install / retry / next."""
        yield Button("Retry failed", id="retry", variant="warning")
        yield Button("Install new agents ▶", variant="primary", id="primary")

    @property
    def table(self) -> AgentsTable:
        """The deployments."""
        return self.query_one(AgentsTable)

    def _counts(self) -> None:
        counts = self.table.counts()
        text = Text()
        for status in ("succeeded", "running", "pending", "failed", "skipped"):
            text.append(
                f"{status.upper()} {counts.get(status, 0)}  ",
                STATUS_STYLE[status] if counts.get(status) else "dim",
            )
        if counts.get("manual"):  # cannot move automatically: the old manager stays needed
            text.append(f"CANNOT MOVE {counts['manual']}  ", STATUS_STYLE["manual"])
        self.query_one("#agent-counts", Static).update(text)

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """Rows change live."""
        if isinstance(event, AgentUpdate):
            self.table.update_agent(event)
            self._counts()
        elif isinstance(event, LogLine):
            self.query_one("#agents-log", EventLog).add(event)

    def on_engine_progress(self, event: StepProgress, model: RunModel) -> None:
        """N of M deployments done (the skipped ones are not among the M: they have nothing to move)."""
        skipped = self.table.counts().get("skipped", 0)
        noun = "deployment" if event.total == 1 else "deployments"
        line = f"{event.done:.0f} of {event.total:.0f} {noun} done"
        if skipped:
            line += f" · {skipped} skipped (nothing to move)"
        self.query_one("#agents-progress", TransferProgress).update_progress(
            StepProgress(event.step, event.done, event.total, event.unit, line, at=event.at)
        )

    def sync(self, model: RunModel, busy: bool) -> None:
        """Retry only with failures; next once the step ended."""
        state = model.step_states.get(StepId.INSTALL_AGENTS, "pending")
        failed = any(u.status == "failed" for u in model.agents.values())
        self.set_button("retry", disabled=busy or not failed, visible=failed)
        ended = state in {"done", "already-done", "skipped", "failed"} and (state != "failed" or failed)
        self.set_button(
            "primary", label="Next: summary ▶" if ended else "Install new agents ▶", disabled=busy
        )
