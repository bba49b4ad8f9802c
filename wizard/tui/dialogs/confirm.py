"""A yes/no question (quit while a step runs? retry failed agents?)."""

from __future__ import annotations

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static

from wizard.tui.dialogs.base import Dialog


class ConfirmDialog(Dialog[bool]):
    """Ask a question; y or Yes answers True, n, Esc or No answers False."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
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

    def dialog_title(self) -> str:
        """The question."""
        return self._title

    def compose_body(self) -> ComposeResult:
        """What the answer means."""
        yield Static(self._body, classes="dialog-body")

    def compose_foot(self) -> ComposeResult:
        """The two buttons (No is focused: the safe answer)."""
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
