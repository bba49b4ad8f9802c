"""The wizard's engine jobs: the thread worker that runs a page's steps (following a rewind when
an earlier step must run again), and what the user is told when a step does not succeed.

Kept apart from app.py (the controller's event handling) so that each stays readable; the App
mixes this in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from wizard.migration.events import MigrationFinished
from wizard.migration.steps import ORDER as STEP_ORDER
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.errors import RESUME
from wizard.tui.flow import INFO, PAGE_OF_STEP, Page
from wizard.tui.messages import EngineEvent, JobFinished, PlanReady, ShowPage

if TYPE_CHECKING:
    from wizard.migration.events import Event
    from wizard.tui.decider import TuiDecider
    from wizard.tui.model import RunModel
    from wizard.tui.options import LaunchOptions
    from wizard.tui.session import Session

#: the steps a page's main button runs (a page may run on into the next pages' steps)
JOB_STEPS: dict[Page, tuple[StepId, ...]] = {
    Page.PREFLIGHT: (StepId.PREFLIGHT_OLD,),
    # the snapshot runs on into its download and inspection (a backup: and keeps it), and stops
    # there: the Download page shows the archive's path and sha256; its Next goes on. The jobs run
    # only the steps of the use's plan.
    Page.SNAPSHOT: (StepId.CREATE_SNAPSHOT, StepId.DOWNLOAD, StepId.INSPECT_ARCHIVE, StepId.PUBLISH_BACKUP),
    Page.DOWNLOAD: (StepId.DOWNLOAD, StepId.IMPORT_ARCHIVE, StepId.INSPECT_ARCHIVE, StepId.PUBLISH_BACKUP),
    Page.NEW_MANAGER: (StepId.PREFLIGHT_NEW,),
    Page.RESTORE: (StepId.UPLOAD, StepId.RESTORE, StepId.REAUTHENTICATE, StepId.VERIFY_INVENTORY),
    Page.AGENTS: (StepId.INSTALL_AGENTS,),
    Page.SUMMARY: (StepId.REPORT,),
}

DONE = frozenset({"done", "already-done", "skipped"})


class EngineJobs(App[int]):
    """The engine side of the wizard's App (see the module docstring)."""

    session: Session
    model: RunModel
    decider: TuiDecider
    options: LaunchOptions
    busy: str | None

    def emit(self, event: Event) -> None:
        """The engine's on_event (the App hands it to the UI thread)."""
        raise NotImplementedError

    def sync(self) -> None:
        """Redraw buttons and the sidebar (the App's)."""
        raise NotImplementedError

    def _start(self, kind: str, page: Page, steps: tuple[StepId, ...]) -> None:
        self.busy = kind
        self.sync()
        self._job(kind, page, steps)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="engine",
        name="job",
        description="Running migration steps",
    )
    def _job(self, kind: str, page: Page, steps: tuple[StepId, ...]) -> None:
        self.session.cancel.clear()
        migration = self.session.migration(self.emit, self.decider)
        if kind == "connect":
            states = {p.step.value: p.state for p in migration.plan()}
            self.post_message(PlanReady(states, steps=migration.steps))
            migration.preflight()
            self.post_message(JobFinished(kind, page, True))
            return
        plan = migration.steps  # this use of the snapshot's steps (a page may show steps of another)
        steps = tuple(s for s in steps if s in plan)
        if kind == "finish" and all(
            self.model.step_states.get(s, "pending") in DONE for s in plan if s is not StepId.REPORT
        ):
            result = migration.run()
            self.post_message(JobFinished(kind, page, result.exit_code in (0, 3), result.summary))
            return
        queue = list(steps)
        limit = max(STEP_ORDER.index(s) for s in steps) if steps else -1
        for _ in range(4 * len(STEP_ORDER)):
            if not queue or self.session.cancel.is_set():
                break
            step = queue.pop(0)
            self.post_message(ShowPage(PAGE_OF_STEP[step]))
            outcome = migration.run_step(step)
            if outcome.outcome is Outcome.REWOUND:
                # an earlier step's result is gone or changed: it runs again, from here
                self.post_message(PlanReady({p.step.value: p.state for p in migration.plan()}, replace=True))
                self.call_from_thread(self._step_problem, outcome)
                upcoming = getattr(migration, "next_step", lambda: None)()
                start = STEP_ORDER.index(upcoming) if upcoming is not None else limit + 1
                queue = [s for s in STEP_ORDER[start : limit + 1] if s is not StepId.REPORT and s in plan]
                continue
            if not outcome.outcome.ok:
                self.call_from_thread(self._step_problem, outcome)
                self.post_message(JobFinished(kind, page, False, outcome.detail))
                return
        if kind == "finish" and self.model.finished is None:
            self.post_message(
                EngineEvent(
                    MigrationFinished(
                        3,
                        (),
                        "The report was written; some steps are not done yet (see the pages marked ✘).",
                    )
                )
            )
        self.post_message(JobFinished(kind, page, True))

    def _step_problem(self, outcome: StepOutcome) -> None:
        """A step did not succeed: cancelled is a note; blocked and failed are dialogs."""
        title = INFO[PAGE_OF_STEP[outcome.step]].label
        if outcome.outcome is Outcome.CANCELLED:
            self.notify(f"{outcome.step.label}: stopped. {RESUME}", title="Cancelled", severity="warning")
            return
        if outcome.outcome is Outcome.DETACHED:
            self.notify(
                "The restore keeps running on the new manager; nothing was cancelled. Press "
                "“Upload and restore” again (or start cfy-migrate again) to follow it to its end.",
                title="Stopped following the restore",
                severity="warning",
                timeout=20,
            )
            return
        if outcome.outcome is Outcome.DECLINED:
            self.notify(
                "Not confirmed: nothing was sent to the new manager. Press the button again when ready.",
                title="Restore",
                severity="information",
            )
            return
        if outcome.outcome is Outcome.REWOUND:
            self.notify(self.options.show(outcome.detail), title="Going back", severity="warning", timeout=20)
            return
        secrets = self.session.secrets()
        from wizard.tui.errors import redact
        from wizard.tui.wording import in_wizard_words

        if outcome.outcome is Outcome.BLOCKED:
            ids = [f.id for f in outcome.findings if f.blocking and f.id not in self.session.waivers]
            message = in_wizard_words(outcome.detail) + (
                f"\n\nBlocking checks: {', '.join(ids)}" if ids else ""
            )
            fix = in_wizard_words(outcome.remediation or "") + (
                "\n\nFix the cause and re-check, or — only if it is safe — "
                "select the finding and waive it by its id (on the Preflight "
                "or New manager page)."
            )
            self.push_screen(
                ErrorDialog(f"{title}: blocked", redact(message, secrets), redact(fix.strip(), secrets))
            )
            return
        self.push_screen(
            ErrorDialog(
                f"{title}: {outcome.step.label} failed",
                redact(in_wizard_words(outcome.detail), secrets),
                redact(in_wizard_words(outcome.remediation or RESUME), secrets),
            )
        )
