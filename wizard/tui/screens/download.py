"""Page 4: the download with bytes, speed and ETA; then sha256 and the archive inspection."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Button, Label, Static

from wizard.migration.config import Mode
from wizard.migration.events import Event, FindingsReady, LogLine, StepFinished, StepProgress, StepStarted
from wizard.migration.steps import StepId
from wizard.migration.units import human_bytes
from wizard.tui.flow import ORDER, Page, next_page, page_steps
from wizard.tui.model import RunModel
from wizard.tui.screens.base import StepPage
from wizard.tui.widgets.event_log import EventLog
from wizard.tui.widgets.findings_table import STATUS_STYLE
from wizard.tui.widgets.transfer import TransferProgress
from wizard.tui.wording import in_wizard_words

#: heading and intro of the page per use of a snapshot (a migration's are the class's)
USE_TEXTS: dict[Mode, tuple[str, str]] = {
    Mode.BACKUP: (
        "Download, inspect and keep the backup",
        "The snapshot is streamed to the state directory (resumable; sha256 computed on the fly), "
        "inspected, then moved into the backup directory with its manifest.",
    ),
    Mode.RESTORE: (
        "Take and inspect the archive",
        "The archive you gave is checked (integrity, sha256, metadata, the IPs its certificates name) "
        "and used where it is: it is never changed.",
    ),
}


class DownloadPage(StepPage):
    """Transfer progress, then what the archive turned out to be."""

    page = Page.DOWNLOAD
    intro = (
        "The snapshot is streamed to the state directory (resumable; sha256 computed on the fly) and "
        "then inspected. Keep this file: it is the source of truth after the restore."
    )
    _mode: Mode = Mode.MIGRATE

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
        """Next once this use's steps of the page are done (inspected; a backup: kept)."""
        if model.mode is not self._mode:
            self._mode = model.mode
            heading, intro = USE_TEXTS.get(model.mode, (None, self.intro))
            number = ORDER.index(self.page) + 1
            self.query_one(".page-heading", Label).update(
                f"{number}. {heading or 'Download and inspect the snapshot'}"
            )
            self.query_one(".page-intro", Static).update(intro)
        steps = page_steps(self.page, model.plan)
        done = all(model.step_states.get(s, "pending") in {"done", "already-done", "skipped"} for s in steps)
        after = next_page(self.page, model.plan)
        if done:
            label = "Next: check the new manager ▶" if after is Page.NEW_MANAGER else "Next: summary ▶"
        else:
            label = "Download ▶" if StepId.DOWNLOAD in steps else "Take the archive ▶"
        self.set_button("primary", label=label, disabled=busy)
