"""A yes/no question (quit mid-step? retry failed agents?)."""

from __future__ import annotations

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from wizard.tui.dialogs.base import Dialog


class ConfirmDialog(Dialog[bool]):
    """Ask a question; y/Enter on Yes answers True, n/Esc answers False."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
    ]

    def __init__(
        self, title: str, body: RenderableType, *, yes: str = "Yes", no: str = "No", danger: bool = False
    ) -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._yes = yes
        self._no = no
        self._danger = danger

    def compose(self) -> ComposeResult:
        """Title, body, and the two buttons (No is focused: the safe answer)."""
        with Vertical(classes="dialog-box"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._body, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._yes, variant="error" if self._danger else "primary", id="yes")
                yield Button(self._no, id="no")

    def on_mount(self) -> None:
        """Focus No, so a stray Enter does nothing harmful."""
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no_pressed(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        """Answer from a key."""
        self.dismiss(answer)
