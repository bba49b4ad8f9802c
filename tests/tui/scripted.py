"""Deterministic engine events for the SVG snapshots: fixed times, ids, sizes and URLs, so a
screen drawn from them is the same on every machine and every run."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from wizard.migration.decider import RestoreSummary
from wizard.migration.events import (
    AgentUpdate,
    Event,
    FindingsReady,
    LogLine,
    MigrationFinished,
    StepFinished,
    StepProgress,
    StepStarted,
)
from wizard.migration.findings import Finding, Status
from wizard.migration.steps import Outcome, StepId
from wizard.tui.app import MigrateApp
from wizard.tui.flow import Page
from wizard.tui.options import LaunchOptions, ManagerForm, UseForm

T0 = 1_767_258_000.0  # 2026-01-01 09:00:00 UTC
OLD_URL = "https://old-manager.example.net:443"
NEW_URL = "https://new-manager.example.net:443"
MIB = 1024 * 1024
SNAPSHOT_ID = "cfy-migrate-20260101T090012Z"
MIGRATION_ID = "20260101-090000-3f2a"
STATE_DIR = "/home/admin/.local/state/cfy-migrate"


def snapshot_app(display: dict[str, str] | None = None, use: UseForm | None = None) -> MigrateApp:
    """An app with fixed forms and environment; nothing is contacted until a job starts.
    `display` replaces real paths on screen with fixed ones (e.g. a temporary directory); `use`
    starts it in a backup or a restore."""
    options = LaunchOptions(
        use=use or UseForm(),
        display_urls=display or {},
        old=ManagerForm(url=OLD_URL, user="admin", password="correct-horse"),
        new=ManagerForm(url=NEW_URL, user="admin", password="battery-staple"),
        state_dir=Path(STATE_DIR),
        environ={"HOME": "/nonexistent-home", "TERM": "xterm-256color"},
        offer_resume=False,
        check_multiplexer=False,
    )
    return MigrateApp(options)


def at(seconds: float) -> float:
    """A fixed event time, `seconds` after T0."""
    return T0 + seconds


PREFLIGHT = (
    Finding(
        "new.clean",
        Status.FAIL,
        "The new manager is not clean",
        "tenant default_tenant: 2 blueprints, 3 deployments, 1 secret.",
        "Reinstall the new manager, or delete them (cfy blueprints/deployments delete).",
    ),
    Finding(
        "old.executions",
        Status.WARN,
        "2 scheduled executions on the old manager",
        "dep-4 'heal' at 09:30 UTC; dep-9 'scale' at 11:00 UTC. Overdue ones are marked failed on restore.",
        "Pause the schedules or accept that they fail.",
    ),
    Finding(
        "pair.ip-rule",
        Status.WARN,
        "Different IPs: keep the old manager online",
        "old 10.0.0.5 -> new 10.0.0.6. Agents move with install_new_agents through the old broker.",
        "Do not decommission the old manager before the report says so.",
    ),
    Finding("old.auth", Status.PASS, "Logged in to the old manager", "as admin (sys_admin)."),
    Finding("old.version", Status.PASS, "Old manager version", "Cloudify 6.4.2 premium."),
    Finding("new.version", Status.PASS, "Version order", "6.4.2 -> 7.0.4: an upgrade."),
    Finding("new.bootstrap-admin", Status.PASS, "Bootstrap admin on the new manager", "admin is sys_admin."),
    Finding("local.disk", Status.PASS, "Local disk space", "118.2 GiB free."),
)

NEW_FINDINGS = (
    Finding(
        "pair.ip-rule",
        Status.WARN,
        "Different IPs: keep the old manager online",
        "old 10.0.0.5 -> new 10.0.0.6.",
        "Do not decommission the old manager before the report says so.",
    ),
    Finding("new.clean", Status.PASS, "The new manager is clean", "No blueprints, deployments or secrets."),
    Finding("new.version", Status.PASS, "Snapshot version fits the new manager", "6.4.2 <= 7.0.4."),
    Finding("new.networks", Status.PASS, "Agent networks exist on the new manager", "default."),
    Finding("new.health", Status.PASS, "Every service of the new manager runs", "9 services active."),
    Finding("archive.format", Status.PASS, "Legacy (database) snapshot format", "metadata.json is complete."),
)


def done(step: StepId, detail: str, t: float) -> list[Event]:
    """A step that started and finished."""
    return [StepStarted(step, step.label, at=at(t)), StepFinished(step, Outcome.DONE, detail, at=at(t + 1))]


def through_preflight() -> list[Event]:
    """Connected, checks shown (one waived-able FAIL)."""
    return [FindingsReady("preflight", PREFLIGHT, at=at(1))]


def through_snapshot() -> list[Event]:
    """Preflight passed and the snapshot created, with its execution events."""
    ok = tuple(f for f in PREFLIGHT if f.id != "new.clean")
    events: list[Event] = [FindingsReady("preflight", ok, at=at(1))]
    events += done(StepId.PREFLIGHT_OLD, "7 checks, no blocker", 2)
    events.append(StepStarted(StepId.CREATE_SNAPSHOT, StepId.CREATE_SNAPSHOT.label, at=at(10)))
    for i, text in enumerate(
        [
            f"Snapshot {SNAPSHOT_ID} requested (execution 5d1c0a7e-62a9-4bde-9a0d-7a2f3c1b9e40).",
            "Starting 'create_snapshot' workflow execution",
            f"Creating snapshot `{SNAPSHOT_ID}`",
            "Using `legacy` snapshot format",
            "Dumping the database",
            "Dumping files to the archive from the manager",
        ]
    ):
        events.append(LogLine(StepId.CREATE_SNAPSHOT, "info", text, at=at(11 + i * 3)))
    events.append(
        StepProgress(StepId.CREATE_SNAPSHOT, 0, 0, "", f"snapshot {SNAPSHOT_ID}: creating", at=at(28))
    )
    return events


def snapshot_created() -> list[Event]:
    """The snapshot step finished."""
    return [
        LogLine(StepId.CREATE_SNAPSHOT, "info", "Snapshot created successfully", at=at(40)),
        StepFinished(StepId.CREATE_SNAPSHOT, Outcome.DONE, f"snapshot {SNAPSHOT_ID} created", at=at(41)),
    ]


def downloading() -> list[Event]:
    """The download at 62 % with a steady 8 MiB/s."""
    total = 1536 * MIB
    events: list[Event] = [StepStarted(StepId.DOWNLOAD, StepId.DOWNLOAD.label, at=at(50))]
    for i in range(1, 9):
        events.append(StepProgress(StepId.DOWNLOAD, i * 120 * MIB, total, "bytes", "", at=at(50 + i * 15)))
    return events


def downloaded() -> list[Event]:
    """Download, inspection and the new-manager checks done."""
    events: list[Event] = [
        StepFinished(StepId.DOWNLOAD, Outcome.DONE, "1.5 GiB, sha256 9f86d081884c7d65…", at=at(250))
    ]
    events += done(StepId.INSPECT_ARCHIVE, "legacy format, snapshot version 6.4.2", 251)
    events.append(
        FindingsReady(
            "archive",
            (
                *NEW_FINDINGS[-1:],
                Finding(
                    "archive.integrity",
                    Status.PASS,
                    "The snapshot archive is intact",
                    "2,114 entries, every CRC checked.",
                ),
            ),
            at=at(252),
        )
    )
    events.append(StepStarted(StepId.PREFLIGHT_NEW, StepId.PREFLIGHT_NEW.label, at=at(255)))
    events.append(FindingsReady("new", NEW_FINDINGS, at=at(256)))
    events.append(StepFinished(StepId.PREFLIGHT_NEW, Outcome.DONE, "6 checks, no blocker", at=at(257)))
    return events


ARCHIVE_FACTS: dict[str, object] = {
    "id": SNAPSHOT_ID,
    "path": f"{STATE_DIR}/migrations/{MIGRATION_ID}/{SNAPSHOT_ID}.zip",
    "size": 1536 * MIB,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "format": "legacy",
    "snapshot_version": "6.4.2",
}


def restoring() -> list[Event]:
    """Uploaded; the restore runs through the REST outage."""
    events: list[Event] = [StepStarted(StepId.UPLOAD, StepId.UPLOAD.label, at=at(300))]
    events.append(StepProgress(StepId.UPLOAD, 1536 * MIB, 1536 * MIB, "bytes", "", at=at(400)))
    events.append(StepFinished(StepId.UPLOAD, Outcome.DONE, "1.5 GiB uploaded and verified", at=at(401)))
    events.append(StepStarted(StepId.RESTORE, StepId.RESTORE.label, at=at(410)))
    events.append(LogLine(StepId.RESTORE, "info", "Restore started: execution 0b7e3c51.", at=at(430)))
    events.append(LogLine(StepId.RESTORE, "info", "Restoring snapshot `" + SNAPSHOT_ID + "`", at=at(431)))
    events.append(
        LogLine(
            StepId.RESTORE,
            "info",
            "The new manager's REST service is restarting (ConnectionFailedError); waiting.",
            at=at(470),
        )
    )
    events.append(
        StepProgress(StepId.RESTORE, 84, 0, "s", "REST API unreachable (expected); waiting", at=at(514))
    )
    return events


def restored() -> list[Event]:
    """Restore, re-login and inventory done."""
    return [
        LogLine(
            StepId.RESTORE,
            "warning",
            "The new manager switched to the OLD manager's admin password.",
            at=at(540),
        ),
        StepFinished(StepId.RESTORE, Outcome.DONE, "restore terminated", at=at(560)),
        *done(StepId.REAUTHENTICATE, "logged in as admin with the old manager's password", 561),
        StepStarted(StepId.VERIFY_INVENTORY, StepId.VERIFY_INVENTORY.label, at=at(570)),
        FindingsReady(
            "verify", (Finding("verify.inventory", Status.PASS, "Inventory matches", ""),), at=at(571)
        ),
        StepFinished(
            StepId.VERIFY_INVENTORY, Outcome.DONE, "3 tenants, 4 blueprints, 12 deployments", at=at(572)
        ),
    ]


INVENTORY: dict[str, object] = {
    "old": {
        "tenants": {
            "default_tenant": {"blueprints": 2, "deployments": 6, "installed": 5, "agents": 5},
            "tenant-1": {"blueprints": 1, "deployments": 4, "installed": 3, "agents": 3},
            "tenant-2": {"blueprints": 1, "deployments": 2, "installed": 1, "agents": 1},
        }
    },
    "new": {
        "tenants": {
            "default_tenant": {"blueprints": 2, "deployments": 6, "installed": 5, "agents": 5},
            "tenant-1": {"blueprints": 1, "deployments": 4, "installed": 3, "agents": 3},
            "tenant-2": {"blueprints": 1, "deployments": 2, "installed": 1, "agents": 1},
        }
    },
}

AGENT_ROWS = (
    ("default_tenant", "web-frontend", "succeeded", "a41c9e02-5b7d-4e1f-9a3c-2d8e6f0b1c47", ""),
    ("default_tenant", "db-primary", "succeeded", "7be20c1d-3f4a-4b5c-8d6e-9f0a1b2c3d4e", ""),
    ("default_tenant", "db-replica", "running", "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", ""),
    (
        "default_tenant",
        "batch-workers",
        "failed",
        "0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b",
        "agent host 10.0.3.7 unreachable on 22",
    ),
    ("default_tenant", "old-reporting", "skipped", "", "not installed (inactive)"),
    ("tenant-1", "billing", "succeeded", "5f6e7d8c-9b0a-4f1e-8d2c-3b4a5f6e7d8c", ""),
    ("tenant-1", "billing-cache", "pending", "", ""),
    ("tenant-1", "legacy-ftp", "skipped", "", "host vm_ftp is not started"),
    ("tenant-2", "monitoring", "succeeded", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", ""),
)


def agents_running() -> list[Event]:
    """install_new_agents half-way, with a failure and two skips."""
    events: list[Event] = [StepStarted(StepId.INSTALL_AGENTS, StepId.INSTALL_AGENTS.label, at=at(600))]
    for i, (tenant, dep, status, execution, reason) in enumerate(AGENT_ROWS):
        events.append(AgentUpdate(tenant, dep, status, execution or None, reason, at=at(601 + i)))
    events.append(
        LogLine(
            StepId.INSTALL_AGENTS,
            "error",
            "batch-workers: install_new_agents failed: agent host 10.0.3.7 unreachable on 22",
            at=at(640),
        )
    )
    events.append(
        StepProgress(StepId.INSTALL_AGENTS, 4, 7, "deployments", "4 of 7 deployments done", at=at(650))
    )
    return events


def finished() -> list[Event]:
    """Everything done and the report written."""
    events: list[Event] = [
        StepFinished(StepId.INSTALL_AGENTS, Outcome.DONE, "7 succeeded, 0 failed, 2 skipped", at=at(700))
    ]
    events += done(StepId.REPORT, "report.json and report.md", 710)
    events.append(
        MigrationFinished(
            0,
            (
                f"{STATE_DIR}/migrations/{MIGRATION_ID}/report.json",
                f"{STATE_DIR}/migrations/{MIGRATION_ID}/report.md",
            ),
            f"Migration {MIGRATION_ID} finished: every step done.",
            at=at(712),
        )
    )
    return events


#: the start of a migrate.log, as runlog.py writes it
MIGRATE_LOG = "\n".join(
    [
        "2026-01-01T09:00:01.120Z HTTP old GET /api/v3.1/version -> 200 0.012s tenant=default_tenant",
        "2026-01-01T09:00:01.214Z HTTP new GET /api/v3.1/version -> 200 0.010s tenant=default_tenant",
        '2026-01-01T09:00:01.530Z FindingsReady {"phase": "preflight", "findings": 8}',
        '2026-01-01T09:00:02.004Z StepStarted {"step": "preflight_old", "title": "Preflight checks"}',
        '2026-01-01T09:00:03.118Z StepFinished {"detail": "7 checks, no blocker", "outcome": "done", '
        '"step": "preflight_old"}',
        '2026-01-01T09:00:10.002Z StepStarted {"step": "create_snapshot", "title": "Create the snapshot"}',
        f"2026-01-01T09:00:10.050Z HTTP old PUT /api/v3.1/snapshots/{SNAPSHOT_ID} -> 201 0.084s "
        "tenant=default_tenant",
        f'2026-01-01T09:00:11.020Z LogLine {{"level": "info", "message": "Snapshot {SNAPSHOT_ID} requested", '
        '"step": "create_snapshot"}',
        "2026-01-01T09:00:13.031Z HTTP old GET /api/v3.1/executions/5d1c0a7e -> 200 0.009s "
        "tenant=default_tenant",
    ]
)
MIGRATION_DIR = f"{STATE_DIR}/migrations/{MIGRATION_ID}"

REPORT_MD = f"""# cfy-migrate report — {MIGRATION_ID}

| manager | URL | version | edition |
|---|---|---|---|
| old | {OLD_URL} | 6.4.2 | premium |
| new | {NEW_URL} | 7.0.4 | premium |

## Inventory

| tenant | blueprints | deployments | installed | agents |
|---|---|---|---|---|
| default_tenant | 2 → 2 | 6 → 6 | 5 → 5 | 5 → 5 |
| tenant-1 | 1 → 1 | 4 → 4 | 3 → 3 | 3 → 3 |
| tenant-2 | 1 → 1 | 2 → 2 | 1 → 1 | 1 → 1 |

## Waivers

None.
"""

RESTORE_SUMMARY = RestoreSummary(
    new_manager_host="new-manager",
    new_manager_url=NEW_URL,
    new_version="7.0.4",
    old_manager_url=OLD_URL,
    old_version="6.4.2",
    snapshot_id=SNAPSHOT_ID,
    snapshot_format="legacy",
    expected_answer="new-manager",
    overwritten=(
        "every tenant, user, blueprint, deployment, secret and plugin on the new manager",
        "the new manager's admin password becomes the OLD manager's",
    ),
    irreversible=(
        "to go back, the new manager must be reinstalled",
        "tokens issued by the new manager stop working",
    ),
)


async def feed(pilot: Pilot[int], events: list[Event], page: Page | None = None) -> MigrateApp:
    """Send `events` as if the engine had, then show `page`."""
    app = pilot.app
    assert isinstance(app, MigrateApp)
    app.model.connected = True
    for event in events:
        app.emit(event)
        if isinstance(event, StepProgress):
            await pilot.pause()  # progress collapses while queued: let each one be drawn
    await pilot.pause()
    if page is not None:
        app.navigate(page)
    await pilot.pause()
    return app
