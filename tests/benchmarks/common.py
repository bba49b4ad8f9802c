"""Shared plumbing of the benchmarks: measured child processes, the simulator in its own process,
the official CLI in its own virtual environment, machine facts, medians and Markdown.

Every request goes to 127.0.0.0/8. Every child this module starts is ended by its own pid.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib.metadata
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
MIB = 1 << 20
GIB = 1 << 30
PASSWORD = "bench-Pa55"
CACHE = Path(os.environ.get("CFY_MIGRATE_BENCH_CACHE", Path.home() / ".cache" / "cfy-migrate-bench"))
CFY_VERSION = "7.0.5"


# -- measured child processes ---------------------------------------------------------------------
@dataclass
class Measured:
    """One finished child: wall seconds, CPU seconds (user+sys), peak RSS in MiB, exit code, output."""

    wall: float
    cpu: float
    rss_mib: float
    rc: int
    stdout: str
    stderr: str


def run_measured(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 600.0,
    stdin: int | None = subprocess.DEVNULL,
) -> Measured:
    """Run `cmd`, wait for it with wait4 (so CPU is this child's alone) and return the figures.

    Peak RSS is the child's VmHWM, sampled from /proc every 5 ms while it runs: wait4's
    ru_maxrss would also count the benchmark runner's own pages, which the child carries between
    fork and exec. stdout/stderr go to temporary files (a progress bar of many MB must not
    block a pipe)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=out, stderr=err, stdin=stdin)
        killer = threading.Timer(timeout, _kill_pid, args=(proc.pid,))
        killer.daemon = True
        killer.start()
        peak = [0]
        stop = threading.Event()
        sampler = threading.Thread(target=_sample_hwm, args=(proc.pid, stop, peak), daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            stop.set()
            killer.cancel()
        wall = time.perf_counter() - start
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            rss_mib=peak[0] / 1024,
            rc=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _sample_hwm(pid: int, stop: threading.Event, peak: list[int]) -> None:
    """Keep the highest VmHWM (KiB) of `pid` in peak[0] until `stop` is set."""
    path = f"/proc/{pid}/status"
    while not stop.is_set():
        try:
            with open(path, "rb") as fh:
                for line in fh:
                    if line.startswith(b"VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
                        break
        except (OSError, ValueError):
            pass
        stop.wait(0.005)


def _kill_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def process_cpu(pid: int) -> float:
    """CPU seconds (user+sys) a running process has used so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# -- the simulator in its own process -------------------------------------------------------------
@dataclass
class SimProcess:
    """`python -m wizard simulate ...` in its own process: its URL, pid and CPU so far."""

    url: str
    host: str
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        """The simulator's process id."""
        return self.proc.pid

    def cpu(self) -> float:
        """CPU seconds the simulator has used so far."""
        return process_cpu(self.proc.pid)


@contextlib.contextmanager
def simulator_process(
    host: str,
    *,
    data_dir: Path | None = None,
    extra: Sequence[str] = (),
    timeout: float = 60.0,
    config: dict[str, Any] | None = None,
) -> Iterator[SimProcess]:
    """Start the simulator CLI on `host` (127.0.0.x) with the `extra` flags -- or, given `config`,
    tests.benchmarks.sim_server with those SimulatorConfig fields -- wait for its URL line, stop it
    (SIGTERM, then SIGKILL) on exit."""
    if config is not None:
        payload = json.dumps({**config, "host": host, "admin_password": PASSWORD})
        cmd = [PYTHON, "-m", "tests.benchmarks.sim_server", payload]
    else:
        cmd = [PYTHON, "-m", "wizard", "simulate", "--host", host, "--port", "0", *extra]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    env = dict(os.environ, CFY_SIM_ADMIN_PASSWORD=PASSWORD)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        line = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                line = proc.stdout.readline()
                if line or proc.poll() is not None:
                    break
            elif proc.poll() is not None:
                break
        match = re.search(rb"http://([0-9.]+):(\d+)", line)
        if not match:
            err = proc.stderr.read().decode() if proc.stderr and proc.poll() is not None else ""
            raise RuntimeError(f"the simulator did not start: {line!r} {err}")
        sim = SimProcess(match.group(0).decode(), match.group(1).decode(), int(match.group(2)), proc)
        yield sim
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


# -- the official CLI in its own virtual environment ----------------------------------------------
def official_cli(log: Any = print) -> Path | None:
    """The `cfy` executable of cloudify==7.0.5 in its own venv under the cache dir; created (with
    `pip install cloudify==7.0.5` from PyPI) on first use. None when it cannot be installed."""
    venv = CACHE / "cfy-venv"
    cfy = venv / "bin" / "cfy"
    if cfy.exists():
        return cfy
    log(f"installing the official CLI (pip install cloudify=={CFY_VERSION}) into {venv} ...")
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", f"cloudify=={CFY_VERSION}"],
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        log(f"could not install the official CLI: {exc}")
        return None
    return cfy if cfy.exists() else None


def official_cli_version(cfy: Path | None) -> str:
    """The installed cloudify package version of that venv."""
    if cfy is None:
        return "not installed"
    pip = cfy.parent / "pip"
    try:
        out = subprocess.run(
            [str(pip), "show", "cloudify"], capture_output=True, text=True, timeout=60
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    match = re.search(r"^Version:\s*(\S+)", out, re.M)
    return match.group(1) if match else "unknown"


def cfy_env(home: Path) -> dict[str, str]:
    """The environment of the official CLI: HOME in a scratch dir (its profiles live there)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CFY_", "VIRTUAL_ENV"))}
    env["HOME"] = str(home)
    env["PATH"] = "/usr/bin:/bin"
    env["COLUMNS"] = "80"
    return env


def cfy_profile(cfy: Path, home: Path, sim: SimProcess) -> Measured:
    """`cfy profiles use <host> ... --rest-port N` (calls /status, /provider/context, /managers,
    /brokers and /db-nodes on the simulator)."""
    home.mkdir(parents=True, exist_ok=True)
    return run_measured(
        [
            str(cfy),
            "profiles",
            "use",
            sim.host,
            "-u",
            "admin",
            "-p",
            PASSWORD,
            "-t",
            "default_tenant",
            "--rest-port",
            str(sim.port),
        ],
        env=cfy_env(home),
        cwd=home,
        timeout=120,
    )


# -- machine facts --------------------------------------------------------------------------------
def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def machine() -> dict[str, str]:
    """Cores, memory, CPU model, kernel, load, date and the versions of everything compared."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / (1 << 20):.1f} GiB"
    curl = "-"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        curl = subprocess.run(
            ["curl", "--version"], capture_output=True, text=True, timeout=10
        ).stdout.split()[1]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "cfy-migrate": _version("cfy-migrate"),
        "requests": _version("requests"),
        "urllib3": _version("urllib3"),
        "textual": _version("textual"),
        "curl": curl,
        "load": load,
    }


def machine_markdown(info: dict[str, str], cfy_version: str) -> str:
    """The machine block of a report."""
    return (
        f"- Date: {info['date']}\n"
        f"- Machine: {info['cores']} cores, {info['memory']} RAM, CPU {info['cpu']}, Linux {info['kernel']}\n"
        f"- Load average at start (1, 5, 15 min): {info['load']}\n"
        f"- Versions: cfy-migrate {info['cfy-migrate']} (Python {info['python']}, requests "
        f"{info['requests']}, urllib3 {info['urllib3']}, textual {info['textual']}); curl {info['curl']}; "
        f"official CLI cloudify {cfy_version}\n"
    )


# -- numbers --------------------------------------------------------------------------------------
def median(values: Sequence[float]) -> float:
    """Median, NaN for no values."""
    return statistics.median(values) if values else float("nan")


def fmt(value: float, digits: int = 2) -> str:
    """A number for a table; '-' for NaN."""
    if value != value:  # NaN
        return "-"
    return f"{value:.{digits}f}"


def size_label(size: int) -> str:
    """256 MiB, 1 GiB ..."""
    if size >= GIB and size % GIB == 0:
        return f"{size // GIB} GiB"
    return f"{size / MIB:g} MiB"


@dataclass
class Table:
    """A Markdown table built row by row."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        """Append a row."""
        self.rows.append([str(c) for c in cells])

    def markdown(self) -> str:
        """The table as GitHub Markdown."""
        lines = ["| " + " | ".join(self.header) + " |", "|" + "|".join("---" for _ in self.header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines) + "\n"


def verdict(ok: bool | None) -> str:
    """met / NOT met / not measured."""
    if ok is None:
        return "not measured"
    return "met" if ok else "**NOT met**"


def free_bytes(path: Path) -> int:
    """Free bytes on the filesystem of `path`."""
    return shutil.disk_usage(path).free


def mem_available() -> int:
    """MemAvailable in bytes (0 when unknown)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0
