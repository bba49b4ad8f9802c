"""Transfer progress: a bar with bytes done, speed and ETA, fed by throttled progress events."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from wizard.migration.events import StepProgress
from wizard.migration.units import TransferMeter


class TransferProgress(Vertical):
    """A progress bar and the line under it ('12.0 MiB of 48.0 MiB · 4.0 MiB/s · ETA 0:09').

    Speed comes from the events' own timestamps (see TransferMeter), so replaying the same
    events draws the same screen.
    """

    DEFAULT_CSS = """
    TransferProgress { height: auto; }
    TransferProgress ProgressBar { width: 1fr; }
    TransferProgress Bar { width: 1fr; }
    TransferProgress .transfer-line { color: $text-muted; }
    """

    def __init__(self, idle_text: str = "Not started.", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._idle_text = idle_text
        self.meter = TransferMeter()

    def compose(self) -> ComposeResult:
        """A bar (no built-in ETA: ours is computed from event times) and a text line."""
        # Hidden until a total is known: an indeterminate bar animates with the clock, which would
        # make screenshots differ from run to run; the text line says what is happening instead.
        bar = ProgressBar(total=100, show_eta=False, id="bar")
        bar.display = False
        yield bar
        yield Static(self._idle_text, classes="transfer-line", id="line")

    @property
    def bar(self) -> ProgressBar:
        """The bar."""
        return self.query_one("#bar", ProgressBar)

    @property
    def line(self) -> Static:
        """The text line under the bar."""
        return self.query_one("#line", Static)

    def update_progress(self, event: StepProgress) -> None:
        """Draw one progress event (only the newest of a burst arrives here)."""
        self.meter.add(event.at, event.done)
        if event.total:
            self.bar.display = True
            self.bar.update(total=event.total, progress=event.done)
        if event.unit != "bytes" and event.message:
            text = event.message
        else:
            text = self.meter.line(event.done, event.total, event.unit)
            if event.message:
                text = f"{text} — {event.message}" if text else event.message
        self.line.update(text)

    def start(self, at: float) -> None:
        """A transfer starts at `at`: speed is measured from here."""
        self.meter.samples.clear()
        self.meter.add(at, 0)

    def finish(self, text: str) -> None:
        """Show the bar full and a closing line."""
        total = self.bar.total or 1
        self.bar.display = True
        self.bar.update(total=total, progress=total)
        self.line.update(text)

    def set_text(self, text: str) -> None:
        """Replace the line under the bar (e.g. "waiting for the REST API")."""
        self.line.update(text)
