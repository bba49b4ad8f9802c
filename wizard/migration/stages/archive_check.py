"""The archive on disk against its record: size AND sha256, before the upload and again before
the restore. A file that changed, shrank or vanished since the download is never sent: it is
moved aside (kept, 0600, for a look) and the stages that made it run again — a fresh download
while the old manager still has the snapshot, else a new snapshot."""

from __future__ import annotations

import contextlib
import hashlib
import os
from datetime import UTC, datetime

from wizard.cloudify.errors import CloudifyError, NotFoundError
from wizard.migration.context import Context
from wizard.migration.errors import MigrationError
from wizard.migration.stages.rewind import Rewind
from wizard.migration.state import ArchiveRecord
from wizard.migration.steps import StepId

#: what must run again once the archive is downloaded anew
AFTER_DOWNLOAD = (StepId.DOWNLOAD, StepId.INSPECT_ARCHIVE, StepId.PREFLIGHT_NEW, StepId.UPLOAD)
_CHUNK = 1 << 20


def file_sha256(path: os.PathLike[str] | str) -> str:
    """The sha256 of a file, read with a bounded buffer."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def given_archive_changed(ctx: Context, why: str) -> MigrationError:
    """An archive the user gave (--archive) cannot be downloaded again: stop, naming the file."""
    a = ctx.state.archive
    return MigrationError(
        f"{why} It is not sent to the new manager.",
        f"Put the original archive back at {a.file} (sha256 {str(a.sha256 or '')[:16]}…, as checked when "
        "this run took it), or start over with that file and --fresh.",
    )


def discard(ctx: Context, reason: str, actual_sha256: str = "") -> None:
    """Forget the archive record (keeping what was discarded and why) and move the file aside
    (only a file this tool downloaded: an archive the user gave is never moved)."""
    a = ctx.state.archive
    if a.source == "given":
        raise given_archive_changed(ctx, f"The archive {a.file} is {reason}.")
    path = ctx.journal.archive_path()
    drop_repaired(ctx)
    if path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        with contextlib.suppress(OSError):
            os.replace(path, path.with_name(f"{path.name}.discarded-{stamp}"))
    discarded = [*a.discarded, {"sha256": actual_sha256 or str(a.sha256 or ""), "reason": reason}]
    ctx.state.archive = ArchiveRecord(discarded=discarded)
    ctx.save()


def rewind_for_new_archive(ctx: Context, why: str) -> Rewind:
    """After `discard`: download again if the old manager still has the snapshot, else make a new
    one. Raises MigrationError when the old manager cannot be asked."""
    if ctx.state.archive.source == "given":
        raise given_archive_changed(ctx, why)
    sid = ctx.state.snapshot.id or ""
    try:
        snap = ctx.old.get_snapshot(sid)
    except NotFoundError:
        snap = None
    except CloudifyError as exc:
        raise MigrationError(
            f"{why} The old manager cannot be asked for the snapshot again: {exc}.",
            "Bring the old manager back online, then run again: the archive is downloaded afresh.",
        ) from None
    if snap is not None and snap.status == "created":
        return Rewind(AFTER_DOWNLOAD, f"{why} Downloading {sid} again from the old manager.")
    s = ctx.state.snapshot
    s.replaced_ids.append(sid)
    s.id = s.execution_id = s.intent_at = s.created_at = None
    ctx.save()
    return Rewind(
        (StepId.CREATE_SNAPSHOT, *AFTER_DOWNLOAD),
        f"{why} The snapshot {sid} is gone from the old manager too: a new snapshot is created.",
    )


def drop_repaired(ctx: Context) -> None:
    """Forget and delete the repaired copy (it is made again from a verified original)."""
    a = ctx.state.archive
    with contextlib.suppress(OSError):
        ctx.journal.repaired_path().unlink()
    a.repaired_sha256 = a.repaired_size = None


def _ensure_repaired(ctx: Context, step: StepId) -> None:
    """The repaired copy is the one made (size and sha256), or it is made again (Rewind)."""
    a = ctx.state.archive
    path = ctx.journal.repaired_path()
    if path.is_file() and path.stat().st_size == a.repaired_size and file_sha256(path) == a.repaired_sha256:
        return
    drop_repaired(ctx)
    ctx.save()
    raise Rewind(
        (StepId.INSPECT_ARCHIVE, StepId.PREFLIGHT_NEW, StepId.UPLOAD),
        f"The repaired copy {path.name} is gone or changed since it was made; it is made again from the "
        "verified original before the " + step.label.lower() + ".",
    )


def ensure_archive(ctx: Context, step: StepId) -> None:
    """The archive on disk is the one downloaded (size and sha256), or Rewind."""
    a = ctx.state.archive
    path = ctx.journal.archive_path()
    if not path.is_file():
        why = f"The archive {path.name} is gone from {path.parent}."
        discard(ctx, "missing")
        raise rewind_for_new_archive(ctx, why)
    size = path.stat().st_size
    if a.size is not None and size != a.size:
        why = f"The archive {path.name} changed since its download: {size} bytes, not {a.size}."
        discard(ctx, "size changed")
        raise rewind_for_new_archive(ctx, why)
    actual = file_sha256(path)
    if a.sha256 and actual != a.sha256:
        why = (
            f"The archive {path.name} changed since its download (sha256 {actual[:16]}…, "
            f"downloaded as {a.sha256[:16]}…); it is not sent to the new manager."
        )
        discard(ctx, "content changed", actual)
        raise rewind_for_new_archive(ctx, why)
    if a.repaired_sha256:
        _ensure_repaired(ctx, step)
    ctx.log(
        step,
        "info",
        f"Archive verified before the {step.label.lower()}: sha256 {actual[:16]}… as "
        + ("given" if a.source == "given" else "downloaded")
        + (f"; the repaired copy {str(a.repaired_sha256)[:16]}… as made." if a.repaired_sha256 else "."),
    )
