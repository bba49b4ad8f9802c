"""Keep the backup: the verified archive moves into the backup directory (0700) under a name that
says which manager and when, a manifest is written beside it (0600), and `--keep N` prunes this
manager's older backups.

Reconciles first: once the archive is in the directory with the recorded sha256, the move is
behind us (a kill between the move and the journal write finds it there). A move across file
systems is a streamed copy, checked by sha256, then the source is removed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.migration.backups import (
    MANIFEST_KIND,
    SECRETS_WARNING,
    backup_name,
    manifest_path,
    prune,
)
from wizard.migration.context import Context, StageView
from wizard.migration.errors import MigrationError
from wizard.migration.events import ArchiveFacts
from wizard.migration.stages.archive_check import ensure_archive, file_sha256
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import atomic_write_text, private_dir, utc_now
from wizard.migration.units import human_bytes, plural

STEP = StepId.PUBLISH_BACKUP


def _target(ctx: Context) -> Path:
    directory = ctx.config.backup.directory
    if directory is None:
        raise MigrationError("No backup directory.", "Give one with --backup-dir DIR.")
    private_dir(directory)
    a = ctx.state.archive
    if a.file and Path(a.file).is_absolute() and Path(a.file).parent == directory:
        return Path(a.file)
    host = str(ctx.state.managers.get("old", {}).get("hostname") or ctx.config.old.endpoint.host)
    created = ctx.state.snapshot.created_at or utc_now()
    try:
        when = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        when = datetime.now(UTC)
    return directory / backup_name(host, when, ctx.state.snapshot.id or "")


def _move(src: Path, dest: Path) -> None:
    """os.replace within a file system; else a private copy, checked, then the source removed."""
    try:
        os.replace(src, dest)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:  # another file system: copy instead
            raise
    part = dest.with_name(dest.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)
        fout.flush()
        os.fsync(fout.fileno())
    if file_sha256(part) != file_sha256(src):
        part.unlink()
        raise MigrationError(f"The copy of {src.name} into {dest.parent} came out different.", "Run again.")
    os.replace(part, dest)
    src.unlink()


def manifest(ctx: Context, archive: Path) -> dict[str, Any]:
    """What a restore without the manager needs to know (see backups.py)."""
    a, st = ctx.state.archive, ctx.state
    old = st.managers.get("old", {})
    notes = []
    facts = a.facts or {}
    ips = facts.get("manager_ips") or old.get("ips") or []
    if ips:
        notes.append(
            f"Restoring after losing this manager: the new manager must have the IP {ips[0]} for the agents "
            "to reconnect (cfy-migrate restore checks it: pair.ip-rule)."
        )
    if a.format == "legacy-community":
        notes.append(
            "A community archive: restoring it onto a 7.x manager needs --repair-community-archive (a 7.x "
            "manager would otherwise restore nothing from it)."
        )
    return {
        "kind": MANIFEST_KIND,
        "manifest_version": 1,
        "tool": f"cfy-migrate {__version__}",
        "created_at": st.snapshot.created_at or utc_now(),
        "archive": archive.name,
        "size": a.size,
        "sha256": a.sha256,
        "snapshot_id": st.snapshot.id,
        "snapshot_version": a.snapshot_version,
        "format": a.format,
        "manager": {
            "url": ctx.config.old.url,
            "version": old.get("version"),
            "edition": old.get("edition"),
            "hostname": old.get("hostname"),
            "ip": old.get("ip"),
            "ips": old.get("ips") or [],
            "broker_ips": old.get("broker_ips") or [],
        },
        "archive_names": {
            "manager_ips": facts.get("manager_ips") or [],
            "hostnames": facts.get("hostnames") or [],
        },
        "tenants": sorted((st.inventory.old or {}).get("tenants", {})),
        "inventory": st.inventory.old,
        "inventory_in_archive": facts.get("inventory"),
        "migration_id": st.migration_id,
        "restore_notes": notes,
        "warning": SECRETS_WARNING,
    }


def run(ctx: Context) -> StepOutcome:
    """Move, describe and prune (see the module docstring)."""
    a = ctx.state.archive
    dest = _target(ctx)
    src = ctx.journal.archive_path()
    if dest.is_file() and dest.stat().st_size == a.size and file_sha256(dest) == a.sha256:
        if src != dest:
            with contextlib.suppress(FileNotFoundError):
                src.unlink()  # a kill after a cross-device copy, before the source was removed
    else:
        ensure_archive(ctx, STEP)
        _move(src, dest)
    os.chmod(dest, 0o600)
    a.file = str(dest)
    ctx.save()
    # where the archive is now (the wizard shows it on its Download and Summary pages)
    ctx.emit(ArchiveFacts(str(dest), a.size or 0, a.sha256 or "", a.format, a.snapshot_version))
    atomic_write_text(manifest_path(dest), json.dumps(manifest(ctx, dest), indent=2, sort_keys=True) + "\n")
    deleted: list[Path] = []
    if ctx.config.backup.keep:
        deleted = prune(dest.parent, ctx.config.old.url, ctx.config.backup.keep, dest)
        for old in deleted:
            ctx.log(STEP, "info", f"Deleted the older backup {old.name} (--keep {ctx.config.backup.keep}).")
    ctx.log(STEP, "warning", SECRETS_WARNING)
    detail = f"{dest} ({human_bytes(a.size or 0)}, sha256 {str(a.sha256)[:16]}…) and its manifest"
    if deleted:
        detail += f"; {plural(len(deleted), 'older backup')} deleted"
    return StepOutcome(STEP, Outcome.DONE, detail)


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for this stage."""
    return [f"(moves the archive into {ctx.config.backup.directory} and writes a manifest beside it)"]
