"""Page 3: snapshot options and the live execution events while it is created."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button, Checkbox, Static

from wizard.migration.config import SnapshotOptions
from wizard.migration.events import Event, LogLine, StepProgress
from wizard.migration.steps import StepId
from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.screens.base import StepPage
from wizard.tui.widgets.event_log import EventLog
from wizard.tui.widgets.transfer import TransferProgress


class SnapshotPage(StepPage):
    """What goes into the snapshot, then its creation, live."""

    page = Page.SNAPSHOT
    intro = (
        "Creates a snapshot on the old manager and waits until it is [b]created[/b]. The old manager "
        "is not changed otherwise. Then the snapshot is downloaded and the new manager checked."
    )

    def compose_body(self) -> ComposeResult:
        """Options, a status line and the execution's events."""
        yield Checkbox(
            "Include credentials (agent SSH keys; needed to reinstall agents over SSH)",
            value=True,
            compact=True,
            id="include-credentials",
        )
        yield Checkbox("Include logs", value=True, compact=True, id="include-logs")
        yield Checkbox("Include events", value=True, compact=True, id="include-events")
        yield Checkbox(
            "Queue behind running executions instead of failing", value=False, compact=True, id="queue"
        )
        yield Checkbox(
            "Freeze the old manager after the snapshot (maintenance mode; agents unaffected)",
            value=False,
            compact=True,
            id="freeze-old",
        )
        yield Static(
            "The snapshot holds secrets (credentials, certificates): it is stored with mode 0600.",
            classes="muted",
        )
        yield TransferProgress("Not started.", id="snapshot-progress")

    def compose_log(self) -> ComposeResult:
        """The snapshot execution's events."""
        yield EventLog(id="snapshot-log", classes="page-log")

    def compose_buttons(self) -> ComposeResult:
        """Create (then download and check)."""
        yield Button("Create snapshot ▶", variant="primary", id="primary")

    @property
    def event_log(self) -> EventLog:
        """The execution events."""
        return self.query_one("#snapshot-log", EventLog)

    def snapshot_options(self) -> SnapshotOptions:
        """The chosen snapshot options."""

        def on(box: str) -> bool:
            return self.query_one(f"#{box}", Checkbox).value

        return SnapshotOptions(
            include_credentials=on("include-credentials"),
            include_logs=on("include-logs"),
            include_events=on("include-events"),
            queue=on("queue"),
            freeze_old=on("freeze-old"),
        )

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """Log lines of the snapshot step."""
        if isinstance(event, LogLine):
            self.event_log.add(event)

    def on_engine_progress(self, event: StepProgress, model: RunModel) -> None:
        """The snapshot's status."""
        self.query_one("#snapshot-progress", TransferProgress).update_progress(event)

    def sync(self, model: RunModel, busy: bool) -> None:
        """Options are frozen once the snapshot exists."""
        state = model.step_states.get(StepId.CREATE_SNAPSHOT, "pending")
        done = state in {"done", "already-done", "skipped"}
        for box in self.query(Checkbox):
            box.disabled = busy or done
        if done:
            self.query_one("#snapshot-progress", TransferProgress).finish(
                model.step_details.get(StepId.CREATE_SNAPSHOT, "created")
            )
        label = "Next: download ▶" if done else "Create snapshot ▶"
        self.set_button("primary", label=label, disabled=busy)
