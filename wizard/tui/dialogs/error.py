"""Every error the user meets: what happened and what to do, never a traceback."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from wizard.tui.dialogs.base import Dialog


class ErrorDialog(Dialog[None]):
    """A red-titled box: the message, then 'What to do' with the fix."""

    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, title: str, message: str, fix: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.fix = fix

    def compose(self) -> ComposeResult:
        """Title, message, fix, OK."""
        with Vertical(classes="dialog-box dialog-wide error-box"):
            yield Label(self.title_text, classes="dialog-title danger", id="error-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(self.message, classes="dialog-body", id="error-message", markup=False)
                if self.fix:
                    yield Label("What to do", classes="dialog-subtitle")
                    yield Static(self.fix, classes="dialog-body", id="error-fix", markup=False)
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
