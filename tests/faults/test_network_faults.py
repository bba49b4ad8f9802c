"""Network faults: dropped downloads and uploads, 502/503 bursts, the REST outage of a restore in
both modes, and answers slower than the read timeout. Nothing is lost; the run finishes (or stops
with a clear message and the next run finishes); the archive is the server's, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.conftest import (
    OLD_PASSWORD,
    Pair,
    PairFactory,
    assert_migrated_once,
    server_archive,
    sha256_file,
)
from wizard.cloudify import errors
from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.simulator import RunningSimulator


def _client(sim: RunningSimulator, password: str, **kwargs: object) -> ManagerClient:
    kwargs.setdefault("retries", 3)
    kwargs.setdefault("backoff", 0.01)
    return ManagerClient(
        Endpoint.parse(sim.url),
        Credentials("admin", password, "default_tenant"),
        **kwargs,  # type: ignore[arg-type]
    )


def _archive_requests(sim: RunningSimulator) -> int:
    by_route = sim.state()["requests"]["by_route"]
    return sum(n for route, n in by_route.items() if "archive" in route and route.startswith("GET"))


def _archive_sha(pair: Pair) -> tuple[str, Path]:
    journal = pair.journal()
    sid = journal["snapshot"]["id"]
    local = next((pair.state_dir / "migrations").glob(f"*/{sid}.zip"))
    return sha256_file(server_archive(pair.old, sid)), local


# -- downloads ------------------------------------------------------------------------------------
def test_client_download_resumes_after_three_drops(
    make_simulator: Callable[..., RunningSimulator], tmp_path: Path
) -> None:
    sim = make_simulator(host="127.0.0.2", snapshot_size=1_500_000, admin_password=OLD_PASSWORD)
    client = _client(sim, OLD_PASSWORD)
    client.create_snapshot("snap-drop")
    import time

    deadline = time.monotonic() + 20
    while client.get_snapshot("snap-drop").status != "created":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    sim.set_faults("drop_download:after=300000,times=3")
    result = client.download_snapshot("snap-drop", tmp_path / "a.zip", max_resumes=5)
    served = server_archive(sim, "snap-drop")
    assert result.sha256 == sha256_file(served) == sha256_file(tmp_path / "a.zip")
    assert (tmp_path / "a.zip").stat().st_size == served.stat().st_size
    fired = next(r for r in sim.state()["faults"] if r["kind"] == "drop_download")["fired"]
    assert fired == 3
    assert sim.state()["counts"]["snapshots"] == 1
    client.close()


def test_run_survives_download_drops_with_the_servers_sha256(make_pair: PairFactory) -> None:
    pair = make_pair(old={"snapshot_size": 1_500_000, "faults": "drop_download:after=250000,times=3"})
    result = pair.run("--yes")
    assert_migrated_once(pair, result)
    server_sha, local = _archive_sha(pair)
    assert sha256_file(local) == server_sha
    assert server_sha in str(pair.journal())
    assert _archive_requests(pair.old) >= 4  # the first try and three resumes


@pytest.mark.slow
def test_download_dropped_more_often_than_the_client_resumes_stops_then_resumes(
    make_pair: PairFactory,
) -> None:
    pair = make_pair(old={"snapshot_size": 1_500_000, "faults": "drop_download:after=100000,times=12"})
    first = pair.run("--yes")
    if first.returncode != 0:
        assert first.returncode == 1, first.explain()
        assert "download" in first.said and "again" in first.said, first.explain()
        assert pair.new.state()["restore_history"] == []
        assert list((pair.state_dir / "migrations").glob("*/*.part")) or list(
            (pair.state_dir / "migrations").glob("*/*.zip")
        ), "the partial download was not kept"
        pair.old.clear_faults()
        second = pair.run("--yes")
        assert_migrated_once(pair, second)
    else:
        assert_migrated_once(pair, first)
    server_sha, local = _archive_sha(pair)
    assert sha256_file(local) == server_sha


# -- uploads --------------------------------------------------------------------------------------
def test_run_survives_a_dropped_upload(make_pair: PairFactory) -> None:
    pair = make_pair(old={"snapshot_size": 1_500_000}, new={"faults": "fail_upload:after=400000,times=1"})
    first = pair.run("--yes")
    if first.returncode != 0:
        # stopped with a clear word, nothing restored; the next run uploads again and verifies
        assert first.returncode == 1, first.explain()
        assert "upload" in first.said, first.explain()
        assert pair.new.state()["restore_history"] == []
        first = pair.run("--yes")
    assert_migrated_once(pair, first)
    assert "uploaded and verified" in first.stdout, first.explain()
    fired = next(r for r in pair.new.state()["faults"] if r["kind"] == "fail_upload")["fired"]
    assert fired == 1


# -- 5xx bursts, outages, slowness --------------------------------------------------------------
@pytest.mark.slow
def test_run_survives_502_503_bursts_on_reads(make_pair: PairFactory) -> None:
    faults = (
        "http_error:path=/deployments,method=GET,status=503,nth=1,count=2;"
        "http_error:path=/executions,method=GET,status=502,nth=2,count=2;"
        "http_error:path=/snapshots/,method=GET,status=503,nth=2,count=2"
    )
    pair = make_pair(old={"faults": faults}, new={"faults": faults})
    result = pair.run("--yes")
    assert_migrated_once(pair, result)
    fired = sum(r["fired"] for r in pair.old.state()["faults"] + pair.new.state()["faults"])
    assert fired >= 6


@pytest.mark.parametrize("mode", ["refuse", "502"])
def test_run_survives_the_rest_outage_of_the_restore(make_pair: PairFactory, mode: str) -> None:
    # 100 base seconds x 0.03 = a 3 s outage in the middle of the restore
    pair = make_pair(new={"outage_mode": mode, "restore_outage": 100.0})
    result = pair.run("--yes")
    assert_migrated_once(pair, result)
    history = pair.new.state()["restore_history"]
    assert len(history) == 1 and history[0].get("error") in (None, "")


def test_slow_answers_past_the_read_timeout_are_retried_or_named(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(host="127.0.0.2", admin_password=OLD_PASSWORD)
    before = sim.state()["counts"]
    # one slow answer: the GET is retried and succeeds
    sim.set_faults("delay:seconds=1.0,path=/version,times=1")
    client = _client(sim, OLD_PASSWORD, timeout=(2.0, 0.4))
    assert client.version().version == "6.4.2"
    # always slow: a typed timeout error whose message says what to do
    sim.set_faults("delay:seconds=1.0,path=/version")
    with pytest.raises(errors.RequestTimeoutError) as info:
        client.version()
    text = str(info.value)
    assert "slow" in text or "timed out" in text.lower(), text
    assert sim.state()["counts"] == before
    client.close()


@pytest.mark.slow
def test_run_with_slow_answers_within_the_timeout_finishes(make_pair: PairFactory) -> None:
    pair = make_pair(
        old={"faults": "delay:seconds=0.3,path=/deployments,times=3"},
        new={"faults": "delay:seconds=0.3,path=/executions,times=3"},
    )
    assert_migrated_once(pair, pair.run("--yes"))
