"""Snapshots over real sockets: create/get/list/delete, streaming download (resume, cancel, mode,
sha256), upload, restore and /snapshot-status."""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.client.conftest import ClientFactory
from wizard.cloudify.client import ManagerClient, RequestRecord
from wizard.cloudify.errors import (
    CloudifyError,
    ConflictError,
    ConnectionDroppedError,
    NotFoundError,
    TransferCancelledError,
    TransportError,
)
from wizard.cloudify.models import Snapshot, TransferProgress
from wizard.cloudify.transfer import part_path
from wizard.simulator import RunningSimulator

Make = Callable[..., RunningSimulator]
MiB = 1024 * 1024


def wait_created(client: ManagerClient, snapshot_id: str) -> Snapshot:
    deadline = time.monotonic() + 15
    while True:
        snapshot = client.get_snapshot(snapshot_id)
        if snapshot.status != "creating" or time.monotonic() > deadline:
            return snapshot
        time.sleep(0.02)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def old(make_simulator: Make) -> RunningSimulator:
    """A 6.4.2 manager whose snapshots are padded to 3 MiB (several 1 MiB chunks)."""
    return make_simulator(profile="6.4.2", snapshot_size=3 * MiB, deployments=2, installed=2)


def test_create_get_list_delete(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="7.0.4")
    client = make_client(sim)
    execution = client.create_snapshot("snap-1", legacy=True)
    assert execution.workflow_id == "create_snapshot"
    assert execution.is_system_workflow
    assert execution.parameters.get("legacy") is True
    assert wait_created(client, "snap-1").status == "created"
    with pytest.raises(ConflictError):
        client.create_snapshot("snap-1")
    assert "snap-1" in {s.id for s in client.list_snapshots()}
    client.delete_snapshot("snap-1")
    with pytest.raises(NotFoundError):
        client.get_snapshot("snap-1")
    assert client.list_snapshots() == []


def test_legacy_flag_only_when_given(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    execution = make_client(sim).create_snapshot("plain")
    assert "legacy" not in execution.parameters or execution.parameters["legacy"] is None


def test_download_full_mode_and_sha(
    old: RunningSimulator, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = make_client(old)
    client.create_snapshot("s1")
    assert wait_created(client, "s1").status == "created"
    seen: list[TransferProgress] = []
    dest = tmp_path / "s1.zip"
    result = client.download_snapshot("s1", dest, progress=seen.append)
    assert dest.exists() and not part_path(dest).exists()
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    assert result.size == dest.stat().st_size > 2 * MiB
    assert result.sha256 == sha256_of(dest)
    assert (result.resumed_from, result.attempts) == (0, 1)
    assert len(seen) >= 3 and seen[-1].done == result.size and seen[-1].total == result.size


def test_download_resumes_after_a_drop(
    old: RunningSimulator, make_client: ClientFactory, tmp_path: Path
) -> None:
    records: list[RequestRecord] = []
    client = make_client(old, records=records)
    client.create_snapshot("s1")
    wait_created(client, "s1")
    whole = client.download_snapshot("s1", tmp_path / "whole.zip")
    old.set_faults(f"drop_download:after={MiB + 12345},times=1")
    records.clear()
    dest = tmp_path / "resumed.zip"
    result = client.download_snapshot("s1", dest)
    assert result.sha256 == whole.sha256 == sha256_of(dest)
    assert result.size == whole.size
    assert result.attempts == 2
    assert result.resumed_from == MiB + 12345
    assert [r.status for r in records] == [200, 206]


def test_download_continues_a_part_left_by_an_earlier_run(
    old: RunningSimulator, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = make_client(old)
    client.create_snapshot("s1")
    wait_created(client, "s1")
    whole = tmp_path / "whole.zip"
    client.download_snapshot("s1", whole)
    dest = tmp_path / "again.zip"
    part_path(dest).write_bytes(whole.read_bytes()[:777])
    result = client.download_snapshot("s1", dest)
    assert result.resumed_from == 777
    assert result.sha256 == sha256_of(whole)


def test_download_gives_up_after_max_resumes(
    old: RunningSimulator, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = make_client(old)
    client.create_snapshot("s1")
    wait_created(client, "s1")
    old.set_faults("drop_download:after=100000")
    dest = tmp_path / "s1.zip"
    with pytest.raises(ConnectionDroppedError) as info:
        client.download_snapshot("s1", dest, max_resumes=2)
    assert old.url in str(info.value) or old.url.replace("http://", "") in str(info.value)
    assert not dest.exists()
    assert part_path(dest).stat().st_size == 300000
    old.clear_faults()
    result = client.download_snapshot("s1", dest)
    assert result.resumed_from == 300000
    assert result.sha256 == sha256_of(dest)


def test_cancel_keeps_the_part(old: RunningSimulator, make_client: ClientFactory, tmp_path: Path) -> None:
    client = make_client(old)
    client.create_snapshot("s1")
    wait_created(client, "s1")
    cancel = threading.Event()

    def progress(p: TransferProgress) -> None:
        if p.done >= MiB:
            cancel.set()

    dest = tmp_path / "s1.zip"
    with pytest.raises(TransferCancelledError) as info:
        client.download_snapshot("s1", dest, progress=progress, cancel=cancel)
    assert not dest.exists()
    part = part_path(dest)
    assert part.stat().st_size == info.value.done == MiB
    assert stat.S_IMODE(os.stat(part).st_mode) == 0o600
    result = client.download_snapshot("s1", dest)
    assert result.resumed_from == MiB
    assert result.sha256 == sha256_of(dest)


def test_upload_restore_and_status(make_simulator: Make, make_client: ClientFactory, tmp_path: Path) -> None:
    old = make_simulator(profile="6.4.2", deployments=2, installed=2, snapshot_size=2 * MiB)
    new = make_simulator(profile="7.0.4", clean=True)
    old_client, new_client = make_client(old), make_client(new, retries=0)
    old_client.create_snapshot("mig")
    wait_created(old_client, "mig")
    archive = tmp_path / "mig.zip"
    downloaded = old_client.download_snapshot("mig", archive)
    seen: list[TransferProgress] = []
    uploaded = new_client.upload_snapshot("mig", archive, progress=seen.append)
    assert uploaded.id == "mig" and uploaded.status == "uploaded"
    assert seen[-1].done == seen[-1].total == downloaded.size
    assert new.state()["snapshots"]
    execution = new_client.restore_snapshot("mig")
    assert execution.id and execution.status == "pending"
    assert execution.workflow_id == "restore_snapshot"
    saw_running = False
    deadline = time.monotonic() + 20
    final = None
    while time.monotonic() < deadline:
        try:
            running = new_client.snapshot_restore_running()
            saw_running = saw_running or running is True
            final = new_client.get_execution(execution.id)
            if final.finished and running is False:
                break
        except CloudifyError:  # the REST service restarts during a legacy restore
            pass
        time.sleep(0.02)
    assert final is not None and final.succeeded, final
    assert saw_running
    assert new_client.count("deployments", all_tenants=True) == 2


def test_upload_cancel_and_drop_are_not_retried(
    make_simulator: Make, make_client: ClientFactory, tmp_path: Path
) -> None:
    sim = make_simulator(profile="6.4.2", clean=True)
    client = make_client(sim, retries=3)
    archive = tmp_path / "big.zip"
    archive.write_bytes(os.urandom(3 * MiB))
    before = sim.state()["requests"]["total"]
    sim.set_faults("fail_upload:after=100000,times=1")
    with pytest.raises(TransportError):
        client.upload_snapshot("up2", archive)
    assert sim.state()["requests"]["total"] - before == 1  # no automatic retry of the PUT
    result = client.upload_snapshot("up2", archive)
    assert result.status == "uploaded"
    cancel = threading.Event()

    def progress(p: TransferProgress) -> None:
        cancel.set()

    with pytest.raises(TransferCancelledError) as info:
        client.upload_snapshot("up", archive, progress=progress, cancel=cancel)
    assert info.value.done == MiB
