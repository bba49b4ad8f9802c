"""The event log: the engine's notes and the managers' execution events, as they arrive."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import RichLog

from wizard.migration.events import LogLine

LEVEL_STYLE = {"debug": "dim", "info": "", "warning": "yellow", "error": "bold red"}


class EventLog(RichLog):
    """A scrolling log of LogLine events with a UTC time and the level in colour.

    Times are UTC and taken from the event itself, so the same events draw the same lines.
    """

    def __init__(self, *, id: str | None = None, max_lines: int = 2000) -> None:
        super().__init__(id=id, max_lines=max_lines, wrap=True, markup=False, highlight=False)

    def add(self, line: LogLine) -> None:
        """Append one line."""
        stamp = time.strftime("%H:%M:%S", time.gmtime(line.at))
        text = Text()
        text.append(stamp + " ", "dim")
        style = LEVEL_STYLE.get(line.level, "")
        if line.level in {"warning", "error"}:
            text.append(f"{line.level.upper()} ", style)
        text.append(line.message, style)
        self.write(text)

    def note(self, message: str) -> None:
        """Append a line written by the UI itself (no time: it is not an engine event)."""
        self.write(Text(message, "italic"))
