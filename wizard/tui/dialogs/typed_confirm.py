"""The gate before an irreversible step: type the new manager's host name to go on."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from wizard.tui.dialogs.base import Dialog


def same_name(typed: str, expected: str) -> bool:
    """Host names are not case-sensitive (RFC 4343); spaces around are ignored."""
    return typed.strip().casefold() == expected.strip().casefold()


class TypedConfirmDialog(Dialog[bool]):
    """Shows what will happen and what cannot be undone; the confirm button stays disabled until
    the user types `expected` (Terraform's "type yes", with a word that names the target). The
    body scrolls on a small terminal; the prompt, the input and the buttons always stay in view."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    BOX_CLASSES = "dialog-wide"

    def __init__(
        self,
        title: str,
        body: RenderableType,
        expected: str,
        *,
        action: str = "Restore",
        source: str = "the new manager's host name, as the manager reports it",
    ) -> None:
        super().__init__()
        self._title = title
        self._body = body
        self.expected = expected
        self._action = action
        self._source = source

    def dialog_title(self) -> str:
        """The question."""
        return self._title

    def title_classes(self) -> str:
        """In red."""
        return "danger"

    def compose_body(self) -> ComposeResult:
        """The consequences."""
        yield Static(self._body, classes="dialog-body")

    def compose_foot(self) -> ComposeResult:
        """What to type and where it comes from, the input, and the buttons."""
        prompt = Text("To confirm, type ")
        prompt.append(self.expected, "bold")
        prompt.append(f" ({self._source}; not case-sensitive):", "dim")
        yield Label(prompt, classes="dialog-prompt")
        yield Input(placeholder="the host name", id="answer")
        with Horizontal(classes="dialog-buttons"):
            yield Button(self._action, variant="error", id="confirm", disabled=True)
            yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Put the cursor in the input."""
        self.query_one("#answer", Input).focus()

    @on(Input.Changed, "#answer")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = not same_name(event.value, self.expected)

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if same_name(event.value, self.expected):
            self.dismiss(True)
        else:
            self.notify(
                f"That is not {self.expected!r}: type the host name above, or press Esc to cancel.",
                severity="warning",
            )

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        """Esc: do not restore."""
        self.dismiss(False)
