"""The Migration: derives the next step from its records and the managers, runs it, resumes, and
reports.

The TUI and `cfy-migrate run` both drive this class from a worker thread:

    migration = Migration(config, on_event=handle, decider=decider, cancel=stop_event)
    findings = migration.preflight()      # read-only, both managers + local
    plan = migration.plan()               # steps with their journaled state
    result = migration.run()              # every remaining step; stops at the first failure

Exit codes (MigrationResult.exit_code): 0 success, 1 error, 2 blocked (or not confirmed),
3 done but some deployments' agents failed, 130 cancelled (or detached from a running restore).

A run picks up the unfinished migration of the same old+new pair automatically (`resumed` is
then True), unless `config.fresh`; `config.migration_id` picks one explicitly. One run at a time:
the first step taken locks the pair and the state directory until `close()`.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.cloudify.errors import CloudifyError, RequestCancelledError
from wizard.migration.config import MigrationConfig, Mode
from wizard.migration.context import Context, make_client
from wizard.migration.decider import Decider
from wizard.migration.errors import BlockedError, CancelledError, ConfigError, DeclinedError, MigrationError
from wizard.migration.events import Event, LogLine, MigrationFinished, StepFinished, StepStarted
from wizard.migration.findings import Finding
from wizard.migration.lock import RunLock
from wizard.migration.runlog import RunLog
from wizard.migration.secrets import Secrets
from wizard.migration.stages import RUNS, certificates, credentials, freeze, preflight
from wizard.migration.stages.rewind import Rewind
from wizard.migration.state import Journal, MigrationState, find_finished, find_resumable, journal_path
from wizard.migration.steps import ORDER, Outcome, PlannedStep, StepId, StepOutcome, plan_steps, step_title
from wizard.migration.storage import new_migration_id, private_dir
from wizard.migration.summary import (
    EXIT_AGENTS_FAILED,
    EXIT_BLOCKED,
    EXIT_CANCELLED,
    EXIT_OK,
    dry_run_lines,
    summary_line,
)
from wizard.migration.verdict import advice_line, decommission_advice

EXIT_ERROR = 1

_EXIT_FOR = {
    Outcome.BLOCKED: EXIT_BLOCKED,
    Outcome.DECLINED: EXIT_BLOCKED,
    Outcome.CANCELLED: EXIT_CANCELLED,
    Outcome.DETACHED: EXIT_CANCELLED,
    Outcome.FAILED: EXIT_ERROR,
}
#: steps that talk to the new manager after the restore (they need the post-restore password)
_AFTER_RESTORE = {StepId.VERIFY_INVENTORY, StepId.INSTALL_AGENTS}
#: steps one run may take at most (rewinds included): a loop is a bug, not a wait
_MAX_STEPS = 4 * len(ORDER)  # steps one run may take at most


@dataclass(frozen=True)
class MigrationResult:
    """How a run ended: exit code, each step's outcome, the report files and a one-line summary."""

    exit_code: int
    migration_id: str
    outcomes: tuple[StepOutcome, ...] = field(default_factory=tuple)
    report_paths: tuple[str, ...] = field(default_factory=tuple)
    summary: str = ""


class Migration:
    """One migration from `config.old` to `config.new` (see the module docstring)."""

    def __init__(
        self,
        config: MigrationConfig,
        *,
        on_event: Callable[[Event], None],
        decider: Decider,
        cancel: threading.Event | None = None,
    ) -> None:
        self.config = config
        self._on_event = on_event
        self.decider = decider
        self.cancel = cancel or threading.Event()
        self.resumed = False
        #: the steps of this use of a snapshot (migrate, back up, restore), in order
        self.steps = plan_steps(config.mode.value, makes_snapshot=config.makes_snapshot)
        self._journal: Journal | None = None
        old_key, new_key = self.key = config.journal_key()
        if config.migration_id:
            self._journal = Journal.load(journal_path(config.state_dir, config.migration_id))
            s = self._journal.state
            if (s.old_url, s.new_url) != self.key:
                raise ConfigError(
                    f"Migration {config.migration_id} is from {s.old_url} to {s.new_url}, "
                    f"not from {old_key} to {new_key}.",
                    "Give the same managers (and archive) as that migration, or start a new one with "
                    "--fresh.",
                )
            self.resumed = True
        elif not config.fresh:
            # an unfinished migration of this pair goes on; a finished one is not done twice
            info = find_resumable(config.state_dir, old_key, new_key) or (
                None if config.mode is Mode.BACKUP else find_finished(config.state_dir, old_key, new_key)
            )
            if info is not None:
                self._journal = Journal.load(info.path)
                self.resumed = True
        self.migration_id = self._journal.migration_id if self._journal else new_migration_id()
        self.secrets = Secrets()
        for manager in (config.old, config.new):
            if manager is not None:
                c = manager.credentials
                self.secrets.add(c.password, public=(c.username, c.tenant))
        if self._journal is not None:
            self._journal.scrub = self.secrets.scrub
        self.runlog = RunLog(self.secrets)
        self.old_client = make_client(
            config.old,
            on_request=lambda r: self.runlog.request("old", r),
            cancel=self.cancel,
            pace=config.timing.pace,
        )
        # the checks read the old manager as an admin even in maintenance mode (--freeze-old, or
        # put there by its administrators as the docs ask)
        self.old_client.bypass_maintenance()
        self.new_client = (
            make_client(
                certificates.new_manager_config(config.new, self._journal.state if self._journal else None),
                on_request=lambda r: self.runlog.request("new", r),
                cancel=self.cancel,
                pace=config.timing.pace,
            )
            if config.new is not None
            else None
        )
        self._ctx: Context | None = None
        self._lock: RunLock | None = None
        self._logged_in_after_restore = False

    # -- plumbing -------------------------------------------------------------------------------
    def title(self, step: StepId) -> str:
        """A step's title in this use of the snapshot."""
        return step_title(step, self.config.mode.value)

    def _emit(self, event: Event) -> None:
        self.runlog.event(event)
        with contextlib.suppress(Exception):  # a broken UI handler must not break the migration
            self._on_event(event)

    @property
    def journal(self) -> Journal | None:
        """The journal, once the migration has started (None before)."""
        return self._journal

    @property
    def state(self) -> MigrationState | None:
        """The migration's records, once it has started (None before)."""
        return self._journal.state if self._journal else None

    def _context(self) -> Context:
        if self._ctx is None:
            if self._lock is None:
                private_dir(self.config.state_dir)
                self._lock = RunLock.acquire(self.config.state_dir, *self.key, self.migration_id)
            if self._journal is None:
                self._journal = Journal.create(
                    self.config.state_dir, self.migration_id, *self.key, self.config.to_json()
                )
                self._journal.scrub = self.secrets.scrub
            self._ctx = Context(
                self.config,
                self._journal,
                emit=self._emit,
                decider=self.decider,
                cancel=self.cancel,
                old_client=self.old_client,
                new_client=self.new_client,
                secrets=self.secrets,
            )
            self.runlog.open(self._journal.directory)
        return self._ctx

    def close(self) -> None:
        """Lift a freeze that has no reason to stay (freeze.at_run_end), close the HTTP sessions
        and the run log, and free the run's locks."""
        if self._ctx is not None:
            with contextlib.suppress(Exception):  # closing must never fail
                freeze.at_run_end(self._ctx, None)
        self.runlog.close()
        self.old_client.close()
        if self.new_client is not None:
            self.new_client.close()
        if self._ctx is not None and self.config.new is not None:
            self._ctx.new.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # -- read-only ------------------------------------------------------------------------------
    def preflight(self) -> list[Finding]:
        """Every read-only check on both managers and the local host; emits FindingsReady.

        After this migration's restore it logs in to the new manager with whichever admin
        password works now, and `new.clean` says "restored by this migration"."""
        from wizard.migration.events import FindingsReady

        state = self.state
        new_client = self._ctx.new if self._ctx and self.new_client else self.new_client
        borrowed = None
        if new_client is not None and state is not None and state.restore.posted:
            # read-only: log in with whichever password works, without taking the run's lock
            found = credentials.working_on(
                new_client, credentials.candidates_for(self.config, new_client.credentials)
            )
            if found is not None and found != new_client.credentials:
                self.secrets.add(found.password, public=(found.username, found.tenant))
                new_client = borrowed = new_client.with_credentials(found)
        old_client = self.old_client
        try:
            result = preflight.collect(self.config, old_client, new_client, state)
        finally:
            if borrowed is not None:
                borrowed.close()
        self._preflight = result
        self._emit(FindingsReady("preflight", tuple(result.findings)))
        return result.findings

    def plan(self) -> list[PlannedStep]:
        """The steps in order with their state from the journal (pending, done, failed)."""
        out = []
        for step in self.steps:
            rec = self.state.steps.get(step.value) if self.state else None
            status = rec.status if rec else "pending"
            state = (
                "done"
                if status in {"done", "already-done", "skipped"}
                else "failed"
                if status in {"failed", "blocked"}
                else "pending"
            )
            out.append(PlannedStep(step, self.title(step), state, rec.detail if rec else ""))
        return out

    def dry_run(self) -> list[str]:
        """The REST calls the migration would make, one per line; changes nothing."""
        state = self.state or MigrationState(self.migration_id, "", "")
        return dry_run_lines(self.config, state, self.config.state_dir / "migrations" / self.migration_id)

    # -- steps ----------------------------------------------------------------------------------
    def _preflight_step(self, ctx: Context) -> StepOutcome:
        self.preflight()
        return preflight.run_old(ctx, self._preflight)

    def _stage(self, step: StepId) -> Callable[[Context], StepOutcome]:
        return self._preflight_step if step is StepId.PREFLIGHT_OLD else RUNS[step]

    def run_step(self, step_id: StepId) -> StepOutcome:
        """Run one step; it reconciles first, so a step already done says so."""
        step = StepId(step_id)
        ctx = self._context()
        self._emit(StepStarted(step, self.title(step)))
        ctx.journal.start_step(step)
        started, ctx.waiting_for_person = time.monotonic(), 0.0
        try:
            if step in _AFTER_RESTORE and not self._logged_in_after_restore:
                credentials.resume_login(ctx)
                self._logged_in_after_restore = True
            freeze.before_step(ctx, step)
            outcome = self._stage(step)(ctx)
            freeze.after_step(ctx, step, outcome.outcome.ok)
        except Rewind as rewind:
            ctx.state.reopen(rewind.steps, rewind.why)
            ctx.log(step, "warning", rewind.why)
            outcome = StepOutcome(step, Outcome.REWOUND, rewind.why)
        except DeclinedError as exc:
            outcome = StepOutcome(step, Outcome.DECLINED, exc.message, exc.remediation)
        except BlockedError as exc:
            outcome = StepOutcome(step, Outcome.BLOCKED, exc.message, exc.remediation)
        except CancelledError as exc:
            outcome = StepOutcome(step, Outcome.CANCELLED, exc.message, exc.remediation)
        except RequestCancelledError:
            error = ctx.cancelled_error()
            outcome = StepOutcome(step, Outcome.CANCELLED, error.message, error.remediation)
        except MigrationError as exc:
            outcome = StepOutcome(step, Outcome.FAILED, exc.message, exc.remediation)
        except CloudifyError as exc:
            outcome = StepOutcome(
                step, Outcome.FAILED, exc.message, exc.hint or "Check the manager and run again."
            )
        except OSError as exc:
            outcome = StepOutcome(
                step,
                Outcome.FAILED,
                f"{exc.strerror or exc}: {exc.filename or ''}".strip(),
                "Check the state directory (space, permissions) and run again.",
            )
        except Exception as exc:  # a bug must still leave the journal consistent and say so
            self.runlog.line("".join(traceback.format_exception(exc)))
            outcome = StepOutcome(
                step,
                Outcome.FAILED,
                f"Unexpected error ({type(exc).__name__}: {exc}); nothing was done twice.",
                f"Run again to resume; if it repeats, send {ctx.directory}/migrate.log to support.",
            )
        if step is StepId.REAUTHENTICATE and outcome.outcome.ok:
            self._logged_in_after_restore = True
        active = max(0.0, time.monotonic() - started - ctx.waiting_for_person)
        status = "pending" if outcome.outcome is Outcome.REWOUND else outcome.outcome.value
        ctx.journal.finish_step(step, status, outcome.detail, active)
        if not outcome.outcome.ok and outcome.outcome is not Outcome.REWOUND:
            quiet = outcome.outcome in (Outcome.CANCELLED, Outcome.DETACHED, Outcome.DECLINED)
            text = outcome.detail + (f" — {outcome.remediation}" if outcome.remediation else "")
            self._emit(LogLine(step, "warning" if quiet else "error", self.secrets.scrub(text)))
        self._emit(StepFinished(step, outcome.outcome, self.secrets.scrub(outcome.detail)))
        return outcome

    def next_step(self) -> StepId | None:
        """The first step not behind us (the report aside), from the records as they are now."""
        state = self.state
        for step in self.steps:
            if step is not StepId.REPORT and (state is None or not state.is_done(step)):
                return step
        return None

    def run(self) -> MigrationResult:
        """Run every remaining step in order; stop at the first failure or blocker."""
        ctx = self._context()
        if self.resumed and ctx.state.finished:
            self._emit(
                LogLine(
                    None,
                    "info",
                    f"Migration {self.migration_id} already moved {self.key[0]} to "
                    f"{self.key[1]}; nothing is done again (--fresh starts a new migration).",
                )
            )
        elif self.resumed:
            last, status = ctx.state.last_step()
            where = f"after {self.title(last).lower()} ({status})" if last else "from the start"
            self._emit(LogLine(None, "info", f"Resuming migration {self.migration_id} {where}."))
        else:
            self._emit(LogLine(None, "info", f"Starting migration {self.migration_id}."))
        for step in self.steps:
            if step is not StepId.REPORT and ctx.state.is_done(step):
                self._emit(StepFinished(step, Outcome.ALREADY_DONE, "done in an earlier run"))
        outcomes: list[StepOutcome] = []
        exit_code = EXIT_OK
        for _ in range(_MAX_STEPS):
            upcoming = self.next_step()
            if upcoming is None:
                break
            step = upcoming
            outcome = self.run_step(step)
            outcomes.append(outcome)
            if outcome.outcome.ok or outcome.outcome is Outcome.REWOUND:
                continue
            if (
                step is StepId.INSTALL_AGENTS
                and outcome.outcome is Outcome.FAILED
                and any(r.status == "failed" for r in ctx.state.agents.deployments.values())
            ):
                exit_code = EXIT_AGENTS_FAILED
                break
            exit_code = _EXIT_FOR.get(outcome.outcome, EXIT_ERROR)
            break
        else:
            exit_code = EXIT_ERROR
            self._emit(
                LogLine(
                    None, "error", "The steps kept undoing each other; stopped (a bug: send migrate.log)."
                )
            )
        ctx.journal.mark_finished(exit_code)
        freeze.at_run_end(ctx, exit_code)
        report = self.run_step(StepId.REPORT)
        outcomes.append(report)
        directory = ctx.journal.directory
        paths = (str(directory / "report.json"), str(directory / "report.md")) if report.outcome.ok else ()
        noun = {Mode.BACKUP: "Backup", Mode.RESTORE: "Restore"}.get(self.config.mode, "Migration")
        summary = summary_line(exit_code, outcomes, self.migration_id, noun, self.title)
        if exit_code in (EXIT_OK, EXIT_AGENTS_FAILED) and ctx.state.agents.planned_at:
            summary += " " + advice_line(ctx.state)
        summary = self.secrets.scrub(summary)
        needed = self.config.mode is Mode.MIGRATE and not decommission_advice(ctx.state)["allowed"]
        self._emit(MigrationFinished(exit_code, paths, summary, old_manager_needed=needed))
        return MigrationResult(exit_code, self.migration_id, tuple(outcomes), paths, summary)
