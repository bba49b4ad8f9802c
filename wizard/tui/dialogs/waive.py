"""Waive one blocking finding by its id, with a reason that goes into the report."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from wizard.migration.findings import Finding, Waiver
from wizard.tui.dialogs.base import Dialog


class WaiveDialog(Dialog[Waiver | None]):
    """Shows the finding and asks why it is safe to go on; a reason is required."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, finding: Finding) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        """The finding, the warning, the reason input and the buttons."""
        f = self.finding
        body = Text()
        body.append(f"{f.status.value}  {f.title}\n", "bold red")
        body.append(f"id: {f.id}\n", "dim")
        if f.detail:
            body.append(f"{f.detail}\n")
        if f.remediation:
            body.append(f"Fix instead: {f.remediation}\n", "italic")
        body.append(
            "\nWaiving lets the next destructive step run despite this finding. "
            "The waiver and your reason are written to the report.",
            "yellow",
        )
        with Vertical(classes="dialog-box dialog-wide"):
            yield Label(f"Waive {f.id}?", classes="dialog-title")
            yield Static(body, classes="dialog-body")
            yield Label("Reason (required):", classes="dialog-prompt")
            yield Input(placeholder="why it is safe to go on", id="reason")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Waive", variant="warning", id="waive", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the reason."""
        self.query_one("#reason", Input).focus()

    @on(Input.Changed, "#reason")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#waive", Button).disabled = not event.value.strip()

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#waive")
    def _waive(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if reason:
            self.dismiss(Waiver(self.finding.id, reason))

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Esc: no waiver."""
        self.dismiss(None)
