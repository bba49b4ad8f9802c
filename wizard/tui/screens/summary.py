"""Page 8: the result, the report and where it was written, and the next steps."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Button, Label, Markdown, Static

from wizard.migration.events import Event, MigrationFinished
from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.screens.base import StepPage

NEXT_STEPS_OK = """\
**Next steps**

1. Log in to the new manager with the **old** manager's admin password; update your `cfy` profiles.
2. Check a few deployments on the new manager (`cfy agents validate`, a harmless workflow).
3. Upgrade plugins where needed (`cfy plugins update <blueprint>`); clear the UI's browser cache
   (Ctrl+Shift+R).
4. Only then may the **old manager** be stopped and decommissioned.
"""

NEXT_STEPS_NOT_YET = """\
**Do not decommission the old manager yet.** Some agents still talk to it (see page 7): fix the
cause, then run `cfy-migrate` again — it resumes and retries only what is left.
"""

EXIT_TEXT = {
    0: ("✔ Migration complete", "bold green"),
    1: ("✘ Migration stopped on an error", "bold red"),
    2: ("■ Migration blocked by a check", "bold red"),
    3: ("▲ Migrated, but some agents failed", "bold yellow"),
    130: ("■ Migration interrupted (resumable)", "bold yellow"),
}


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

    def show_finished(self, event: MigrationFinished) -> None:
        """The outcome and where the report is."""
        label, style = EXIT_TEXT.get(event.exit_code, (f"Finished (exit {event.exit_code})", "bold"))
        text = Text(label + "\n", style)
        text.append(self.options.show(event.summary))
        self.query_one("#outcome", Static).update(text)
        paths = "\n".join(self.options.show(p) for p in event.report_paths)
        self.query_one("#report-paths", Static).update(f"Report written to:\n{paths}" if paths else "")
        self.query_one("#next-steps", Markdown).update(
            NEXT_STEPS_OK if event.exit_code == 0 and not event.old_manager_needed else NEXT_STEPS_NOT_YET
        )

    def show_report(self, markdown: str) -> None:
        """The report's Markdown."""
        self.query_one("#report", Markdown).update(self.options.show(markdown))

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """The end of the run."""
        if isinstance(event, MigrationFinished):
            self.show_finished(event)
