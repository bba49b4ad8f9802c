"""Inspect the downloaded archive before it goes anywhere near the new manager: zip integrity,
metadata, format and version. A damaged file is discarded and downloaded again (once: a second
damaged download means the snapshot itself is damaged)."""

from __future__ import annotations

from wizard.cloudify.models import parse_manager_version
from wizard.migration.archive import inspect_archive
from wizard.migration.context import Context
from wizard.migration.errors import MigrationError
from wizard.migration.events import ArchiveFacts
from wizard.migration.findings import Status
from wizard.migration.gate import record
from wizard.migration.stages.archive_check import discard, rewind_for_new_archive
from wizard.migration.steps import Outcome, StepId, StepOutcome

STEP = StepId.INSPECT_ARCHIVE


def run(ctx: Context) -> StepOutcome:
    """Read the archive (see the module docstring) and block on a FAIL."""
    path = ctx.journal.archive_path()
    a = ctx.state.archive
    new_version_text = str(ctx.state.managers.get("new", {}).get("version") or "")
    try:
        new_version = parse_manager_version(new_version_text) if new_version_text else None
    except ValueError:
        new_version = None
    info, findings = inspect_archive(path, new_version)
    integrity = next((f for f in findings if f.id == "archive.integrity"), None)
    if integrity is not None and integrity.status is Status.FAIL:
        record(ctx, "archive", findings)
        again = any(d.get("reason") == "damaged" for d in a.discarded)
        discard(ctx, "damaged")
        if again:
            raise MigrationError(
                f"{integrity.title} again, after a fresh download: {integrity.detail}",
                "The snapshot on the old manager is itself damaged. Run again with --fresh to create "
                "a new snapshot (check the old manager's disk and its create_snapshot events first).",
            )
        raise rewind_for_new_archive(ctx, f"{integrity.title}: {integrity.detail}")
    facts = info.to_json()
    a.entries, a.snapshot_version, a.format = (
        int(facts["entries"]),
        str(facts["snapshot_version"]),
        str(facts["format"]),
    )
    a.metadata_keys, a.networks, a.ok = (
        list(facts["metadata_keys"]),
        list(facts["networks"]),
        bool(facts["ok"]),
    )
    a.inspected_sha256 = a.sha256
    blocking = record(ctx, "archive", findings)
    ctx.emit(ArchiveFacts(str(path), a.size or 0, a.sha256 or "", a.format, a.snapshot_version))
    if blocking:
        first = blocking[0]
        return StepOutcome(
            STEP,
            Outcome.BLOCKED,
            f"{first.id}: {first.title}",
            first.remediation or f"waive with --waive {first.id}",
            tuple(findings),
        )
    return StepOutcome(
        STEP,
        Outcome.DONE,
        f"{info.format} format, snapshot version {info.snapshot_version}",
        findings=tuple(findings),
    )
