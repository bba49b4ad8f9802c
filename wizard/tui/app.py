"""MigrateApp: the wizard's App — the controller between the pages and the engine.

Every blocking call (test connection, each engine step) runs in a thread worker; the engine's
events come back as messages (progress ones collapse); decisions the engine needs are dialogs
(see decider.py); every worker failure goes through one error router and becomes a dialog
with the fix. No widget is touched from a worker thread.
"""

from __future__ import annotations

import sys
from typing import Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from wizard.migration.events import (
    ArchiveFacts,
    Event,
    FindingsReady,
    InventoryFacts,
    LogLine,
    MigrationFinished,
    ReportWritten,
    StepFinished,
    StepProgress,
    StepStarted,
)
from wizard.migration.steps import ORDER as STEP_ORDER
from wizard.migration.steps import StepId
from wizard.migration.verdict import ACKNOWLEDGEABLE
from wizard.tui.app_start import WizardStart
from wizard.tui.commands import WizardCommands
from wizard.tui.decider import TuiDecider
from wizard.tui.dialogs.confirm import ConfirmDialog
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.help import HelpDialog
from wizard.tui.dialogs.waive import WaiveDialog
from wizard.tui.errors import explain
from wizard.tui.flow import ORDER, PAGE_OF_STEP, Page, next_page, page_steps
from wizard.tui.jobs import DONE, JOB_STEPS
from wizard.tui.messages import (
    ConnectionTested,
    EngineEvent,
    EngineProgress,
    JobFinished,
    PageAction,
    PlanReady,
    ShowPage,
)
from wizard.tui.model import RunModel
from wizard.tui.options import LaunchOptions, ManagerForm
from wizard.tui.screens.findings_page import FindingsPage
from wizard.tui.screens.main import MainScreen
from wizard.tui.session import MigrationFactory, Session, probe


class MigrateApp(WizardStart):
    """The cfy-migrate wizard (see the module docstring)."""

    CSS_PATH = "app.tcss"
    TITLE = "cfy-migrate"
    SUB_TITLE = "move a Cloudify Manager"
    COMMANDS = App.COMMANDS | {WizardCommands}
    #: under 100 columns the step list folds away and the forms stack (see app.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    #: under 30 rows the forms lose their blank rows
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+l", "open_log", "Log", id="log", tooltip="migrate.log, followed"),
        Binding("escape", "cancel_step", "Cancel step", id="cancel"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]

    def __init__(
        self, options: LaunchOptions | None = None, *, migration_factory: MigrationFactory | None = None
    ) -> None:
        super().__init__()
        self.options = options or LaunchOptions()
        self.session = Session(self.options, migration_factory)
        self.model = RunModel()
        self.decider = TuiDecider(self, self.session.cancel, show=self.options.show)
        self.busy: str | None = None

    # -- start -----------------------------------------------------------------------------------
    def on_mount(self) -> None:
        """Show the wizard, prefill it, offer to resume, and warn once outside tmux/screen."""
        # the transfer threads drop the GIL at every socket read and file write; a shorter switch
        # interval (default 5 ms) lets them take it back sooner while the UI thread renders
        sys.setswitchinterval(0.002)
        self.install_screen(MainScreen(self.options), "main")
        self.push_screen("main")
        self.call_after_refresh(self._started)

    # -- engine bridge (called on the engine's thread) -------------------------------------------
    def emit(self, event: Event) -> None:
        """The engine's on_event: hand the event to the UI thread as a message."""
        if isinstance(event, StepProgress):
            self.post_message(EngineProgress(event))
        else:
            self.post_message(EngineEvent(event))

    # -- engine events (UI thread) ---------------------------------------------------------------
    def on_engine_event(self, message: EngineEvent) -> None:
        """Fold the event into the model and show it on the page(s) it concerns."""
        event = message.event
        self.model.apply(event)
        main = self.main
        if self._show_facts(event):
            return
        step = getattr(event, "step", None)
        if isinstance(event, FindingsReady):
            targets = [main.page_widget(page) for page in ORDER]
        elif isinstance(event, MigrationFinished):
            targets = [main.summary]
        elif isinstance(step, StepId):
            targets = [main.page_widget(PAGE_OF_STEP[step])]
        elif isinstance(event, LogLine):
            running = self.model.running_step
            targets = [main.page_widget(PAGE_OF_STEP[running] if running else main.current_page)]
        else:
            targets = [main.agents]
        for page in targets:
            page.on_engine_event(event, self.model)
            if isinstance(event, StepStarted | StepFinished):
                page.note_step(event)
        self.sync()

    def on_engine_progress(self, message: EngineProgress) -> None:
        """Draw the newest progress of a step."""
        event = message.event
        self.model.apply(event)
        self.main.page_widget(PAGE_OF_STEP[event.step]).on_engine_progress(event, self.model)

    def on_plan_ready(self, message: PlanReady) -> None:
        """Journaled step states (resume, or a rewind): the sidebar shows what is done."""
        for step in STEP_ORDER:
            state = message.states.get(step.value, "pending")
            if message.replace or (
                state != "pending" and self.model.step_states.get(step) in (None, "pending")
            ):
                self.model.step_states[step] = state
        if message.steps is not None:
            self.model.plan = message.steps
        self.sync()

    def _show_facts(self, event: Event) -> bool:
        """Archive facts, inventories, the report text: shown on their pages."""
        if isinstance(event, ArchiveFacts):
            self.main.download.show_archive(
                {
                    "path": event.path,
                    "size": event.size,
                    "sha256": event.sha256,
                    "format": event.format,
                    "snapshot_version": event.snapshot_version,
                }
            )
        elif isinstance(event, InventoryFacts):
            self.main.restore.show_inventory(event.old, event.new)
        elif isinstance(event, ReportWritten):
            self.main.summary.show_report(event.markdown)
        else:
            return False
        return True

    def on_show_page(self, message: ShowPage) -> None:
        """A job moved on to a step of another page."""
        if self.main.current_page != message.page:
            self.main.show_page(message.page)
            self.sync()

    def sync(self) -> None:
        """Redraw buttons and the sidebar."""
        try:
            main = self.main
        except KeyError:
            return
        if main.is_mounted:
            main.sync(self.model, self.busy is not None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc (cancel a step) only while one runs; the footer shows it only then."""
        if action == "cancel_step":
            return self.busy is not None
        return True

    # -- page actions ----------------------------------------------------------------------------
    @on(PageAction)
    def _page_action(self, message: PageAction) -> None:
        page, action = message.page, message.action
        if action.startswith("test-"):
            label = action.removeprefix("test-")
            self.main.connect.form(label).result.update("Testing…")
            self._probe(label, self.main.connect.form(label).read())
            return
        if action == "quit":
            self.call_later(self.action_quit)
            return
        own = {
            "copy-report": self.action_copy_report_path,
            "open-report": self.action_open_report,
            "open-log": self.action_open_log,
        }
        if action in own:
            own[action]()
            return
        if action == "waive":
            self._waive(page)
            return
        if self.busy is not None:
            self.notify("A step is running; wait for it or press Esc to cancel it.", severity="warning")
            return
        if page is Page.CONNECT:
            self._connect()
        elif action == "rerun" and page is Page.PREFLIGHT:
            self._start("connect", Page.PREFLIGHT, ())
        elif (action == "rerun" and page is Page.NEW_MANAGER) or (action == "retry" and page is Page.AGENTS):
            self._start("steps", page, JOB_STEPS[page])
        elif action == "primary":
            self._primary(page)

    def _page_done(self, page: Page) -> bool:
        """Every step of the page in this use is done (a page without any is: it is skipped)."""
        return all(
            self.model.step_states.get(s, "pending") in DONE for s in page_steps(page, self.model.plan)
        )

    def first_pending_page(self) -> Page:
        """The first page with a step not done yet."""
        for page in ORDER[1:]:
            if not self._page_done(page):
                return page
        return Page.SUMMARY

    def _primary(self, page: Page) -> None:
        if page is Page.PREFLIGHT:
            if self._page_done(page):
                self._go_on(self.first_pending_page())
            else:
                self._start("steps", page, JOB_STEPS[page])
            return
        if page is Page.SNAPSHOT and not self._page_done(page):
            self.session.snapshot = self.main.snapshot.snapshot_options()
        if page is Page.NEW_MANAGER:
            self.navigate(Page.RESTORE)
            return
        if page is Page.AGENTS and self.model.step_states.get(StepId.INSTALL_AGENTS) in DONE | {"failed"}:
            self.navigate(Page.SUMMARY)
            self._start("finish", Page.SUMMARY, JOB_STEPS[Page.SUMMARY])
            return
        if self._page_done(page):
            following = next_page(page, self.model.plan)
            if following is not None:
                self._go_on(following)
            return
        self._start("steps", page, JOB_STEPS[page])

    def _go_on(self, page: Page) -> None:
        """Move on to `page`; the new manager's checks (read-only) run as soon as it opens."""
        self.navigate(page)
        if page is Page.NEW_MANAGER and not self._page_done(page) and self.busy is None:
            self._start("steps", page, JOB_STEPS[page])
        elif page is Page.SUMMARY and self.model.finished is None and self.busy is None:
            # a backup's last page before the summary is Download: the report is written now
            self._start("finish", Page.SUMMARY, JOB_STEPS[Page.SUMMARY])

    def navigate(self, page: Page) -> None:
        """Show a page and redraw."""
        self.main.show_page(page)
        self.sync()

    def _waive(self, page: Page) -> None:
        widget = self.main.page_widget(page)
        if not isinstance(widget, FindingsPage):
            return
        finding = widget.table.selected
        if finding is None or not (finding.blocking or finding.id in ACKNOWLEDGEABLE):
            self.notify("Select a FAIL or ERROR finding to waive.", severity="warning")
            return

        def waived(waiver: Any) -> None:
            if waiver is None:
                return
            self.session.waivers[waiver.id] = waiver
            for target in (self.main.preflight, self.main.new_manager):
                target.show_findings(target.page_findings(self.model), self.session.waivers)
            self.notify(f"Waived {waiver.id}; it will be written to the report.", title="Waiver")
            self.sync()
            if page is Page.NEW_MANAGER and self.busy is None:
                self._start("steps", page, JOB_STEPS[page])

        self.push_screen(WaiveDialog(finding), waived)

    @work(thread=True, exit_on_error=False, group="probe", description="Testing a connection")
    def _probe(self, label: str, form: ManagerForm) -> None:
        try:
            result = probe(form, label, self.options.environ)
        except Exception as exc:
            explanation = explain(exc, self.session.secrets())
            self.post_message(ConnectionTested(label, "", explanation.title, explanation.message))
            raise  # the error router shows the dialog with the fix
        self.post_message(ConnectionTested(label, self.options.show(result.summary())))

    def on_connection_tested(self, message: ConnectionTested) -> None:
        """Show the probe's outcome under the form (a failure with its cause, not only its kind)."""
        form = self.main.connect.form(message.label)
        if message.error:
            form.show_result(f"{message.error}: {message.detail}" if message.detail else message.error, False)
        else:
            form.show_result(message.summary, True)

    def on_job_finished(self, message: JobFinished) -> None:
        """A job ended: free the buttons; after the preflight step move on; focus the way on."""
        self.busy = None
        self.sync()
        if message.ok and message.job == "steps" and message.page is Page.PREFLIGHT:
            self._go_on(self.first_pending_page())
        self.call_after_refresh(self._focus_primary)

    def _focus_primary(self) -> None:
        """Put the focus on the page's main button (Enter moves the flow on), if it is enabled."""
        if self.screen is not self.main:
            return
        primary = self.main.page_widget(self.main.current_page).primary
        if primary is not None and not primary.disabled:
            self.main.set_focus(primary)

    # -- the error router ------------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker failure becomes a dialog with the fix (never a traceback)."""
        worker = event.worker
        if event.state == WorkerState.ERROR and worker.error is not None:
            explanation = explain(worker.error, self.session.secrets())
            self.push_screen(ErrorDialog(explanation.title, explanation.message, explanation.fix))
        if worker.name == "job" and event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.busy = None
            self.sync()

    # -- actions ---------------------------------------------------------------------------------
    def action_help(self) -> None:
        """F1 / ?: help for the page on show."""
        if isinstance(self.screen, HelpDialog):
            return
        self.push_screen(HelpDialog(self.main.current_page))

    def action_cancel_step(self) -> None:
        """Esc: stop the running step at its next safe point."""
        if self.busy is None:
            return
        self.session.cancel.set()
        self.notify(
            "Stopping at the next safe point… the journal stays consistent.",
            title="Cancel",
            severity="warning",
        )

    async def action_quit(self) -> None:
        """Ctrl+Q: quit; while a step runs, ask first and stop it safely."""
        if self.busy is None:
            code = self.model.finished.exit_code if self.model.finished else 0
            self.exit(code)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.session.cancel.set()
                self.exit(130)

        self.push_screen(
            ConfirmDialog(
                "Quit while a step runs?",
                "The running step is stopped at a safe point and the journal stays consistent: run "
                "cfy-migrate again to resume. Nothing is done twice.",
                yes="Quit",
                no="Keep running",
                danger=True,
            ),
            answered,
        )
