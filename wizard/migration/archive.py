"""Look inside a downloaded snapshot archive before it goes anywhere near the new manager:
zip integrity (every entry's CRC, streamed with a bounded buffer), metadata.json, the snapshot
version, the format (legacy or the 7.x new format) and the agent networks it needs."""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import Version

from wizard.cloudify.models import parse_manager_version
from wizard.migration.findings import Finding, Status
from wizard.migration.units import human_bytes

LEGACY_KEYS = ("schema_revision", "stage_schema_revision", "composer_schema_revision")
CHUNK = 1 << 20
SEVEN = Version("7.0.0")


@dataclass(frozen=True)
class ArchiveInfo:
    """What the archive says about itself. `format` is legacy, legacy-community (a legacy dump
    without the stage/composer keys) or new (7.x entity format)."""

    path: Path
    size: int
    entries: int = 0
    snapshot_version: str = ""
    format: str = ""
    metadata_keys: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    ok: bool = False
    problems: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """For the journal and report."""
        return {
            "size": self.size,
            "entries": self.entries,
            "snapshot_version": self.snapshot_version,
            "format": self.format,
            "metadata_keys": list(self.metadata_keys),
            "networks": list(self.networks),
            "ok": self.ok,
        }


def _classify(meta: dict[str, Any], names: set[str]) -> str:
    if all(k in meta for k in LEGACY_KEYS):
        return "legacy"
    if "schema_revision" in meta or "pg_data" in names:
        return "legacy-community"
    return "new"


def _crc_check(zf: zipfile.ZipFile) -> None:
    for info in zf.infolist():
        if info.is_dir():
            continue
        with zf.open(info) as fh:
            while fh.read(CHUNK):
                pass


def inspect_archive(
    path: Path, new_version: Version | None = None, *, repair: bool = False
) -> tuple[ArchiveInfo, list[Finding]]:
    """Inspect `path`; returns what it found and findings archive.integrity, archive.metadata,
    archive.format and archive.version (FAILs block the upload)."""
    findings: list[Finding] = []
    size = path.stat().st_size if path.exists() else 0
    remediation_redownload = (
        "The downloaded file is damaged (often a truncated download). Run the same command again: "
        "the archive is downloaded afresh."
    )
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        findings.append(
            Finding(
                "archive.integrity",
                Status.FAIL,
                "The snapshot archive is missing",
                f"{path} does not exist.",
                "Run again to download it.",
            )
        )
        return ArchiveInfo(path, 0, problems=("missing",)), findings
    except (zipfile.BadZipFile, OSError) as exc:
        findings.append(
            Finding(
                "archive.integrity",
                Status.FAIL,
                "The snapshot archive is not a valid zip",
                f"{path} ({size} bytes): {exc}.",
                remediation_redownload,
            )
        )
        return ArchiveInfo(path, size, problems=("not a zip",)), findings
    with zf:
        names = set(zf.namelist())
        try:
            _crc_check(zf)
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile, zlib.error, ValueError) as exc:
            findings.append(
                Finding(
                    "archive.integrity",
                    Status.FAIL,
                    "The snapshot archive is damaged",
                    f"{path}: {exc}.",
                    remediation_redownload,
                )
            )
            return ArchiveInfo(path, size, len(names), problems=("crc",)), findings
        findings.append(
            Finding(
                "archive.integrity",
                Status.PASS,
                "The snapshot archive is intact",
                f"{len(names)} entries, {human_bytes(size)}, every CRC checked.",
            )
        )
        meta: dict[str, Any] = {}
        if "metadata.json" not in names:
            findings.append(
                Finding(
                    "archive.metadata",
                    Status.FAIL,
                    "metadata.json is missing",
                    "A Cloudify snapshot always has metadata.json at its root.",
                    "This is not a Cloudify snapshot archive; check the old manager's "
                    "snapshot and run again with --fresh.",
                )
            )
            return ArchiveInfo(path, size, len(names), problems=("no metadata",)), findings
        try:
            loaded = json.loads(zf.read("metadata.json").decode("utf-8"))
            meta = loaded if isinstance(loaded, dict) else {}
        except (ValueError, UnicodeDecodeError, zlib.error, zipfile.BadZipFile, OSError):
            meta = {}
        snapshot_version = str(meta.get("snapshot_version") or "")
        try:
            parsed = parse_manager_version(snapshot_version)
        except ValueError:
            findings.append(
                Finding(
                    "archive.metadata",
                    Status.FAIL,
                    "The snapshot version is unreadable",
                    f"metadata.json has snapshot_version={snapshot_version!r}.",
                    "Create a new snapshot on the old manager (run again with --fresh).",
                )
            )
            return ArchiveInfo(path, size, len(names), snapshot_version, problems=("version",)), findings
        findings.append(
            Finding(
                "archive.metadata",
                Status.PASS,
                "metadata.json is readable",
                f"snapshot_version {snapshot_version}; keys: {', '.join(sorted(meta))}.",
            )
        )
        networks: list[str] = []
        if "networks.json" in names:
            try:
                net = json.loads(zf.read("networks.json").decode("utf-8"))  # CRCs checked above
                raw = net.get("active_networks") if isinstance(net, dict) else None
                if isinstance(raw, list):
                    networks = sorted({str(n) for n in raw})
                elif isinstance(raw, dict):
                    networks = sorted(str(n) for n in raw)
            except (ValueError, UnicodeDecodeError):
                networks = []
        fmt = _classify(meta, names)
        info = ArchiveInfo(
            path, size, len(names), snapshot_version, fmt, tuple(sorted(meta)), tuple(networks), ok=True
        )
    findings.append(format_finding(info, new_version, repair=repair))
    findings.append(version_finding(parsed, new_version))
    return info, findings


def format_finding(info: ArchiveInfo, new_version: Version | None, *, repair: bool = False) -> Finding:
    """archive.format: will the new manager restore this archive as what it is? `repair`: the
    user asked for the community archive repair (a repaired copy is what gets restored)."""
    on_seven = new_version is not None and new_version >= SEVEN
    if info.format == "legacy":
        return Finding(
            "archive.format",
            Status.PASS,
            "Legacy (database) snapshot format",
            "metadata.json has schema_revision, stage_schema_revision and composer_schema_revision.",
            data={"format": info.format},
        )
    if info.format == "legacy-community":
        if repair and (on_seven or new_version is None):
            return Finding(
                "archive.format",
                Status.WARN,
                "Community legacy archive: a repaired copy will be restored",
                "The archive lacks stage_schema_revision and composer_schema_revision; a copy with both "
                "keys added (empty: a community manager has no Stage or Composer data) is what the new "
                "manager gets, so a 7.x restore takes the legacy path. The original stays untouched.",
                "Nothing to do: the inventory check after the restore proves the result.",
                data={"format": info.format, "repair": True},
            )
        if on_seven or new_version is None:
            status = Status.FAIL if on_seven else Status.WARN
            return Finding(
                "archive.format",
                status,
                "A 7.x manager would treat this archive as new-format and restore NOTHING",
                "The archive is a legacy (database) snapshot without the stage_schema_revision and "
                "composer_schema_revision keys (a community manager writes none). A 7.x manager decides "
                "the format from those keys, takes it for the new format, finds no entities, and reports "
                "success with nothing restored.",
                "Run again with --repair-community-archive: a repaired copy (the two keys added, the "
                "original kept, both sha256 in the report) is restored, and the inventory check proves "
                "the result.",
                data={"format": info.format},
            )
        return Finding(
            "archive.format",
            Status.PASS,
            "Legacy (database) snapshot format",
            "A community legacy snapshot; managers before 7.0 restore it as legacy.",
            data={"format": info.format},
        )
    if new_version is not None and not on_seven:
        return Finding(
            "archive.format",
            Status.FAIL,
            "A 7.x new-format snapshot cannot go to a pre-7.0 manager",
            f"The new manager runs {new_version}; the new format exists only on 7.x.",
            "Use a 7.x new manager, or create the snapshot with legacy=true.",
            data={"format": info.format},
        )
    return Finding(
        "archive.format",
        Status.PASS,
        "7.x new snapshot format",
        "Entities are re-created one by one; the manager itself checks neither version nor "
        "cleanliness, so this wizard does.",
        data={"format": info.format},
    )


def version_finding(snapshot: Version, new_version: Version | None) -> Finding:
    """archive.version: the snapshot is not newer than the new manager, and at least 4.0.0."""
    if snapshot < Version("4.0.0"):
        return Finding(
            "archive.version",
            Status.FAIL,
            f"Snapshot version {snapshot} is too old",
            "Snapshots older than 4.0.0 cannot be restored.",
            "Upgrade the old manager to 4.x first.",
        )
    if new_version is None:
        return Finding(
            "archive.version",
            Status.SKIP,
            "Snapshot version not compared",
            "The new manager's version is not known yet.",
        )
    if snapshot > new_version:
        return Finding(
            "archive.version",
            Status.FAIL,
            "The snapshot is newer than the new manager",
            f"Snapshot {snapshot} > new manager {new_version}: the restore would refuse it.",
            "Install a new manager of the same or a newer version.",
        )
    return Finding(
        "archive.version",
        Status.PASS,
        "Snapshot version fits the new manager",
        f"Snapshot {snapshot} <= new manager {new_version}.",
    )
