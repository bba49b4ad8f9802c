"""Steps on the old manager's side: create the snapshot, download it, inspect the archive.

Each is idempotent: the snapshot id is chosen and journaled before the PUT (a resume adopts an
existing snapshot instead of creating a second one); the download resumes from its .part file;
the inspection is read-only.
"""

from __future__ import annotations

import contextlib
import errno
import os
from datetime import UTC, datetime
from pathlib import Path

from wizard.cloudify.errors import (
    ChecksumMismatchError,
    CloudifyError,
    ConflictError,
    NotFoundError,
    TransferCancelledError,
)
from wizard.cloudify.models import Snapshot, TransferProgress, parse_manager_version
from wizard.migration.archive import inspect_archive
from wizard.migration.checks import old_checks
from wizard.migration.checks.local import check_disk, human_bytes
from wizard.migration.context import Context
from wizard.migration.errors import BlockedError, CancelledError, MigrationError
from wizard.migration.events import FindingsReady
from wizard.migration.executions import EventTail
from wizard.migration.failpoints import failpoint
from wizard.migration.findings import Status, blockers
from wizard.migration.journal import utc_now
from wizard.migration.steps import Outcome, StepId, StepOutcome

SNAPSHOT_PREFIX = "cfy-migrate-"


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no reason given"


def new_snapshot_id() -> str:
    """cfy-migrate-<UTC timestamp>: starts with a letter, only letters, digits and dashes."""
    return SNAPSHOT_PREFIX + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def recheck(ctx: Context, step: StepId, findings: list, phase: str) -> None:  # type: ignore[type-arg]
    """Emit the re-check's findings and raise BlockedError on an unwaived blocker."""
    ctx.emit(FindingsReady(phase, tuple(findings)))
    ctx.journal.section("findings")[phase] = [f.to_json() for f in findings]
    ctx.journal.save()
    blocking = blockers(findings, ctx.config.waivers)
    if blocking:
        first = blocking[0]
        raise BlockedError(
            f"{first.id}: {first.title}. {first.detail}".strip(),
            first.remediation or f"Fix it, or waive it with --waive {first.id} if you accept the risk.",
        )


def _old_is_seven(ctx: Context) -> bool:
    version = str(ctx.journal.section("managers").get("old", {}).get("version") or "")
    try:
        return parse_manager_version(version).major >= 7
    except ValueError:
        return False


def _find_create_execution(ctx: Context, snapshot_id: str) -> str | None:
    try:
        for ex in ctx.old.executions(
            all_tenants=True, include_system_workflows=True, workflow_id="create_snapshot"
        ):
            if ex.parameters.get("snapshot_id") == snapshot_id:
                return ex.id
    except CloudifyError:
        return None
    return None


def create_snapshot(ctx: Context) -> StepOutcome:
    """PUT /snapshots/<id> on the old manager (id journaled first) and wait for `created`."""
    step = StepId.CREATE_SNAPSHOT
    s = ctx.journal.section("snapshot")
    sid = s.get("id")
    snap: Snapshot | None = None
    adopted = False
    if sid:
        try:
            snap = ctx.old.get_snapshot(sid)
            adopted = True
            ctx.log(
                step,
                "info",
                f"Snapshot {sid} already exists on the old manager ({snap.status}); adopting it.",
            )
        except NotFoundError:
            snap = None
    else:
        sid = new_snapshot_id()
        s.update(id=sid, intent_at=utc_now())
        ctx.journal.save()
    if snap is not None and snap.status == "failed":
        s.setdefault("failed_ids", []).append(sid)
        s.pop("id", None)
        s.pop("execution_id", None)
        ctx.journal.save()
        raise MigrationError(
            f"The snapshot {sid} failed on the old manager: {_last_line(snap.error)}.",
            "Fix the cause on the old manager (see its create_snapshot execution), then run again: a new "
            "snapshot is created.",
        )
    if snap is None:
        result = old_checks(ctx.old, ctx.config.old, ctx.config, with_inventory=False, ignore_snapshot_id=sid)
        recheck(ctx, step, result.findings, "before:create_snapshot")
        failpoint("snapshot.before-put")
        try:
            execution = ctx.old.create_snapshot(
                sid,
                include_credentials=ctx.config.snapshot.include_credentials,
                include_logs=ctx.config.snapshot.include_logs,
                include_events=ctx.config.snapshot.include_events,
                queue=ctx.config.snapshot.queue,
                legacy=ctx.config.snapshot.legacy if _old_is_seven(ctx) else None,
            )
            s["execution_id"] = execution.id
            ctx.journal.save()
            ctx.log(step, "info", f"Snapshot {sid} requested (execution {execution.id}).")
        except ConflictError:
            ctx.log(
                step, "info", f"Snapshot {sid} already exists (an earlier request got through); adopting it."
            )
            adopted = True
        failpoint("snapshot.after-put")
    if not s.get("execution_id"):
        found = _find_create_execution(ctx, sid)
        if found:
            s["execution_id"] = found
            ctx.journal.save()
    tail = EventTail(ctx, step, s["execution_id"]) if s.get("execution_id") else None
    import time

    deadline = time.monotonic() + ctx.config.restore.timeout
    while True:
        ctx.check_cancel()
        snap = ctx.old.get_snapshot(sid)
        if tail is not None:
            tail.drain(ctx.old)
        if snap.status == "created":
            break
        if snap.status == "failed":
            s.setdefault("failed_ids", []).append(sid)
            s.pop("id", None)
            s.pop("execution_id", None)
            ctx.journal.save()
            last = snap.error.strip().splitlines()[-1] if snap.error.strip() else "no reason given"
            if tail is not None and s.get("execution_id"):
                with contextlib.suppress(CloudifyError):
                    last = ctx.old.get_execution(tail.execution_id).error_summary or last
            raise MigrationError(
                f"Creating the snapshot failed on the old manager: {last}",
                "Fix the cause on the old manager, then run again (a new snapshot is made).",
            )
        if time.monotonic() > deadline:
            raise MigrationError(
                f"The snapshot {sid} is still {snap.status} after {ctx.config.restore.timeout:.0f} s.",
                "Check the create_snapshot execution on the old manager, then run again.",
            )
        ctx.progress(step, 0, 0, "", f"snapshot {sid}: {snap.status}")
        ctx.sleep()
    s["created_at"] = snap.created_at or utc_now()
    ctx.journal.save()
    return StepOutcome(step, Outcome.DONE, f"snapshot {sid} created" + (" (adopted)" if adopted else ""))


def archive_path(ctx: Context) -> Path:
    """<migration dir>/<snapshot id>.zip."""
    sid = ctx.journal.section("snapshot").get("id")
    if not sid:
        raise MigrationError("No snapshot id in the journal.", "Run again from the create step (--fresh).")
    return ctx.directory / f"{sid}.zip"


def _check_room_for(ctx: Context, snapshot_id: str, have: int) -> None:
    """local.disk again, now that the manager can tell the archive's size: a download that would
    fill the disk half way through is refused before it starts (waivable by id)."""
    try:
        size = ctx.old.snapshot_archive_size(snapshot_id)
    except CloudifyError as exc:
        ctx.log(StepId.DOWNLOAD, "info", f"The archive's size is not known before the download ({exc}).")
        return
    if size is None:
        return
    ctx.journal.section("snapshot")["announced_size"] = size
    recheck(ctx, StepId.DOWNLOAD, [check_disk(ctx.directory, max(size - have, 1))], "before:download")


def download(ctx: Context) -> StepOutcome:
    """Stream the archive into the migration directory (0600), resumable, sha256 journaled."""
    step = StepId.DOWNLOAD
    s = ctx.journal.section("snapshot")
    dest = archive_path(ctx)
    if s.get("sha256") and dest.is_file() and dest.stat().st_size == s.get("size"):
        return StepOutcome(
            step, Outcome.ALREADY_DONE, f"{dest.name} already downloaded ({human_bytes(s['size'])})"
        )
    first_chunk = [False]
    total_seen = [0]

    def on_progress(p: TransferProgress) -> None:
        total_seen[0] = p.total
        ctx.progress(step, p.done, p.total, "bytes", f"{human_bytes(p.done)} of {human_bytes(p.total)}")
        if p.done > 0 and not first_chunk[0]:
            first_chunk[0] = True
            failpoint("download.after-first-chunk")

    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    _check_room_for(ctx, s["id"], have)
    if have:
        ctx.log(step, "info", f"Resuming the download from {human_bytes(have)}.")
    try:
        result = ctx.old.download_snapshot(s["id"], dest, progress=on_progress, cancel=ctx.cancel)
    except TransferCancelledError:
        raise CancelledError(
            "Download stopped at your request; the partial file is kept.",
            "Run the same command again to continue the download.",
        ) from None
    except ChecksumMismatchError as exc:
        with contextlib.suppress(OSError):
            part.unlink()
        raise MigrationError(
            f"The download is damaged: {exc}.", "Run again: the archive is downloaded afresh."
        ) from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            have = part.stat().st_size if part.exists() else 0
            need = max(total_seen[0] - have, 0)
            raise MigrationError(
                f"The disk under {ctx.directory} is full after {human_bytes(have)} of the snapshot"
                + (f" ({human_bytes(total_seen[0])} in all)." if total_seen[0] else "."),
                f"Free at least {human_bytes(need * 2 or 1 << 30)} there "
                "(or use --state-dir on a larger disk) "
                "and run again: the download continues from the partial file, which is kept.",
            ) from None
        raise MigrationError(
            f"Cannot write the snapshot to {dest}: {exc.strerror}.",
            "Check the state directory's permissions and free space, then run again.",
        ) from None
    with contextlib.suppress(OSError):
        os.chmod(dest, 0o600)
    s.update(size=result.size, sha256=result.sha256, file=dest.name, downloaded_at=utc_now())
    ctx.journal.save()
    ctx.progress(step, result.size, result.size, "bytes", "downloaded", force=True)
    return StepOutcome(step, Outcome.DONE, f"{human_bytes(result.size)}, sha256 {result.sha256[:16]}…")


def inspect(ctx: Context) -> StepOutcome:
    """Zip integrity, metadata, format and version of the downloaded archive."""
    step = StepId.INSPECT_ARCHIVE
    path = archive_path(ctx)
    new_version_text = str(ctx.journal.section("managers").get("new", {}).get("version") or "")
    try:
        new_version = parse_manager_version(new_version_text) if new_version_text else None
    except ValueError:
        new_version = None
    info, findings = inspect_archive(path, new_version)
    ctx.journal.section("archive").update(info.to_json())
    ctx.journal.section("findings")["archive"] = [f.to_json() for f in findings]
    ctx.journal.save()
    ctx.emit(FindingsReady("archive", tuple(findings)))
    integrity = next((f for f in findings if f.id == "archive.integrity"), None)
    if integrity is not None and integrity.status is Status.FAIL:
        with contextlib.suppress(OSError):
            path.unlink()
        s = ctx.journal.section("snapshot")
        for key in ("sha256", "size", "downloaded_at"):
            s.pop(key, None)
        ctx.journal.finish_step(StepId.DOWNLOAD, "pending", "archive damaged; download again")
        raise MigrationError(f"{integrity.title}: {integrity.detail}", integrity.remediation)
    blocking = blockers(findings, ctx.config.waivers)
    if blocking:
        first = blocking[0]
        return StepOutcome(
            step,
            Outcome.BLOCKED,
            f"{first.id}: {first.title}",
            first.remediation or f"waive with --waive {first.id}",
            tuple(findings),
        )
    return StepOutcome(
        step,
        Outcome.DONE,
        f"{info.format} format, snapshot version {info.snapshot_version}",
        findings=tuple(findings),
    )
