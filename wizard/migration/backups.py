"""Backups kept in a directory: one archive and one manifest each, and the retention of `--keep N`.

The manifest beside each archive is what a restore after losing the manager needs without the
manager: its version and edition, host name, manager and broker IPs (a replacement must answer on
them for the agents to reconnect), tenants and inventory counts (what the restore must bring
back), the archive's size and sha256, and when it was made. Retention only ever deletes backups
this tool made of the SAME manager (their manifest says so), oldest first, and never the newest.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST_KIND = "cfy-migrate backup manifest"
MANIFEST_SUFFIX = ".manifest.json"
SECRETS_WARNING = (
    "This archive holds the manager's credentials, certificates and keys (and its users' password "
    "hashes): keep it as private as the manager itself (mode 0600, encrypted at rest, off shared disks)."
)


def backup_name(hostname: str, created: datetime, snapshot_id: str) -> str:
    """cfy-backup-<host>-<UTC time>-<snapshot id's tail>.zip (a host name reduced to letters,
    digits, dots and dashes; the tail keeps two backups of one second apart)."""
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", hostname).strip("-.") or "manager"
    tail = re.sub(r"[^A-Za-z0-9]+", "", snapshot_id.rsplit("-", 1)[-1])[:8] or "0"
    return f"cfy-backup-{host}-{created.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}-{tail}.zip"


def manifest_path(archive: Path) -> Path:
    """The manifest beside `archive`."""
    return archive.with_name(archive.name + MANIFEST_SUFFIX)


@dataclass(frozen=True)
class KeptBackup:
    """A backup found in the directory: its archive, manifest and when it was made."""

    archive: Path
    manifest: Path
    created_at: str
    manager_url: str


def read_manifest(path: Path) -> dict[str, Any] | None:
    """A manifest this tool wrote, or None (anything else in the directory is left alone)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("kind") == MANIFEST_KIND else None


def kept_backups(directory: Path, manager_url: str) -> list[KeptBackup]:
    """This manager's backups in `directory`, oldest first."""
    found = []
    for manifest in directory.glob("*" + MANIFEST_SUFFIX):
        data = read_manifest(manifest)
        if data is None or (data.get("manager") or {}).get("url") != manager_url:
            continue
        archive = directory / str(data.get("archive") or "")
        if archive.parent != directory or not archive.name:
            continue
        found.append(KeptBackup(archive, manifest, str(data.get("created_at") or ""), manager_url))
    return sorted(found, key=lambda b: (b.created_at, b.archive.name))


def prune(directory: Path, manager_url: str, keep: int, newest: Path) -> list[Path]:
    """Delete this manager's backups beyond the `keep` newest (never `newest`); returns the
    archives deleted."""
    backups = [b for b in kept_backups(directory, manager_url) if b.archive != newest]
    excess = len(backups) + 1 - keep
    deleted = []
    for b in backups[: max(excess, 0)]:
        with contextlib.suppress(FileNotFoundError):
            b.archive.unlink()
        with contextlib.suppress(FileNotFoundError):
            b.manifest.unlink()
        deleted.append(b.archive)
    return deleted
