"""What the wizard knows about the run, folded from engine events on the UI thread.

Pages draw from this model; nothing here touches a widget, so it is unit-testable and the
pages can be rebuilt from it at any time (e.g. when the user looks back at an earlier page).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.migration.config import Mode
from wizard.migration.events import (
    AgentUpdate,
    ArchiveFacts,
    Event,
    FindingsReady,
    LogLine,
    MigrationFinished,
    StepFinished,
    StepProgress,
    StepStarted,
)
from wizard.migration.findings import Finding
from wizard.migration.steps import StepId, plan_steps


@dataclass
class RunModel:
    """The run as the UI sees it: step states, findings per phase, agents, the end result."""

    step_states: dict[StepId, str] = field(default_factory=dict)
    step_details: dict[StepId, str] = field(default_factory=dict)
    findings: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    agents: dict[tuple[str, str], AgentUpdate] = field(default_factory=dict)
    progress: dict[StepId, StepProgress] = field(default_factory=dict)
    finished: MigrationFinished | None = None
    connected: bool = False
    running_step: StepId | None = None
    #: the use of a snapshot and its steps (pages without any are skipped)
    mode: Mode = Mode.MIGRATE
    plan: tuple[StepId, ...] = field(default_factory=lambda: plan_steps("migrate", makes_snapshot=True))
    #: the archive as last described (after a backup is kept: its place in the backup directory)
    archive: ArchiveFacts | None = None

    def apply(self, event: Event) -> None:
        """Fold one event into the model."""
        if isinstance(event, StepStarted):
            self.step_states[event.step] = "running"
            self.running_step = event.step
        elif isinstance(event, StepFinished):
            self.step_states[event.step] = event.outcome.value
            self.step_details[event.step] = event.detail
            if self.running_step == event.step:
                self.running_step = None
        elif isinstance(event, StepProgress):
            self.progress[event.step] = event
        elif isinstance(event, FindingsReady):
            self.findings[event.phase] = event.findings
        elif isinstance(event, AgentUpdate):
            self.agents[(event.tenant, event.deployment)] = event
        elif isinstance(event, MigrationFinished):
            self.finished = event
        elif isinstance(event, ArchiveFacts):
            self.archive = event
        elif isinstance(event, LogLine):
            pass

    def all_findings(self) -> list[Finding]:
        """The newest finding per id over every phase (later phases win)."""
        by_id: dict[str, Finding] = {}
        for batch in self.findings.values():
            for finding in batch:
                by_id[finding.id] = finding
        return list(by_id.values())
