"""Upload the archive to the new manager, and prove it arrived whole.

Nothing reaches the new manager without the person's yes (asked here, before the first byte).
The archive is checked against its record first (size and sha256). Afterwards the manager must
show the snapshot as `uploaded` AND hold as many bytes as were sent (HEAD on its archive): a
status alone said "uploaded" for an upload cut short at 16 of 63 MB.
"""

from __future__ import annotations

from wizard.cloudify.errors import CloudifyError, NotFoundError, TransferCancelledError
from wizard.cloudify.models import Snapshot
from wizard.migration.context import Context, StageView
from wizard.migration.errors import CancelledError, MigrationError
from wizard.migration.failpoints import failpoint
from wizard.migration.findings import Status
from wizard.migration.stages.archive_check import ensure_archive
from wizard.migration.stages.confirm import confirm
from wizard.migration.stages.preflight import recheck_new
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now
from wizard.migration.units import human_bytes

STEP = StepId.UPLOAD
#: uploads tried in one run when the manager holds fewer bytes than were sent
_TRIES = 2


def _remote(ctx: Context, sid: str) -> Snapshot | None:
    try:
        return ctx.new.get_snapshot(sid)
    except NotFoundError:
        return None


def remote_size(ctx: Context, sid: str) -> int | None:
    """How many bytes the new manager holds for the snapshot (None when it does not say)."""
    try:
        return ctx.new.snapshot_archive_size(sid)
    except CloudifyError:
        return None


def on_manager(ctx: Context, sid: str) -> bool:
    """The new manager holds this migration's archive, whole (status and size)."""
    u, a = ctx.state.upload, ctx.state.archive
    snap = _remote(ctx, sid)
    if snap is None or snap.status != "uploaded" or not u.verified or u.sha256 != a.upload_sha256:
        return False
    size = remote_size(ctx, sid)
    return size is None or size == a.upload_size


def run(ctx: Context) -> StepOutcome:
    """Confirm, verify the archive, re-check the new manager, upload, verify (see above)."""
    sid = ctx.state.snapshot.id or ""
    u, a = ctx.state.upload, ctx.state.archive
    if ctx.state.restore.posted:
        return StepOutcome(STEP, Outcome.ALREADY_DONE, "the restore has started; the upload is behind it")
    if on_manager(ctx, sid):
        return StepOutcome(STEP, Outcome.ALREADY_DONE, f"{sid} is already on the new manager, whole")
    ensure_archive(ctx, STEP)
    findings = recheck_new(ctx, STEP)
    clean = next((f for f in findings if f.id == "new.clean"), None)
    confirm(ctx, STEP, force=clean is not None and clean.status is Status.FAIL)  # a FAIL here was waived
    path = ctx.journal.upload_path()
    size = path.stat().st_size
    for attempt in range(1, _TRIES + 1):
        existing = _remote(ctx, sid)
        if existing is not None:
            ctx.log(
                STEP,
                "warning",
                f"Snapshot {sid} is already on the new manager ({existing.status or 'unknown'}) but not "
                "verified as this archive; deleting it and uploading again.",
            )
            ctx.new.delete_snapshot(sid)
        u.intent_at, u.verified, u.sha256, u.remote_size = utc_now(), False, a.upload_sha256, None
        ctx.save()
        failpoint("upload.before")
        try:
            ctx.new.upload_snapshot(
                sid,
                path,
                cancel=ctx.cancel,
                progress=lambda p: ctx.progress(
                    STEP,
                    p.done,
                    p.total or size,
                    "bytes",
                    f"{human_bytes(p.done)} of {human_bytes(p.total or size)}",
                ),
            )
        except TransferCancelledError:
            raise CancelledError(
                "Upload stopped at your request.", "Run again to upload from the start."
            ) from None
        failpoint("upload.after")
        snap = ctx.new.get_snapshot(sid)
        if snap.status != "uploaded":
            raise MigrationError(
                f"After the upload the new manager shows {sid} as {snap.status or 'unknown'!r}, "
                "not 'uploaded'.",
                "Run again to upload it once more.",
            )
        held = remote_size(ctx, sid)
        u.remote_size = held
        if held is None or held == size:
            break
        ctx.log(
            STEP,
            "warning",
            f"The new manager holds {human_bytes(held)} of the {human_bytes(size)} sent: the upload was cut "
            "short." + (" Uploading again." if attempt < _TRIES else ""),
        )
        ctx.save()
    else:
        raise MigrationError(
            f"The new manager keeps only {human_bytes(u.remote_size or 0)} of the {human_bytes(size)} "
            f"archive after {_TRIES} uploads.",
            "Check the new manager's free disk space and any proxy between here and it (upload size limits), "
            "then run again.",
        )
    u.verified, u.uploaded_at, u.size = True, utc_now(), size
    ctx.save()
    ctx.progress(STEP, size, size, "bytes", "uploaded", force=True)
    how = (
        "size checked on the manager" if u.remote_size is not None else "the manager does not report its size"
    )
    return StepOutcome(STEP, Outcome.DONE, f"{human_bytes(size)} uploaded and verified ({how})")


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for this stage."""
    n, sid = ctx.config.new_manager.url + "/api/v3.1", ctx.state.snapshot.id or "<snapshot id>"
    return [
        "(asks for the confirmation first: without it nothing is sent to the new manager)",
        f"GET {n}/snapshots/{sid}   (a leftover from an interrupted upload is deleted first)",
        f"PUT {n}/snapshots/{sid}/archive   (the archive, streamed)",
        f"HEAD {n}/snapshots/{sid}/archive   (the size the manager holds, compared with the file)",
    ]
