"""Benchmark 5: start-up. `cfy-migrate --version` (next to the official `cfy --version`), and the
time from exec to the first frame of the wizard drawn on a pseudo-terminal (100x30)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

from .common import ROOT, Table, fmt, median, run_measured

#: text of the wizard's first screen (its header); its arrival on the terminal marks the first frame
FIRST_FRAME_MARK = b"cfy-migrate"
#: Textual switches to the alternate screen before drawing
ALT_SCREEN = b"\x1b[?1049h"


def _cfy_migrate() -> list[str]:
    exe = Path(os.path.dirname(os.path.realpath(sys.executable))) / "cfy-migrate"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("cfy-migrate")
    return [found] if found else [sys.executable, "-m", "wizard"]


def first_frame_seconds(cmd: list[str], env: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds from exec until the first frame (alternate screen, then the header text) shows."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
    )
    os.close(slave)
    seen = b""
    found = float("nan")
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            alt = seen.find(ALT_SCREEN)
            if alt >= 0 and seen.find(FIRST_FRAME_MARK, alt) >= 0:
                found = time.perf_counter() - start
                break
    finally:
        with contextlib.suppress(OSError):
            os.write(master, b"\x11")  # ctrl+q
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        # drain so the child never blocks on a full terminal while exiting
        with contextlib.suppress(OSError):
            while select.select([master], [], [], 0)[0] and os.read(master, 65536):
                pass
        os.close(master)
    return found


def run(runs: int, cfy: Path | None, log: Callable[[str], None]) -> tuple[str, list[tuple[str, bool | None]]]:
    """Medians of `runs` (plus one warm-up) of each start-up measurement."""
    cmd = _cfy_migrate()
    table = Table(["Command", "median s", "min s", "max s", "runs"])
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="cfy-migrate-bench-") as tmp:
        home = Path(tmp)
        env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "CFY_MIGRATE_STATE_DIR": str(home / "state" / "cfy-migrate"),
            "TMUX": "bench",  # no "not inside tmux" notice
        }
        cases: list[tuple[str, Callable[[], float]]] = [
            ("`cfy-migrate --version`", lambda: _wall([*cmd, "--version"], env)),
        ]
        if cfy is not None:
            cases.append(
                ("`cfy --version` (official CLI, peer)", lambda: _wall([str(cfy), "--version"], env))
            )
        cases.append(
            ("`cfy-migrate` to the first TUI frame (100x30 pty)", lambda: first_frame_seconds(cmd, env))
        )
        for name, fn in cases:
            fn()  # warm-up: page cache, .pyc
            results[name] = [fn() for _ in range(runs)]
            log(f"startup: {name} {fmt(median(results[name]), 3)} s")
    for name, values in results.items():
        good = [v for v in values if v == v]
        table.add(
            name,
            fmt(median(good), 3),
            fmt(min(good, default=float("nan")), 3),
            fmt(max(good, default=float("nan")), 3),
            f"{len(good)}/{len(values)}",
        )
    version = median(results["`cfy-migrate --version`"])
    frame = median([v for v in results["`cfy-migrate` to the first TUI frame (100x30 pty)"] if v == v])
    text = f"Medians of {runs} runs after one warm-up; wall time from exec.\n\n" + table.markdown()
    targets: list[tuple[str, bool | None]] = []
    peer = "`cfy --version` (official CLI, peer)"
    if peer in results:
        ratio = median(results[peer]) / version
        text += f"\n`cfy-migrate --version` starts {fmt(ratio, 1)}x faster than `cfy --version`.\n"
    targets.append(
        (
            f"start-up measured: --version {fmt(version, 3)} s, first TUI frame {fmt(frame, 3)} s",
            frame == frame,
        )
    )
    return text, targets


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    m = run_measured(cmd, env=env, cwd=ROOT, timeout=60)
    if m.rc != 0:
        raise RuntimeError(f"{cmd} failed: {m.stderr[-500:]}")
    return m.wall
