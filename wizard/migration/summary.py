"""What a run says about itself without doing anything: the dry run's REST calls, and the one-line
summary a run ends with (exit code, the step that stopped it, what to do next)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wizard.migration.config import MigrationConfig
from wizard.migration.stages import agents as agents_stage
from wizard.migration.stages import download as download_stage
from wizard.migration.stages import freeze as freeze_stage
from wizard.migration.stages import restore as restore_stage
from wizard.migration.stages import snapshot as snapshot_stage
from wizard.migration.stages import upload as upload_stage
from wizard.migration.stages import verify as verify_stage
from wizard.migration.state import MigrationState
from wizard.migration.steps import Outcome, StepId, StepOutcome

#: the exit codes of a run (1 is any other error)
EXIT_OK = 0
EXIT_BLOCKED = 2
EXIT_AGENTS_FAILED = 3
EXIT_CANCELLED = 130


@dataclass(frozen=True)
class _DryRunView:
    """What the stages' `describe` needs of a context, without a journal or a lock."""

    config: MigrationConfig
    state: MigrationState
    directory: Path


def dry_run_lines(config: MigrationConfig, state: MigrationState, directory: Path) -> list[str]:
    """The REST calls a migration would make, one per line, each stage describing its own."""
    o = config.old.url + "/api/v3.1"
    view = _DryRunView(config, state, directory)
    lines: list[str] = []
    if config.old_online:
        lines += [
            f"GET {o}/version, /user, /tenants, /managers, /brokers, /status   (preflight, read-only)",
            f"GET {o}/executions?_all_tenants=true&_include_system_workflows=true"
            "&status=pending&status=started…",
            f"GET {o}/blueprints, /deployments, /node-instances, /agents?_all_tenants=true   (inventory)",
            f"GET {o}/license, /db-nodes, /cluster-status, /config?scope=rest, /plugins?_all_tenants=true, "
            "/maintenance   (manager-level checks)",
        ]
    if config.archive is not None:
        lines.append(f"(reads {config.archive}: integrity, metadata, certificates, inventory; sends nothing)")
    if config.new is None:
        lines += snapshot_stage.describe(view) + download_stage.describe(view)
        lines.append(f"(moves the archive into {config.backup.directory} with a manifest beside it)")
        return lines
    n = config.new.url + "/api/v3.1"
    lines += [
        f"GET {n}/license, /db-nodes, /cluster-status, /config?scope=rest   (manager-level checks)",
        f"GET {n}/version, /user, /tenants, /managers, /brokers, /status, /blueprints, /deployments, "
        "/plugins, /secrets   (preflight, read-only)",
    ]
    stages = (snapshot_stage, freeze_stage, download_stage) if config.makes_snapshot else ()
    for stage in (*stages, upload_stage, restore_stage):
        lines += stage.describe(view)
    lines.append(f"GET {n}/user   (old manager's admin password first, then the new one's)")
    lines += verify_stage.describe(view)
    lines += agents_stage.describe(view)
    return lines


def summary_line(
    exit_code: int,
    outcomes: list[StepOutcome],
    migration_id: str,
    noun: str = "Migration",
    title: Callable[[StepId], str] = lambda step: step.label,
) -> str:
    """The run's last line: what happened and, when it stopped, where and what to do. `noun` names
    the use of the snapshot (Migration, Backup, Restore)."""
    last_bad = next(
        (o for o in reversed(outcomes) if not o.outcome.ok and o.outcome is not Outcome.REWOUND), None
    )
    if exit_code == EXIT_OK:
        return f"{noun} {migration_id} finished: every step done."
    if exit_code == EXIT_AGENTS_FAILED:
        agents = next((o for o in outcomes if o.step is StepId.INSTALL_AGENTS), None)
        return (
            f"{noun} {migration_id} finished, but agents failed for some deployments "
            f"({agents.detail if agents else '?'}); run again with --retry-failed-agents."
        )
    if last_bad is None:
        return f"{noun} {migration_id} stopped (exit {exit_code})."
    verb = {
        Outcome.BLOCKED: "blocked",
        Outcome.DECLINED: "stopped before the new manager",
        Outcome.CANCELLED: "interrupted",
        Outcome.DETACHED: "detached from the running restore",
    }.get(last_bad.outcome, "failed")
    return f"{noun} {migration_id} {verb} at '{title(last_bad.step)}': {last_bad.detail}" + (
        f" — {last_bad.remediation}" if last_bad.remediation else ""
    )
