"""Everything the engine does is an event; the TUI turns them into messages, `run` prints them.

All events are frozen dataclasses deriving from `Event`. `on_event` is called from the engine's
thread: a UI must hand them to its own loop. StepProgress events may be dropped except the
newest one (they replace each other).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from wizard.migration.findings import Finding
from wizard.migration.steps import Outcome, StepId


@dataclass(frozen=True)
class Event:
    """Base of every engine event; `at` is the wall-clock time it was made (epoch seconds)."""

    at: float = field(default_factory=time.time, kw_only=True, compare=False)


@dataclass(frozen=True)
class StepStarted(Event):
    """A step begins (or is resumed)."""

    step: StepId
    title: str


@dataclass(frozen=True)
class StepProgress(Event):
    """Progress of a step: `done` of `total` `unit`s (total 0 when unknown). Throttled by the engine
    to a few per second; a UI may keep only the newest."""

    step: StepId
    done: float
    total: float
    unit: str
    message: str = ""


@dataclass(frozen=True)
class LogLine(Event):
    """A line of text: a manager's execution event, or a note from the engine.

    `level` is one of debug, info, warning, error.
    """

    step: StepId | None
    level: str
    message: str


@dataclass(frozen=True)
class FindingsReady(Event):
    """A batch of check results. `phase` names the batch: preflight, old, new, archive, agents,
    or `before:<step>` for the re-checks run right before a destructive step."""

    phase: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class AgentUpdate(Event):
    """One deployment's agent installation changed state.

    status: pending, running, succeeded, failed or skipped; `reason` explains skips and failures.
    """

    tenant: str
    deployment: str
    status: str
    execution_id: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class StepFinished(Event):
    """A step ended: outcome is done, already-done, skipped, failed, blocked or cancelled."""

    step: StepId
    outcome: Outcome
    detail: str = ""


@dataclass(frozen=True)
class ArchiveFacts(Event):
    """The archive on disk after its inspection: where it is, its size, sha256, format, version."""

    path: str
    size: int
    sha256: str
    format: str
    snapshot_version: str


@dataclass(frozen=True)
class InventoryFacts(Event):
    """Per-tenant inventory counts, old (the baseline) and new (after the restore), as JSON."""

    old: dict[str, Any] | None
    new: dict[str, Any] | None


@dataclass(frozen=True)
class ReportWritten(Event):
    """The report files were written; `markdown` is report.md's text (for the Summary page)."""

    json_path: str
    markdown_path: str
    markdown: str


@dataclass(frozen=True)
class MigrationFinished(Event):
    """The whole run ended (0 ok, 1 error, 2 blocked, 3 agents failed, 130 cancelled);
    `old_manager_needed`: the report's advice is not to decommission the old manager yet."""

    exit_code: int
    report_paths: tuple[str, ...]
    summary: str
    old_manager_needed: bool = False


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Finding):
        return value.to_json()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def to_json(event: Event) -> dict[str, Any]:
    """The event as a JSON-ready dict with its type name under "event" (for `--json` output)."""
    out: dict[str, Any] = {"event": type(event).__name__}
    for f in dataclasses.fields(event):
        out[f.name] = _plain(getattr(event, f.name))
    return out
