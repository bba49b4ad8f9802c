"""The wizard's own actions besides the flow: the log viewer, the report's path (copied, or
opened in the pager), and the command palette's list — kept apart from app.py (the controller
of the flow) so that each stays readable; the App mixes this in."""

from __future__ import annotations

import os
import shlex
import subprocess
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from wizard.migration.runlog import LOG_NAME
from wizard.migration.storage import migrations_root
from wizard.tui.commands import WizardCommand
from wizard.tui.flow import INFO, ORDER, Page
from wizard.tui.jobs import EngineJobs
from wizard.tui.screens.log_viewer import LogViewer

if TYPE_CHECKING:
    from wizard.tui.screens.main import MainScreen


class WizardActions(EngineJobs):
    """See the module docstring."""

    @property
    def main(self) -> MainScreen:
        """The wizard screen (always at the bottom of the stack)."""
        return self.get_screen("main")  # type: ignore[return-value]

    # -- where things are ------------------------------------------------------------------------
    def migration_dir(self) -> Path | None:
        """This migration's directory, once it has an id."""
        migration_id = self.session.migration_id
        return migrations_root(self.session.state_dir()) / migration_id if migration_id else None

    def log_path(self) -> Path | None:
        """migrate.log of this migration (it may not exist yet)."""
        directory = self.migration_dir()
        return directory / LOG_NAME if directory else None

    def report_path(self) -> Path | None:
        """report.md, once written."""
        directory = self.migration_dir()
        path = directory / "report.md" if directory else None
        return path if path is not None and path.is_file() else None

    # -- actions ---------------------------------------------------------------------------------
    def action_open_log(self) -> None:
        """Ctrl+L: migrate.log in the log viewer (Esc comes back)."""
        if isinstance(self.screen, LogViewer):
            return
        self.push_screen(LogViewer(self.log_path, self.options.show))

    def action_copy_report_path(self) -> None:
        """Put the report's path on the clipboard (the terminal's, through OSC 52) and show it."""
        path = self.report_path()
        if path is None:
            self.notify("The report is written on the Summary page, at the end.", severity="warning")
            return
        self.copy_to_clipboard(str(path))
        self.notify(
            f"{self.options.show(str(path))}\n(copied, if your terminal lets programs set the clipboard)",
            title="Report path",
            timeout=12,
        )

    def action_open_report(self) -> None:
        """The report in $PAGER (less by default); the wizard comes back when it is closed."""
        path = self.report_path()
        if path is None:
            self.notify("The report is written on the Summary page, at the end.", severity="warning")
            return
        self.open_in_pager(path)

    def open_in_pager(self, path: Path) -> None:
        """Suspend the wizard and show `path` in $PAGER (or less)."""
        pager = shlex.split(self.options.environ.get("PAGER") or "less") or ["less"]
        try:
            with self.suspend():
                subprocess.run([*pager, str(path)], check=False, env=dict(os.environ))
        except SuspendNotSupported:
            self.notify(f"Open {path} with a pager: this terminal cannot hand over.", severity="warning")
        except OSError as exc:
            self.notify(
                f"Cannot run {pager[0]}: {exc.strerror or exc}. The file is {path}.", severity="error"
            )

    # -- the command palette ---------------------------------------------------------------------
    def wizard_commands(self) -> list[WizardCommand]:
        """The palette's wizard commands that make sense now (see commands.py)."""
        main = self.main
        page = main.current_page
        widget = main.page_widget(page)
        commands: list[WizardCommand] = []
        primary = widget.primary
        if primary is not None:
            label = str(primary.label).strip(" ▶")
            commands.append(
                WizardCommand(f"Next: {label}", "the page's main button (Ctrl+N)", main.action_next)
            )
        if page is not Page.CONNECT:
            commands.append(WizardCommand("Back", "the previous page (Alt+Left)", main.action_back))
        for key, name, help_text in (
            ("test", "Test both connections", "log in to both managers and show their versions (Ctrl+T)"),
            ("rerun", "Re-run checks", "run this page's checks again (r)"),
            ("waive", "Waive the selected check…", "go on despite a FAIL, with a reason for the report (w)"),
            ("retry", "Retry failed agents", "install_new_agents again for the failed deployments (r)"),
        ):
            if main.check_action("page_key", (key,)):
                commands.append(WizardCommand(name, help_text, partial(main.action_page_key, key)))
        for number, target in enumerate(ORDER, start=1):
            if target in main.reachable and target is not page:
                commands.append(
                    WizardCommand(
                        f"Go to step {number}: {INFO[target].label}",
                        INFO[target].heading,
                        partial(self.navigate, target),
                    )
                )
        commands.append(
            WizardCommand(
                "Open the log (migrate.log)",
                "every event and request of this run (Ctrl+L)",
                self.action_open_log,
            )
        )
        if self.report_path() is not None:
            commands += [
                WizardCommand(
                    "Copy the report path", "report.md's path to the clipboard", self.action_copy_report_path
                ),
                WizardCommand(
                    "Open the report in the pager", "report.md in $PAGER (less)", self.action_open_report
                ),
            ]
        commands += [
            WizardCommand(
                "Show or hide the steps", "the list of steps on the left (F2)", main.action_toggle_steps
            ),
            WizardCommand("Help for this page", "what this page does and why (F1)", self.action_help),
        ]
        return commands

    def navigate(self, page: Page) -> None:
        """Show a page and redraw (the App's)."""
        raise NotImplementedError

    def action_help(self) -> None:
        """F1 (the App's)."""
        raise NotImplementedError
