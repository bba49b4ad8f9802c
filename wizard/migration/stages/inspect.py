"""Inspect the downloaded archive before it goes anywhere near the new manager: zip integrity,
metadata, format and version. A damaged file is discarded and downloaded again (once: a second
damaged download means the snapshot itself is damaged)."""

from __future__ import annotations

from pathlib import Path

from packaging.version import Version

from wizard.cloudify.models import parse_manager_version
from wizard.migration.archive import SEVEN, inspect_archive
from wizard.migration.archive_repair import REPAIR_KEYS, repair_archive
from wizard.migration.config import Mode
from wizard.migration.context import Context
from wizard.migration.errors import MigrationError
from wizard.migration.events import ArchiveFacts
from wizard.migration.findings import Finding, Status
from wizard.migration.gate import record
from wizard.migration.snapshot_facts import SnapshotFacts, read_facts
from wizard.migration.stages.archive_check import discard, file_sha256, rewind_for_new_archive
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now
from wizard.migration.units import human_bytes

STEP = StepId.INSPECT_ARCHIVE


def _repaired(ctx: Context, original: Path, new_version: Version | None) -> Finding:
    """Make (or keep) the repaired copy of a community archive and say what it is."""
    a = ctx.state.archive
    dest = ctx.journal.repaired_path()
    if not (
        a.repaired_sha256
        and dest.is_file()
        and dest.stat().st_size == a.repaired_size
        and file_sha256(dest) == a.repaired_sha256
    ):
        ctx.log(STEP, "info", f"Writing a repaired copy of {original.name} (the original stays as it is)…")
        repair_archive(
            original,
            dest,
            lambda done, total: ctx.progress(STEP, done, total, "bytes", f"repairing: {human_bytes(done)}"),
        )
        a.repaired_size, a.repaired_sha256 = dest.stat().st_size, file_sha256(dest)
        ctx.save()
    info, _ = inspect_archive(dest, new_version)
    if info.format != "legacy":
        raise MigrationError(
            f"The repaired copy {dest.name} still reads as {info.format or 'unreadable'}.",
            "Send migrate.log to support; the original archive is untouched.",
        )
    return Finding(
        "archive.format",
        Status.PASS,
        "Legacy format, by a repaired copy of the community archive",
        f"{dest.name} (sha256 {str(a.repaired_sha256)[:16]}…) is the original (sha256 {str(a.sha256)[:16]}…) "
        f"with {', '.join(REPAIR_KEYS)} added as empty strings; it is what the new manager gets. The "
        "inventory check after the restore proves the result.",
        data={"format": "legacy", "repaired": True, "original_sha256": a.sha256, "sha256": a.repaired_sha256},
    )


def origin_finding(facts: SnapshotFacts, old: dict[str, object]) -> Finding:
    """archive.origin: an archive given with --archive comes from the old manager given (its
    certificates name that manager's IPs), or the finding says whose it is."""
    listed = old.get("ips")
    ips = {str(x) for x in listed} if isinstance(listed, list) else set()
    ips |= {str(old["ip"])} if old.get("ip") else set()
    theirs = set(facts.manager_ips)
    if not theirs or not ips:
        return Finding(
            "archive.origin",
            Status.WARN,
            "Cannot tell which manager made this archive",
            "Its certificates or the old manager's IPs are unknown.",
            "Make sure it is a snapshot of the old manager you named.",
        )
    if theirs & ips:
        return Finding(
            "archive.origin",
            Status.PASS,
            "The archive comes from the old manager",
            f"Its certificates name {', '.join(sorted(theirs & ips))}.",
        )
    return Finding(
        "archive.origin",
        Status.FAIL,
        "The archive comes from another manager",
        f"Its certificates name {', '.join(sorted(theirs))} ({', '.join(facts.hostnames) or 'no host name'});"
        " "
        f"the old manager given answers on {', '.join(sorted(ips))}.",
        "Give that manager's snapshot, or name the manager it came from with --old; waive archive.origin "
        "only if you know it is the right data.",
    )


def run(ctx: Context) -> StepOutcome:
    """Read the archive (see the module docstring) and block on a FAIL."""
    path = ctx.journal.archive_path()
    a = ctx.state.archive
    new_version_text = str(ctx.state.managers.get("new", {}).get("version") or "")
    try:
        new_version = parse_manager_version(new_version_text) if new_version_text else None
    except ValueError:
        new_version = None
    repair = ctx.config.repair_community_archive and ctx.config.mode is not Mode.BACKUP
    info, findings = inspect_archive(path, new_version, repair=repair)
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
    told = read_facts(path)
    a.facts = told.to_json()
    if not ctx.config.makes_snapshot and told.inventory is not None:
        # an archive the user gave: what it holds is what the restore must bring back
        ctx.state.inventory.old, ctx.state.inventory.old_at = told.inventory.to_json(), utc_now()
    if ctx.config.archive is not None and ctx.config.old_online:
        findings.append(origin_finding(told, ctx.state.managers.get("old", {})))
    if repair and info.format == "legacy-community" and (new_version is None or new_version >= SEVEN):
        findings = [f for f in findings if f.id != "archive.format"] + [_repaired(ctx, path, new_version)]
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
    how = "; the new manager gets a repaired copy" if a.repaired_sha256 else ""
    return StepOutcome(
        STEP,
        Outcome.DONE,
        f"{info.format} format, snapshot version {info.snapshot_version}{how}",
        findings=tuple(findings),
    )
