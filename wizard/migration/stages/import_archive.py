"""Take an archive the user already has (--archive): a backup restored after the old manager was
lost, or a migration that starts from an existing snapshot.

The file is used where it is (a multi-GB copy would double the disk it needs) and never moved or
changed: its size and sha256 are recorded here and checked again before the upload and before the
restore, like a downloaded archive's. It gets a fresh snapshot id for the new manager. A file that
changes later is not "downloaded again" (there is nowhere to download it from): the run stops and
names the file and the sha256 it must have.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from wizard.migration.backups import manifest_path, read_manifest
from wizard.migration.context import Context, StageView
from wizard.migration.errors import MigrationError
from wizard.migration.stages.archive_check import file_sha256, given_archive_changed
from wizard.migration.stages.snapshot import new_snapshot_id
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now
from wizard.migration.units import human_bytes

STEP = StepId.IMPORT_ARCHIVE


def made_at(path: Path) -> tuple[str, str]:
    """When the archive was made, and how that is known: its backup manifest says so, else the
    file's modification time (a download ends after the snapshot: what changed on the old manager
    since is listed from then on)."""
    data = read_manifest(manifest_path(path))
    if data and data.get("created_at"):
        return str(data["created_at"]), f"its manifest, {manifest_path(path).name}"
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return mtime, "the file's modification time: no manifest beside it"


def run(ctx: Context) -> StepOutcome:
    """Record the given archive's size and sha256 (once; later runs check it is unchanged)."""
    given = ctx.config.archive
    if given is None:
        raise MigrationError("No archive was given.", "Give it with --archive FILE.")
    path = Path(given)
    a, s = ctx.state.archive, ctx.state.snapshot
    if not path.is_file():
        raise MigrationError(f"The archive {path} is gone.", "Put it back, then run again.")
    size = path.stat().st_size
    if a.source == "given" and a.file == str(path) and a.sha256:
        if size != a.size or file_sha256(path) != a.sha256:
            raise given_archive_changed(ctx, f"The archive {path} changed since this run took it.")
        return StepOutcome(STEP, Outcome.ALREADY_DONE, f"{path.name} taken earlier, unchanged")
    ctx.log(STEP, "info", f"Reading {path} ({human_bytes(size)}) for its sha256…")
    sha = file_sha256(path)
    s.id = s.id or new_snapshot_id()
    s.created_at, when = made_at(path)
    ctx.log(STEP, "info", f"The archive was made {s.created_at} ({when}).")
    a.file, a.size, a.sha256, a.downloaded_at, a.source = str(path), size, sha, utc_now(), "given"
    a.inspected_sha256 = None
    ctx.save()
    return StepOutcome(STEP, Outcome.DONE, f"{path.name}: {human_bytes(size)}, sha256 {sha[:16]}…")


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for this stage."""
    return [f"(reads {ctx.config.archive} for its size and sha256; the file is never moved or changed)"]
