"""The gate before an irreversible step: type the new manager's host name to go on."""

from __future__ import annotations

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from wizard.tui.dialogs.base import Dialog


class TypedConfirmDialog(Dialog[bool]):
    """Shows what will happen and what cannot be undone; the confirm button stays disabled until
    the user types `expected` exactly (Terraform's "type yes", with a word that names the target)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, body: RenderableType, expected: str, *, action: str = "Restore") -> None:
        super().__init__()
        self._title = title
        self._body = body
        self.expected = expected
        self._action = action

    def compose(self) -> ComposeResult:
        """Title, the consequences, the prompt, the input and the buttons."""
        with Vertical(classes="dialog-box dialog-wide"):
            yield Label(self._title, classes="dialog-title danger")
            yield Static(self._body, classes="dialog-body")
            yield Label(f"Type [b]{self.expected}[/b] to confirm:", classes="dialog-prompt")
            yield Input(placeholder=self.expected, id="answer")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._action, variant="error", id="confirm", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Put the cursor in the input."""
        self.query_one("#answer", Input).focus()

    @on(Input.Changed, "#answer")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value.strip() != self.expected

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.expected:
            self.dismiss(True)
        else:
            self.notify(f"That is not {self.expected!r}.", severity="warning")

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        """Esc: do not restore."""
        self.dismiss(False)
