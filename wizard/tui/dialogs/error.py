"""Every error the user meets: what happened and what to do, never a traceback."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Label, Static

from wizard.tui.dialogs.base import Dialog


class ErrorDialog(Dialog[None]):
    """A red-framed box: the message, then 'What to do' with the fix."""

    BINDINGS = [Binding("escape,enter", "close", "Close")]
    BOX_CLASSES = "dialog-wide error-box"

    def __init__(self, title: str, message: str, fix: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.fix = fix

    def dialog_title(self) -> str:
        """What went wrong, in a few words."""
        return self.title_text

    def title_classes(self) -> str:
        """In red."""
        return "danger"

    def compose_body(self) -> ComposeResult:
        """The message and the fix."""
        yield Static(self.message, classes="dialog-body", id="error-message", markup=False)
        if self.fix:
            yield Label("What to do", classes="dialog-subtitle")
            yield Static(self.fix, classes="dialog-body", id="error-fix", markup=False)

    def compose_foot(self) -> ComposeResult:
        """OK."""
        with Horizontal(classes="dialog-buttons"):
            yield Button("OK", variant="primary", id="ok")

    def on_mount(self) -> None:
        """Focus OK."""
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        """Esc or Enter closes."""
        self.dismiss(None)
