"""Waive one blocking finding by its id, with a reason that goes into the report."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from wizard.migration.findings import Finding, Waiver
from wizard.tui.dialogs.base import Dialog
from wizard.tui.wording import in_wizard_words


class WaiveDialog(Dialog[Waiver | None]):
    """Shows the finding and asks why it is safe to go on; a reason is required."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    BOX_CLASSES = "dialog-wide"

    def __init__(self, finding: Finding) -> None:
        super().__init__()
        self.finding = finding

    def dialog_title(self) -> str:
        """Which check."""
        return f"Waive {self.finding.id}?"

    def compose_foot(self) -> ComposeResult:
        """The reason input and the buttons."""
        yield Label("Reason (required; it goes into the report):", classes="dialog-prompt")
        yield Input(placeholder="why it is safe to go on", id="reason")
        with Horizontal(classes="dialog-buttons"):
            yield Button("Waive", variant="warning", id="waive", disabled=True)
            yield Button("Cancel", id="cancel")

    def compose_body(self) -> ComposeResult:
        """The finding and the warning."""
        f = self.finding
        body = Text()
        body.append(f"{f.status.value}  {f.title}\n", "bold red")
        body.append(f"id: {f.id}\n", "dim")
        if f.detail:
            body.append(f"{in_wizard_words(f.detail)}\n")
        if f.remediation:
            body.append(f"Fix instead: {in_wizard_words(f.remediation)}\n", "italic")
        body.append(
            "\nWaiving lets the next destructive step run despite this finding. "
            "The waiver and your reason are written to the report.",
            "yellow",
        )
        yield Static(body, classes="dialog-body")

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
