"""Benchmark 1: snapshot download and upload, cfy-migrate vs curl vs the official `cfy` CLI.

One simulator process per archive size (its `--snapshot-size` pads the archive), on 127.0.0.23.
Each run starts a fresh process per tool, in a rotating order (curl, ours, cfy; ours, cfy, curl;
...), so drift in the machine's load spreads evenly. The file written is deleted after every run.

Two throughputs are reported, because process start-up differs a lot between the tools:
- transfer: bytes / the seconds the tool itself reports for the transfer (curl's time_total; ours:
  the time inside download_snapshot/upload_snapshot, which includes sha256 and fsync). This is
  the comparison with curl, the ceiling of the machine.
- process: bytes / wall time from exec to exit. This is the comparison with the official CLI,
  whose time to the first byte we cannot observe from outside; it is also what an administrator
  waits for.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint

from .common import (
    GIB,
    MIB,
    PASSWORD,
    PYTHON,
    ROOT,
    Measured,
    SimProcess,
    Table,
    cfy_env,
    cfy_profile,
    fmt,
    median,
    run_measured,
    simulator_process,
    size_label,
)

HOST = "127.0.0.23"
SNAPSHOT = "bench"
TOOLS = ("curl", "ours", "cfy")


@dataclass
class Sample:
    """One run of one tool."""

    wall: float
    transfer: float
    cpu: float
    rss_mib: float
    server_cpu: float


@dataclass
class TransferResults:
    """Everything measured, keyed by (direction, size, tool)."""

    samples: dict[tuple[str, int, str], list[Sample]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    scratch: str = ""
    profile_routes: dict[str, int] = field(default_factory=dict)

    def med(self, direction: str, size: int, tool: str, attr: str) -> float:
        """Median of one attribute."""
        return median([getattr(s, attr) for s in self.samples.get((direction, size, tool), [])])

    def mibps(self, direction: str, size: int, tool: str, attr: str) -> float:
        """Median throughput in MiB/s from the median seconds of `attr`."""
        seconds = self.med(direction, size, tool, attr)
        return size / MIB / seconds if seconds == seconds and seconds > 0 else float("nan")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(4 * MIB):
            digest.update(block)
    return digest.hexdigest()


def _wait_created(client: ManagerClient, snapshot_id: str, timeout: float) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get_snapshot(snapshot_id).status
        if status == "created":
            return
        if status == "failed":
            raise RuntimeError(f"snapshot {snapshot_id} failed on the simulator")
        time.sleep(0.25)
    raise RuntimeError(f"snapshot {snapshot_id} not created within {timeout:.0f} s")


class _Runner:
    def __init__(self, sim: SimProcess, cfy: Path | None, home: Path, scratch: Path) -> None:
        self.sim = sim
        self.cfy = cfy
        self.home = home
        self.scratch = scratch
        self.api = f"{sim.url}/api/v3.1"
        self.driver_env = dict(os.environ, BENCH_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))

    def _curl(self, *args: str) -> list[str]:
        return [
            "curl",
            "-sS",
            "--fail",
            "-u",
            f"admin:{PASSWORD}",
            "-H",
            "Tenant: default_tenant",
            "-w",
            "%{time_total} %{http_code}",
            *args,
        ]

    def download(self, tool: str, dest: Path) -> tuple[Measured, float]:
        """Run one download; returns the process figures and the tool's own transfer seconds."""
        url = f"{self.api}/snapshots/{SNAPSHOT}/archive"
        if tool == "curl":
            m = run_measured(self._curl("-o", str(dest), url))
            _check(m, tool)
            return m, float(m.stdout.split()[0])
        if tool == "ours":
            m = run_measured(
                [
                    PYTHON,
                    "-m",
                    "tests.benchmarks.transfer_driver",
                    "download",
                    self.sim.url,
                    SNAPSHOT,
                    str(dest),
                ],
                env=self.driver_env,
                cwd=ROOT,
            )
            _check(m, tool)
            return _driver_figures(m)
        assert self.cfy is not None
        m = run_measured(
            [str(self.cfy), "snapshots", "download", SNAPSHOT, "-o", str(dest)],
            env=cfy_env(self.home),
            cwd=self.home,
        )
        _check(m, tool)
        return m, float("nan")

    def upload(self, tool: str, source: Path, snapshot_id: str) -> tuple[Measured, float]:
        """Run one upload as `snapshot_id`."""
        url = f"{self.api}/snapshots/{snapshot_id}/archive"
        if tool == "curl":
            m = run_measured(
                self._curl(
                    "-H",
                    "Content-Type: application/octet-stream",
                    "-H",
                    "Expect:",
                    "--upload-file",
                    str(source),
                    "-o",
                    os.devnull,
                    url,
                )
            )
            _check(m, tool)
            return m, float(m.stdout.split()[0])
        if tool == "ours":
            m = run_measured(
                [
                    PYTHON,
                    "-m",
                    "tests.benchmarks.transfer_driver",
                    "upload",
                    self.sim.url,
                    snapshot_id,
                    str(source),
                ],
                env=self.driver_env,
                cwd=ROOT,
            )
            _check(m, tool)
            return _driver_figures(m)
        assert self.cfy is not None
        m = run_measured(
            [str(self.cfy), "snapshots", "upload", str(source), "-s", snapshot_id],
            env=cfy_env(self.home),
            cwd=self.home,
        )
        _check(m, tool)
        return m, float("nan")


def _driver_figures(m: Measured) -> tuple[Measured, float]:
    """Our driver's own figures: its transfer seconds, and its exact VmHWM at exit."""
    out = json.loads(m.stdout.strip().splitlines()[-1])
    m.rss_mib = max(m.rss_mib, float(out["rss_mib"]))
    return m, float(out["seconds"])


def _check(m: Measured, tool: str) -> None:
    if m.rc != 0:
        raise RuntimeError(f"{tool} failed (exit {m.rc}): {m.stderr[-2000:]} {m.stdout[-500:]}")


def run(
    sizes: list[int],
    runs: int,
    scratch: Path,
    cfy: Path | None,
    log: Callable[[str], None] = print,
) -> TransferResults:
    """Measure every size, both directions, every tool; `runs` runs each."""
    res = TransferResults(sizes=list(sizes), scratch=str(scratch))
    tools = [t for t in TOOLS if t != "cfy" or cfy is not None]
    if cfy is None:
        res.notes.append("The official CLI could not be installed: its columns are empty.")
    for size in sizes:
        data_dir = scratch / f"sim-{size}"
        shutil.rmtree(data_dir, ignore_errors=True)
        # community edition: on a premium manager `cfy snapshots upload` first calls
        # GET /license-check, which the simulator does not serve (404)
        extra = ["--clean", "--edition", "community", "--time-scale", "0.01", "--snapshot-size", str(size)]
        with simulator_process(HOST, data_dir=data_dir, extra=extra) as sim:
            client = ManagerClient(Endpoint.parse(sim.url), Credentials("admin", PASSWORD))
            client.create_snapshot(SNAPSHOT)
            _wait_created(client, SNAPSHOT, timeout=120 + size / (50 * MIB))
            home = scratch / "cfy-home"
            shutil.rmtree(home, ignore_errors=True)
            runner = _Runner(sim, cfy, home, scratch)
            if cfy is not None:
                _reset_requests(sim)
                prof = cfy_profile(cfy, home, sim)
                if prof.rc != 0:
                    raise RuntimeError(f"cfy profiles use failed: {prof.stderr[-2000:]}")
                res.profile_routes = _requests_by_route(sim)
            log(f"transfers: {size_label(size)} archive ready on {sim.url}; {runs} runs x {len(tools)} tools")
            archive = _server_archive(data_dir)
            expected = archive.stat().st_size if archive is not None else size
            digests: dict[str, str] = {}
            for r in range(runs):
                order = tools[r % len(tools) :] + tools[: r % len(tools)]
                for tool in order:
                    dest = scratch / f"download-{tool}.zip"
                    dest.unlink(missing_ok=True)
                    before = sim.cpu()
                    m, seconds = runner.download(tool, dest)
                    server = sim.cpu() - before
                    got = dest.stat().st_size
                    if got != expected:
                        raise RuntimeError(f"{tool} downloaded {got} bytes, expected {expected}")
                    if r == 0:
                        digests[tool] = (
                            json.loads(m.stdout.strip().splitlines()[-1])["sha256"]
                            if tool == "ours"
                            else _sha256(dest)
                        )
                    dest.unlink()
                    res.samples[("download", size, tool)].append(
                        Sample(m.wall, seconds, m.cpu, m.rss_mib, server)
                    )
                log(f"  download run {r + 1}/{runs} done")
            if len(set(digests.values())) != 1:
                raise RuntimeError(f"the tools downloaded different bytes: {digests}")
            source = archive or _fallback_source(runner, scratch)
            for r in range(runs):
                order = tools[r % len(tools) :] + tools[: r % len(tools)]
                for tool in order:
                    snapshot_id = f"up-{tool}-{r}"
                    before = sim.cpu()
                    m, seconds = runner.upload(tool, source, snapshot_id)
                    server = sim.cpu() - before
                    res.samples[("upload", size, tool)].append(
                        Sample(m.wall, seconds, m.cpu, m.rss_mib, server)
                    )
                    client.delete_snapshot(snapshot_id)
                log(f"  upload run {r + 1}/{runs} done")
            client.close()
        shutil.rmtree(data_dir, ignore_errors=True)
        for leftover in scratch.glob("download-*.zip*"):
            leftover.unlink()
    shutil.rmtree(scratch / "cfy-home", ignore_errors=True)  # the official CLI's scratch HOME
    return res


def _server_archive(data_dir: Path) -> Path | None:
    """The simulator's own archive file, used as the upload source (saves one copy on disk)."""
    found = sorted(data_dir.rglob(f"{SNAPSHOT}.zip"))
    return found[0] if found else None


def _fallback_source(runner: _Runner, scratch: Path) -> Path:
    dest = scratch / "upload-source.zip"
    runner.download("curl", dest)
    return dest


def _reset_requests(sim: SimProcess) -> None:
    import urllib.request

    req = urllib.request.Request(f"{sim.url}/_sim/requests/reset", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def _requests_by_route(sim: SimProcess) -> dict[str, int]:
    import urllib.request

    with urllib.request.urlopen(f"{sim.url}/_sim/state", timeout=10) as resp:
        state = json.loads(resp.read())
    return dict(state.get("requests", {}).get("by_route", {}))


# -- report ---------------------------------------------------------------------------------------
def report(res: TransferResults, runs: int) -> tuple[str, list[tuple[str, bool | None]]]:
    """Markdown tables and the target verdicts."""
    thr = Table(
        [
            "Transfer",
            "Size",
            "curl MiB/s (transfer)",
            "ours MiB/s (transfer)",
            "**ours / curl**",
            "cfy MiB/s (process)",
            "ours MiB/s (process)",
            "**ours / cfy**",
        ]
    )
    cost = Table(
        [
            "Transfer",
            "Size",
            "ours CPU s/GiB",
            "curl CPU s/GiB",
            "cfy CPU s/GiB",
            "ours peak RSS MiB",
            "curl peak RSS MiB",
            "cfy peak RSS MiB",
            "server CPU s/GiB (during ours)",
        ]
    )
    targets: list[tuple[str, bool | None]] = []
    for direction in ("download", "upload"):
        for size in res.sizes:
            curl_t = res.mibps(direction, size, "curl", "transfer")
            ours_t = res.mibps(direction, size, "ours", "transfer")
            cfy_p = res.mibps(direction, size, "cfy", "wall")
            ours_p = res.mibps(direction, size, "ours", "wall")
            r_curl = ours_t / curl_t
            r_cfy = ours_p / cfy_p
            thr.add(
                direction,
                size_label(size),
                fmt(curl_t, 0),
                fmt(ours_t, 0),
                fmt(r_curl) + "x",
                fmt(cfy_p, 0),
                fmt(ours_p, 0),
                fmt(r_cfy) + "x",
            )
            gib = size / GIB
            cost.add(
                direction,
                size_label(size),
                fmt(res.med(direction, size, "ours", "cpu") / gib),
                fmt(res.med(direction, size, "curl", "cpu") / gib),
                fmt(res.med(direction, size, "cfy", "cpu") / gib),
                fmt(res.med(direction, size, "ours", "rss_mib"), 1),
                fmt(res.med(direction, size, "curl", "rss_mib"), 1),
                fmt(res.med(direction, size, "cfy", "rss_mib"), 1),
                fmt(res.med(direction, size, "ours", "server_cpu") / gib),
            )
            label = f"{direction} {size_label(size)}"
            targets.append((f"{label}: throughput >= 0.9x curl ({fmt(r_curl)}x)", r_curl >= 0.9))
            targets.append(
                (
                    f"{label}: throughput >= 1.5x official CLI ({fmt(r_cfy)}x)",
                    None if r_cfy != r_cfy else r_cfy >= 1.5,
                )
            )
        rss = [max(s.rss_mib for s in res.samples[(direction, size, "ours")]) for size in res.sizes]
        targets.append(
            (
                f"{direction}: peak RSS under 100 MB (max {fmt(max(rss) * MIB / 1e6, 1)} MB)",
                max(rss) * MIB < 100e6,
            )
        )
        if len(res.sizes) > 1:
            spread = (rss[-1] - rss[0]) * MIB / 1e6
            targets.append(
                (
                    f"{direction}: peak RSS flat, {size_label(res.sizes[-1])} within 10 MB of "
                    f"{size_label(res.sizes[0])} ({spread:+.1f} MB)",
                    abs(spread) <= 10,
                )
            )
    text = (
        f"Medians of {runs} runs per cell, tools interleaved in a rotating order; scratch files in "
        f"`{res.scratch}`.\n\n" + thr.markdown() + "\n" + cost.markdown()
    )
    if res.profile_routes:
        routes = ", ".join(f"`{k}`" for k in sorted(res.profile_routes))
        text += (
            f"\n`cfy profiles use` called: {routes} (all answered by the simulator). The simulator "
            "runs the community edition: on a premium manager `cfy snapshots upload` first calls "
            "`GET /license-check`, which the simulator does not serve (404).\n"
        )
    for note in res.notes:
        text += f"\n{note}\n"
    return text, targets
