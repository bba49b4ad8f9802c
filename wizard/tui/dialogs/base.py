"""The shared frame of every dialog: a centred box with a title, a body that scrolls when the
terminal is small, and a foot (an input, the buttons) that always stays in view, then the
dialog's own keys in a footer."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label

from wizard.tui.widgets.scroll_area import ScrollArea

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal screen with the `dialog` look (see app.tcss); subclasses give the title, the body
    and the foot."""

    DEFAULT_CLASSES = "dialog"
    #: extra classes of the box (dialog-wide, error-box, help-box)
    BOX_CLASSES: ClassVar[str] = ""

    def dialog_title(self) -> str:
        """The title line."""
        return ""

    def title_classes(self) -> str:
        """The title's classes (e.g. `danger`)."""
        return ""

    def compose(self) -> ComposeResult:
        """Title, the scrolling body, the foot that stays in view, and the keys."""
        with Vertical(classes=f"dialog-box {self.BOX_CLASSES}".strip()):
            yield Label(
                self.dialog_title(), classes=f"dialog-title {self.title_classes()}".strip(), id="dialog-title"
            )
            with ScrollArea(classes="dialog-scroll"):
                yield from self.compose_body()
            with Vertical(classes="dialog-foot"):
                yield from self.compose_foot()
        yield Footer(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        """What the dialog says (scrolls when the terminal is small)."""
        yield from ()

    def compose_foot(self) -> ComposeResult:
        """A prompt or input, and the buttons (always in view)."""
        yield from ()
