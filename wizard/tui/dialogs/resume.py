"""The offer, on start, to resume an unfinished migration found in the journal."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static

from wizard.migration.state import MigrationInfo
from wizard.migration.steps import StepId
from wizard.tui.dialogs.base import Dialog

ResumeAnswer = Literal["resume", "new"]


class ResumeDialog(Dialog[ResumeAnswer]):
    """Resume (the default: nothing is done twice) or start a new migration."""

    BINDINGS = [Binding("escape", "choose('resume')", "Resume")]
    BOX_CLASSES = "dialog-wide"

    def __init__(self, info: MigrationInfo, display: dict[str, str] | None = None) -> None:
        super().__init__()
        self.info = info
        self._display = display or {}

    def _show(self, text: str) -> str:
        for real, shown in self._display.items():
            text = text.replace(real, shown)
        return text

    def dialog_title(self) -> str:
        """The question."""
        return "Resume the unfinished migration?"

    def compose_foot(self) -> ComposeResult:
        """The two choices."""
        with Horizontal(classes="dialog-buttons"):
            yield Button("Resume", variant="primary", id="resume")
            yield Button("Start a new migration", id="new")

    def compose_body(self) -> ComposeResult:
        """Which migration, and how far it got."""
        info = self.info
        step = StepId(str(info.last_step)).label if info.last_step in {s.value for s in StepId} else "—"
        body = Text()
        body.append("An unfinished migration was found in the journal:\n\n")
        body.append("  id       ", "dim")
        body.append(f"{info.id}\n", "bold")
        body.append("  old      ", "dim")
        body.append(f"{self._show(info.old)}\n")
        body.append("  new      ", "dim")
        body.append(f"{self._show(info.new)}\n")
        body.append("  reached  ", "dim")
        body.append(f"{step} ({info.last_status})\n\n")
        body.append(
            "Resuming skips what is already done and carries on from there. "
            "A new migration starts from the preflight and ignores this journal."
        )
        yield Static(body, classes="dialog-body")

    def on_mount(self) -> None:
        """Focus Resume."""
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed, "#resume")
    def _resume(self) -> None:
        self.dismiss("resume")

    @on(Button.Pressed, "#new")
    def _new(self) -> None:
        self.dismiss("new")

    def action_choose(self, answer: ResumeAnswer) -> None:
        """Answer from a key."""
        self.dismiss(answer)
