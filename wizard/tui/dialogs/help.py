"""F1 / ?: what the current page does and why (and the keys)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Markdown

from wizard.tui.dialogs.base import Dialog
from wizard.tui.flow import INFO, Page
from wizard.tui.help_text import help_markdown


class HelpDialog(Dialog[None]):
    """The help of one page, as Markdown; Esc, q or F1 closes it."""

    BINDINGS = [Binding("escape,q,f1,question_mark", "close", "Close")]

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page

    def compose(self) -> ComposeResult:
        """Title, the help text and Close."""
        with Vertical(classes="dialog-box dialog-wide help-box"):
            yield Label(f"Help — {INFO[self.page].label}", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Markdown(help_markdown(self.page))
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
