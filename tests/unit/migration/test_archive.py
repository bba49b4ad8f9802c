"""Archive inspection on small zips written by the test."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from packaging.version import Version

from wizard.migration.archive import inspect_archive
from wizard.migration.findings import Status

LEGACY = {
    "snapshot_version": "6.4.2",
    "schema_revision": "a",
    "stage_schema_revision": "b",
    "composer_schema_revision": "c",
}


def write(path: Path, meta: dict | None, extra: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if meta is not None:
            zf.writestr("metadata.json", json.dumps(meta))
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
    return path


def status(findings: list, ident: str) -> Status:  # type: ignore[type-arg]
    return next(f.status for f in findings if f.id == ident)


def test_legacy_archive_passes_and_reads_networks(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.zip",
        LEGACY,
        {"pg_data": "x" * 5000, "networks.json": json.dumps({"active_networks": ["default", "ext"]})},
    )
    info, findings = inspect_archive(path, Version("7.0.4"))
    assert info.format == "legacy" and info.networks == ("default", "ext")
    assert all(f.status is Status.PASS for f in findings)


def test_community_legacy_archive_fails_on_seven(tmp_path: Path) -> None:
    meta = {"snapshot_version": "6.4.2", "schema_revision": "a"}
    path = write(tmp_path / "s.zip", meta, {"pg_data": "x"})
    info, findings = inspect_archive(path, Version("7.0.4"))
    assert info.format == "legacy-community"
    assert status(findings, "archive.format") is Status.FAIL
    _, on_six = inspect_archive(path, Version("6.4.2"))
    assert status(on_six, "archive.format") is Status.PASS


def test_new_format_cannot_go_to_six(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.zip", {"snapshot_version": "7.0.4", "execution_id": "e"}, {"mgmt/00000000.json": "{}"}
    )
    _, findings = inspect_archive(path, Version("6.4.2"))
    assert status(findings, "archive.format") is Status.FAIL
    assert status(findings, "archive.version") is Status.FAIL


def test_truncated_archive_fails_integrity(tmp_path: Path) -> None:
    path = write(tmp_path / "s.zip", LEGACY, {"pg_data": "y" * 100000})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _, findings = inspect_archive(path, Version("7.0.4"))
    assert status(findings, "archive.integrity") is Status.FAIL


def test_corrupted_entry_fails_crc(tmp_path: Path) -> None:
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("metadata.json", json.dumps(LEGACY))
        zf.writestr("pg_data", "z" * 1000)
    raw = bytearray(path.read_bytes())
    at = raw.find(b"z" * 100)
    raw[at + 10] = ord("Q")
    path.write_bytes(bytes(raw))
    _, findings = inspect_archive(path, Version("7.0.4"))
    assert status(findings, "archive.integrity") is Status.FAIL


def test_missing_metadata_and_old_versions(tmp_path: Path) -> None:
    _, findings = inspect_archive(write(tmp_path / "a.zip", None, {"x": "1"}), Version("7.0.4"))
    assert status(findings, "archive.metadata") is Status.FAIL
    _, findings = inspect_archive(
        write(tmp_path / "b.zip", {**LEGACY, "snapshot_version": "3.4"}), Version("7.0.4")
    )
    assert status(findings, "archive.version") is Status.FAIL
    _, findings = inspect_archive(tmp_path / "missing.zip", Version("7.0.4"))
    assert status(findings, "archive.integrity") is Status.FAIL
