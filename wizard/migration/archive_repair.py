"""The opt-in repair of a community legacy archive for a 7.x restore.

A 7.x manager decides an archive's format from metadata.json: legacy (database) only when it has
`schema_revision`, `stage_schema_revision` AND `composer_schema_revision`
(cloudify-manager mgmtworker/cloudify_system_workflows/snapshots/snapshot_restore.py,
`_is_legacy_snapshot`). A community manager writes the first key only, so a 7.x restore takes its
archive for the new format and restores nothing. The repair writes a COPY with the two keys added as
empty strings — "no Stage or Composer data", which is true of a community manager; a community 7.x
restore skips both (`_restore_stage`/`_restore_composer` return on community) — and keeps the
original untouched. Measured on a real 7.1 community stack: the repaired archive restores by the
legacy path (tenants, blueprints, deployments, users, the old admin password). The inventory check
after the restore is what proves it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

#: the keys a premium manager writes and a community manager does not, with the repair's values
REPAIR_KEYS = {"stage_schema_revision": "", "composer_schema_revision": ""}
_CHUNK = 1 << 20


def repaired_path(original: Path) -> Path:
    """Where the repaired copy of `original` is written (beside it)."""
    return original.with_name(f"{original.stem}.repaired{original.suffix}")


def repair_archive(
    original: Path, dest: Path, progress: Callable[[int, int], None] | None = None
) -> dict[str, object]:
    """Write `dest`: `original` entry by entry (streamed, same compression), metadata.json with
    REPAIR_KEYS added where missing. Written to a private `.part` file and renamed, so a copy that
    exists is whole. Returns the new metadata. Raises ValueError when metadata.json is unusable."""
    part = dest.with_name(dest.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    done, total = 0, original.stat().st_size
    try:
        with (
            zipfile.ZipFile(original) as zin,
            os.fdopen(fd, "wb") as fh,
            zipfile.ZipFile(fh, "w", allowZip64=True, compresslevel=1) as zout,
        ):
            meta = json.loads(zin.read("metadata.json").decode("utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("metadata.json is not an object")
            for key, value in REPAIR_KEYS.items():
                meta.setdefault(key, value)
            for info in zin.infolist():
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                if info.filename == "metadata.json":
                    zout.writestr(copy, json.dumps(meta))
                    continue
                if info.is_dir():
                    zout.writestr(copy, b"")
                    continue
                with zin.open(info) as src, zout.open(copy, "w", force_zip64=info.file_size > 2**31) as out:
                    shutil.copyfileobj(src, out, _CHUNK)
                done += info.compress_size
                if progress is not None:
                    progress(min(done, total), total)
        os.replace(part, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise
    return meta
