"""A password prompt that never echoes (the engine asks when a manager rejects the password)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from wizard.tui.dialogs.base import Dialog


class PasswordDialog(Dialog[str | None]):
    """Ask for one manager's password: masked input; Esc or Cancel answers None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, manager_label: str, reason: str) -> None:
        super().__init__()
        self.manager_label = manager_label
        self.reason = reason

    def dialog_title(self) -> str:
        """Whose password."""
        return f"Password for the {self.manager_label} manager"

    def compose_body(self) -> ComposeResult:
        """Why it is needed."""
        yield Static(self.reason, classes="dialog-body")

    def compose_foot(self) -> ComposeResult:
        """The masked input and the buttons."""
        yield Input(password=True, placeholder="password (not shown)", id="password")
        with Horizontal(classes="dialog-buttons"):
            yield Button("OK", variant="primary", id="ok")
            yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        value = self.query_one("#password", Input).value
        self.dismiss(value or None)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Esc: give up (the engine stops the step safely)."""
        self.dismiss(None)
