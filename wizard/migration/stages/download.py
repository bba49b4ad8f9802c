"""Download the snapshot archive: streamed into the migration directory (0600), resumable from
its .part file, sha256 on the fly, the disk checked against the archive's real size first."""

from __future__ import annotations

import contextlib
import errno
import os

from wizard.cloudify.errors import ChecksumMismatchError, CloudifyError, TransferCancelledError
from wizard.cloudify.models import TransferProgress
from wizard.migration.checks.local import check_disk
from wizard.migration.context import Context, StageView
from wizard.migration.errors import CancelledError, MigrationError
from wizard.migration.failpoints import failpoint
from wizard.migration.gate import require
from wizard.migration.stages.archive_check import file_sha256
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now
from wizard.migration.units import human_bytes

STEP = StepId.DOWNLOAD


def _check_room_for(ctx: Context, snapshot_id: str, have: int) -> None:
    """local.disk again, now that the manager can tell the archive's size: a download that would
    fill the disk half way through is refused before it starts (waivable by id)."""
    try:
        size = ctx.old.snapshot_archive_size(snapshot_id)
    except CloudifyError as exc:
        ctx.log(STEP, "info", f"The archive's size is not known before the download ({exc}).")
        return
    if size is None:
        return
    ctx.state.snapshot.announced_size = size
    require(ctx, STEP, [check_disk(ctx.directory, max(size - have, 1))])


def run(ctx: Context) -> StepOutcome:
    """Stream the archive (see the module docstring); a complete, matching file is kept."""
    a = ctx.state.archive
    sid = ctx.state.snapshot.id or ""
    dest = ctx.journal.archive_path()
    part = ctx.journal.part_path()
    if a.sha256 and dest.is_file() and dest.stat().st_size == a.size and file_sha256(dest) == a.sha256:
        return StepOutcome(
            STEP, Outcome.ALREADY_DONE, f"{dest.name} already downloaded ({human_bytes(a.size)})"
        )
    first_chunk = [False]
    total_seen = [0]

    def on_progress(p: TransferProgress) -> None:
        total_seen[0] = p.total
        ctx.progress(STEP, p.done, p.total, "bytes", f"{human_bytes(p.done)} of {human_bytes(p.total)}")
        if p.done > 0 and not first_chunk[0]:
            first_chunk[0] = True
            failpoint("download.after-first-chunk")

    have = part.stat().st_size if part.exists() else 0
    _check_room_for(ctx, sid, have)
    if have:
        ctx.log(STEP, "info", f"Resuming the download from {human_bytes(have)}.")
    try:
        result = ctx.old.download_snapshot(sid, dest, progress=on_progress, cancel=ctx.cancel)
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
                f"Free at least {human_bytes(need * 2 or 1 << 30)} there (or use --state-dir on a larger "
                "disk) and run again: the download continues from the partial file, which is kept.",
            ) from None
        raise MigrationError(
            f"Cannot write the snapshot to {dest}: {exc.strerror}.",
            "Check the state directory's permissions and free space, then run again.",
        ) from None
    with contextlib.suppress(OSError):
        os.chmod(dest, 0o600)
    a.file, a.size, a.sha256, a.downloaded_at = dest.name, result.size, result.sha256, utc_now()
    a.inspected_sha256 = None
    ctx.save()
    ctx.progress(STEP, result.size, result.size, "bytes", "downloaded", force=True)
    return StepOutcome(STEP, Outcome.DONE, f"{human_bytes(result.size)}, sha256 {result.sha256[:16]}…")


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for this stage."""
    sid = ctx.state.snapshot.id or "<snapshot id>"
    return [f"GET {ctx.config.old.url}/api/v3.1/snapshots/{sid}/archive -> {ctx.directory}/{sid}.zip"]
