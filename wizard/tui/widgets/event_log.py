"""The event log: the engine's notes and the managers' execution events, as they arrive."""

from __future__ import annotations

import time
from collections import deque

from rich.text import Text
from textual import events
from textual.widgets import RichLog

from wizard.migration.events import LogLine
from wizard.tui.wording import in_wizard_words

LEVEL_STYLE = {"debug": "dim", "info": "", "warning": "yellow", "error": "bold red"}


class EventLog(RichLog):
    """A scrolling log of LogLine events with a UTC time and the level in colour.

    Times are UTC and taken from the event itself, so the same events draw the same lines.
    Lines wrap at the log's own width, and are wrapped again when that width changes (RichLog
    keeps the width a line was first drawn at: a line drawn before a scrollbar appeared, or
    before the terminal was resized, would lose its last characters).
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None, max_lines: int = 2000) -> None:
        super().__init__(
            id=id, classes=classes, max_lines=max_lines, wrap=True, markup=False, highlight=False, min_width=1
        )
        self._texts: deque[Text] = deque(maxlen=max_lines)
        self._drawn_width = 0

    def add(self, line: LogLine) -> None:
        """Append one line."""
        stamp = time.strftime("%H:%M:%S", time.gmtime(line.at))
        text = Text()
        text.append(stamp + " ", "dim")
        style = LEVEL_STYLE.get(line.level, "")
        if line.level in {"warning", "error"}:
            text.append(f"{line.level.upper()} ", style)
        text.append(in_wizard_words(line.message), style)
        self._append(text)

    def note(self, message: str) -> None:
        """Append a line written by the UI itself (no time: it is not an engine event)."""
        self._append(Text(message, "italic"))

    @property
    def texts(self) -> list[str]:
        """The lines as plain text, unwrapped (what was logged, whatever the width)."""
        return [text.plain for text in self._texts]

    def _append(self, text: Text) -> None:
        self._texts.append(text)
        if self._drawn_width:
            self.write(text, width=self._drawn_width)

    def on_resize(self, event: events.Resize) -> None:
        """Wrap every line again at the new width (each line is drawn at the width it will show at)."""
        width = self.scrollable_content_region.width
        if not width or width == self._drawn_width:
            return
        self._drawn_width = width
        at_end = self.is_vertical_scroll_end
        self.clear()
        for text in self._texts:
            self.write(text, width=width, scroll_end=False)
        if at_end:
            self.scroll_end(animate=False)
