"""The Migration: runs the steps in order, journals everything, resumes, and reports.

The TUI and `cfy-migrate run` both drive this class from a worker thread:

    migration = Migration(config, on_event=handle, decider=decider, cancel=stop_event)
    findings = migration.preflight()      # read-only, both managers + local
    plan = migration.plan()               # steps with their journaled state
    result = migration.run()              # all remaining steps; stops at the first failure

Exit codes (MigrationResult.exit_code): 0 success, 1 error, 2 blocked by preflight,
3 done but some deployments' agents failed, 130 cancelled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.migration.config import MigrationConfig
from wizard.migration.decider import Decider
from wizard.migration.events import Event
from wizard.migration.findings import Finding
from wizard.migration.steps import PlannedStep, StepId, StepOutcome

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BLOCKED = 2
EXIT_AGENTS_FAILED = 3
EXIT_CANCELLED = 130


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
        raise NotImplementedError

    migration_id: str

    def preflight(self) -> list[Finding]:
        """Run every read-only check on both managers and the local host; emits FindingsReady."""
        raise NotImplementedError

    def plan(self) -> list[PlannedStep]:
        """The steps in order with their state from the journal (pending, done, failed)."""
        raise NotImplementedError

    def run_step(self, step_id: StepId) -> StepOutcome:
        """Run one step (idempotent: a step already done says so)."""
        raise NotImplementedError

    def run(self) -> MigrationResult:
        """Run every remaining step in order; stop at the first failure or blocker."""
        raise NotImplementedError

    def dry_run(self) -> list[str]:
        """The REST calls the migration would make, one per line; changes nothing."""
        raise NotImplementedError
