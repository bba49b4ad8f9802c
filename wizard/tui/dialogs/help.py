"""F1 / ?: what the current page does and why (and the keys)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Markdown

from wizard.tui.dialogs.base import Dialog
from wizard.tui.flow import INFO, Page
from wizard.tui.help_text import help_markdown


class HelpDialog(Dialog[None]):
    """The help of one page, as Markdown; Esc, q or F1 closes it."""

    BINDINGS = [Binding("escape,q,f1,question_mark", "close", "Close")]
    BOX_CLASSES = "dialog-wide help-box"

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page

    def dialog_title(self) -> str:
        """Which page."""
        return f"Help — {INFO[self.page].label}"

    def compose_body(self) -> ComposeResult:
        """The help text (it scrolls on a small terminal)."""
        yield Markdown(help_markdown(self.page))

    def compose_foot(self) -> ComposeResult:
        """Close."""
        with Horizontal(classes="dialog-buttons"):
            yield Button("Close", variant="primary", id="close")

    def on_mount(self) -> None:
        """Focus Close."""
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
