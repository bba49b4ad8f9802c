"""The log viewer (Ctrl+L): migrate.log of this migration, its last lines and then new ones as
they are written — what support asks for, without leaving the wizard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Log, Static

#: how much of an existing log is shown when the viewer opens (its tail)
TAIL_BYTES = 512 * 1024
#: how often the file is read for new lines (seconds)
POLL_SECONDS = 0.5


class LogViewer(Screen[None]):
    """migrate.log, followed like `tail -f`; Esc or q goes back to the wizard.

    `path` is asked again on every poll: before the first step there is no migration (and no
    log) yet; the viewer says so and shows the log as soon as it exists.
    """

    BINDINGS = [
        Binding("escape,q,ctrl+l", "close", "Back to the wizard", id="close"),
        Binding("end,G", "follow", "Follow", id="follow", tooltip="Jump to the end and keep following"),
    ]

    def __init__(self, path: Callable[[], Path | None], show: Callable[[str], str] = str) -> None:
        super().__init__(id="log-viewer")
        self._path = path
        self._show = show
        self._shown: Path | None = None
        self._offset = 0
        self._partial = ""

    def compose(self) -> ComposeResult:
        """Where the file is, then its lines."""
        yield Header(show_clock=False, icon="⇄")
        yield Static("", id="log-viewer-path")
        yield Log(id="log-viewer-log", max_lines=20000, auto_scroll=True)
        yield Footer()

    @property
    def log_widget(self) -> Log:
        """The lines."""
        return self.query_one("#log-viewer-log", Log)

    def on_mount(self) -> None:
        """Read the tail now, then poll for more."""
        self.sub_title = "migrate.log"
        self.read_new()
        self.set_interval(POLL_SECONDS, self.read_new)
        self.log_widget.focus()

    def read_new(self) -> None:
        """Append what was written since the last read (the tail first, when the file appears)."""
        path = self._path()
        header = self.query_one("#log-viewer-path", Static)
        if path is None or not path.is_file():
            where = f" It will be {self._show(str(path))}." if path is not None else ""
            header.update(f"No migrate.log yet: it is written from the first step on.{where}")
            return
        if path != self._shown:
            self._shown, self._partial = path, ""
            self.log_widget.clear()
            size = path.stat().st_size
            self._offset = max(0, size - TAIL_BYTES)
            header.update(f"{self._show(str(path))}  (Esc: back to the wizard; End: follow)")
        try:
            with path.open("rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read()
        except OSError as exc:
            header.update(f"{self._show(str(path))}: {exc.strerror or exc}")
            return
        if not chunk:
            return
        first_read = self._offset > 0 and not self.log_widget.line_count
        self._offset += len(chunk)
        text = self._partial + chunk.decode("utf-8", errors="replace")
        lines = text.split("\n")
        self._partial = lines.pop()
        if first_read and lines:
            lines = lines[1:]  # the tail starts mid-line
        if lines:
            self.log_widget.write_lines(lines)

    def action_follow(self) -> None:
        """End: to the last line, and keep following."""
        self.log_widget.auto_scroll = True
        self.log_widget.scroll_end(animate=False)

    def action_close(self) -> None:
        """Back to the wizard."""
        self.dismiss(None)
