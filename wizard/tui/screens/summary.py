"""Page 8: the result, the report and where it was written, and the next steps."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Button, Label, Markdown, Static

from wizard.migration.events import Event, MigrationFinished
from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.screens.base import StepPage
from wizard.tui.summary_texts import headline, next_steps


class SummaryPage(StepPage):
    """The outcome line, the report (Markdown) and the advice on the old manager."""

    page = Page.SUMMARY

    def compose_body(self) -> ComposeResult:
        """Outcome, paths, next steps, report."""
        yield Static("The report is written when you reach this page.", id="outcome")
        yield Static("", id="report-paths", classes="muted")
        yield Markdown("", id="next-steps")
        yield Label("Report", classes="section-title")
        yield Markdown("", id="report")

    def compose_buttons(self) -> ComposeResult:
        """The report's path to the clipboard, the report in the pager, quit."""
        yield Button("Copy report path", id="copy-report")
        yield Button("Open report", id="open-report")
        yield Button("Quit", variant="primary", id="quit")

    def sync(self, model: RunModel, busy: bool) -> None:
        """The report buttons once it is written."""
        written = model.finished is not None and bool(model.finished.report_paths)
        self.set_button("copy-report", visible=written)
        self.set_button("open-report", visible=written)
        self.set_button("quit", disabled=busy)
        self.set_hint("Writing the report…" if busy and not written else "")

    def show_finished(self, event: MigrationFinished, model: RunModel | None = None) -> None:
        """The outcome, where the report is, and what comes next in this use of a snapshot."""
        model = model or RunModel()
        label, style = headline(model.mode, event.exit_code)
        text = Text(label + "\n", style)
        text.append(self.options.show(event.summary))
        self.query_one("#outcome", Static).update(text)
        paths = "\n".join(self.options.show(p) for p in event.report_paths)
        self.query_one("#report-paths", Static).update(f"Report written to:\n{paths}" if paths else "")
        ip_rule = next((f for f in model.all_findings() if f.id == "pair.ip-rule"), None)
        self.query_one("#next-steps", Markdown).update(
            self.options.show(next_steps(model.mode, event, model.archive, ip_rule))
        )

    def show_report(self, markdown: str) -> None:
        """The report's Markdown."""
        self.query_one("#report", Markdown).update(self.options.show(markdown))

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """The end of the run."""
        if isinstance(event, MigrationFinished):
            self.show_finished(event, model)
