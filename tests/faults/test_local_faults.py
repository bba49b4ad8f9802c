"""Local faults: the disk fills during the download, an unwritable state directory, and a
truncated, corrupted or metadata-less archive (caught by the inspect step, before any upload)."""

from __future__ import annotations

import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.conftest import (
    Pair,
    PairFactory,
    Result,
    assert_migrated_once,
    managers_fingerprint,
    scrub,
    server_archive,
    sha256_file,
)


def _can_mount_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return False
    subprocess.run(["umount", str(where)], check=False)
    return True


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (root with mount(8)); skipped otherwise (the RLIMIT_FSIZE row still runs)."""
    where = tmp_path / "small"
    if not _can_mount_tmpfs(where):
        pytest.skip("cannot mount a tmpfs here (needs root and mount(8)); the RLIMIT_FSIZE row covers it")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _partials(state: Path) -> list[Path]:
    return [p for p in (state / "migrations").glob("*/*") if p.name.endswith((".part", ".zip"))]


def _assert_disk_full_stop(
    pair: Pair, first_rc: int, output: str, before: list[object], *, clean_message: bool = True
) -> None:
    assert first_rc == 1, output
    low = scrub(output)
    assert "disk" in low or "space" in low or "file too large" in low, output
    if clean_message:
        assert "Traceback" not in output, output
        assert "again" in low or "resume" in low or "free" in low, output
    parts = _partials(pair.state_dir)
    assert parts and parts[0].stat().st_size > 0, f"the partial download was not kept: {parts}"
    # nothing done on the new manager; the old one only holds the snapshot it was asked for
    assert managers_fingerprint(pair.new) == before
    assert pair.old.state()["counts"]["snapshots"] == 1


def _fill_the_small_disk(make_pair: PairFactory, small_fs: Path) -> tuple[Pair, Result, list[object]]:
    pair = make_pair(old={"snapshot_size": 3_000_000})
    pair.state_dir = small_fs / "state"
    before = managers_fingerprint(pair.new)
    first = pair.run("--yes", "--waive", "local.disk=test: a deliberately small disk")
    return pair, first, before


def test_disk_full_during_download_keeps_the_part_and_resumes(make_pair: PairFactory, small_fs: Path) -> None:
    pair, first, before = _fill_the_small_disk(make_pair, small_fs)
    _assert_disk_full_stop(pair, first.returncode, first.output, before, clean_message=False)
    # the administrator grows the file system, runs again: it continues and finishes
    subprocess.run(["mount", "-o", "remount,size=32m", str(small_fs)], check=True)
    second = pair.run("--yes")
    assert_migrated_once(pair, second)
    sid = pair.journal()["snapshot"]["id"]
    local = next((pair.state_dir / "migrations").glob(f"*/{sid}.zip"))
    assert sha256_file(local) == sha256_file(server_archive(pair.old, sid))


def test_disk_full_during_download_is_a_clear_message(make_pair: PairFactory, small_fs: Path) -> None:
    pair, first, before = _fill_the_small_disk(make_pair, small_fs)
    _assert_disk_full_stop(pair, first.returncode, first.output, before, clean_message=True)


def _limit_file_size() -> None:  # runs in the child between fork and exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))


def test_disk_fills_during_download_rlimit_fsize(make_pair: PairFactory) -> None:
    """The portable variant: RLIMIT_FSIZE makes every write past 1 MB fail with EFBIG."""
    pair = make_pair(old={"snapshot_size": 3_000_000})
    before = managers_fingerprint(pair.new)
    proc = subprocess.Popen(
        [sys.executable, "-m", "wizard", *pair.args("--yes", "--waive", "local.disk=test")],
        cwd=Path(__file__).resolve().parents[2],
        env=pair.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit_file_size,
    )
    out, err = proc.communicate(timeout=60)
    _assert_disk_full_stop(pair, proc.returncode, out + err, before)
    assert_migrated_once(pair, pair.run("--yes"))


def test_unwritable_state_dir_is_reported_by_check(pair: Pair, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    pair.state_dir = blocker / "state"
    before = managers_fingerprint(pair.old, pair.new)
    result = pair.run(command="check")
    assert result.returncode in (1, 2), result.explain()
    assert "Traceback" not in result.output, result.explain()
    assert "local.state-dir" in result.output, result.explain()
    assert managers_fingerprint(pair.old, pair.new) == before


def test_state_dir_under_a_file_is_a_clear_error(pair: Pair, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    pair.state_dir = blocker / "state"
    before = managers_fingerprint(pair.old, pair.new)
    result = pair.run("--yes")
    assert result.returncode in (1, 2), result.explain()
    assert "Traceback" not in result.output, result.explain()
    assert "state dir" in result.said or "--state-dir" in result.said, result.explain()
    assert managers_fingerprint(pair.old, pair.new) == before


def test_read_only_state_dir_is_a_clear_error(pair: Pair, tmp_path: Path) -> None:
    where = tmp_path / "ro"
    if not _can_mount_tmpfs(where):
        pytest.skip("cannot mount a read-only tmpfs (needs root); root ignores chmod, so no other way")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(where)], check=True)
    try:
        pair.state_dir = where / "state"
        before = managers_fingerprint(pair.old, pair.new)
        result = pair.run("--yes")
        assert result.returncode in (1, 2), result.explain()
        assert "Traceback" not in result.output, result.explain()
        low = result.said
        assert "read-only" in low or "writ" in low or "permission" in low, result.explain()
        assert managers_fingerprint(pair.old, pair.new) == before
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


# -- broken archives --------------------------------------------------------------------------------
def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 4096):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _drop_metadata(path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "metadata.json":
                dst.writestr(info, src.read(info.filename))
    path.write_bytes(buf.getvalue())


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (_truncate, ("zip", "truncat", "corrupt", "integrity")),
        (_corrupt, ("crc", "corrupt", "integrity", "damaged")),
        (_drop_metadata, ("metadata.json",)),
    ],
    ids=["truncated", "corrupted", "no-metadata"],
)
def test_broken_archive_is_caught_before_upload(pair: Pair, damage: object, words: tuple[str, ...]) -> None:
    # stop right after the snapshot is requested, damage the archive the old manager will serve
    first = pair.run("--yes", env={"CFY_MIGRATE_FAILPOINT": "snapshot.after-put"})
    assert first.returncode == -signal.SIGKILL, first.explain()
    deadline = time.monotonic() + 20
    while not pair.old.state()["snapshots"] or pair.old.state()["snapshots"][0]["status"] != "created":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    sid = pair.old.state()["snapshots"][0]["id"]
    damage(server_archive(pair.old, sid))  # type: ignore[operator]
    before = managers_fingerprint(pair.new)
    result = pair.run("--yes")
    assert result.returncode in (1, 2), result.explain()
    low = result.said
    assert any(w in low for w in words), result.explain()
    assert "Traceback" not in result.output
    assert pair.step_status().get("upload") in (None, "pending"), pair.step_status()
    assert not any("PUT" in r and "archive" in r for r in pair.new.state()["requests"]["by_route"])
    assert managers_fingerprint(pair.new) == before


def test_too_small_disk_is_refused_before_the_download(make_pair: PairFactory, small_fs: Path) -> None:
    """Once the archive's size is known (HEAD), a disk that cannot hold it blocks the download
    before a byte is written, naming local.disk and how much to free."""
    pair = make_pair(old={"snapshot_size": 3_000_000})
    pair.state_dir = small_fs / "state"
    before = managers_fingerprint(pair.new)
    first = pair.run("--yes")
    assert first.returncode == 2, first.explain()
    assert "local.disk" in first.output and "Free" in first.output, first.explain()
    assert "Traceback" not in first.output
    assert _partials(pair.state_dir) == []
    assert managers_fingerprint(pair.new) == before
    assert pair.old.state()["counts"]["snapshots"] == 1
