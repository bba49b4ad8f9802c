"""Page 4: the download with bytes, speed and ETA; then sha256 and the archive inspection."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Button, Label, Static

from wizard.migration.events import Event, FindingsReady, LogLine, StepFinished, StepProgress, StepStarted
from wizard.migration.steps import StepId
from wizard.migration.units import human_bytes
from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.screens.base import StepPage
from wizard.tui.widgets.event_log import EventLog
from wizard.tui.widgets.findings_table import STATUS_STYLE
from wizard.tui.widgets.transfer import TransferProgress
from wizard.tui.wording import in_wizard_words


class DownloadPage(StepPage):
    """Transfer progress, then what the archive turned out to be."""

    page = Page.DOWNLOAD
    intro = (
        "The snapshot is streamed to the state directory (resumable; sha256 computed on the fly) and "
        "then inspected. Keep this file: it is the source of truth after the restore."
    )

    def compose_body(self) -> ComposeResult:
        """Progress, archive facts, inspection findings, log."""
        yield TransferProgress("Waiting for the snapshot.", id="download-progress")
        yield Label("Archive", classes="section-title")
        yield Static("Not downloaded yet.", id="archive-facts")
        yield Static("", id="archive-findings")

    def compose_log(self) -> ComposeResult:
        """The download's and the inspection's notes."""
        yield EventLog(id="download-log", classes="page-log")

    def compose_buttons(self) -> ComposeResult:
        """Download (again) / next."""
        yield Button("Download ▶", variant="primary", id="primary")

    @property
    def progress(self) -> TransferProgress:
        """The transfer bar."""
        return self.query_one("#download-progress", TransferProgress)

    def show_archive(self, data: dict[str, object]) -> None:
        """Draw path, size, sha256, format and version from the journal."""
        text = Text()
        for key, label in (
            ("path", "File"),
            ("size", "Size"),
            ("sha256", "sha256"),
            ("format", "Format"),
            ("snapshot_version", "Version"),
        ):
            value = data.get(key)
            if value in (None, ""):
                continue
            shown = (
                human_bytes(float(value)) if key == "size" and isinstance(value, int | float) else str(value)
            )
            text.append(f"{label:<9}", "dim")
            text.append(self.options.show(shown) + "\n", "bold" if key == "sha256" else "")
        self.query_one("#archive-facts", Static).update(text if text.plain else "—")

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """Log lines, the archive findings, the end of the download."""
        if isinstance(event, LogLine):
            self.query_one("#download-log", EventLog).add(event)
        elif isinstance(event, FindingsReady) and event.phase == "archive":
            text = Text()
            for f in event.findings:
                text.append(f" {f.status.value} ", STATUS_STYLE[f.status])
                text.append(f" {f.title}", "bold")
                if f.detail:
                    text.append(f" — {in_wizard_words(f.detail)}")
                text.append("\n")
            self.query_one("#archive-findings", Static).update(text)
        elif isinstance(event, StepStarted) and event.step == StepId.DOWNLOAD:
            self.progress.start(event.at)
        elif isinstance(event, StepFinished) and event.step == StepId.DOWNLOAD and event.outcome.ok:
            self.progress.finish(event.detail or "downloaded")

    def on_engine_progress(self, event: StepProgress, model: RunModel) -> None:
        """Bytes, speed, ETA."""
        if event.unit == "bytes":
            event = StepProgress(event.step, event.done, event.total, event.unit, "", at=event.at)
        self.progress.update_progress(event)

    def sync(self, model: RunModel, busy: bool) -> None:
        """Next once the archive is inspected."""
        done = all(
            model.step_states.get(s, "pending") in {"done", "already-done", "skipped"}
            for s in (StepId.DOWNLOAD, StepId.INSPECT_ARCHIVE)
        )
        self.set_button(
            "primary", label="Next: check the new manager ▶" if done else "Download ▶", disabled=busy
        )
