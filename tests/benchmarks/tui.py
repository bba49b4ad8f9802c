"""Benchmark 2: the snapshot download with the wizard's TUI running (headless Textual), against
the same engine download without a UI, and how fast a key press is answered meanwhile.

Both runs go through the engine's DOWNLOAD step (wizard.migration.stages.download.run) from
the same simulator (its own process) into a state dir under the same scratch directory; they
alternate, so load drifts evenly. In the TUI run, F1 (help) and Escape are pressed in turn for
as long as the download lasts; the latency is from the key press to the help dialog being the
active screen (or gone again).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.migration.config import ManagerConfig, MigrationConfig, Timing
from wizard.migration.decider import HeadlessDecider
from wizard.migration.runner import Migration
from wizard.migration.steps import StepId

from .common import GIB, MIB, PASSWORD, SimProcess, Table, fmt, median, simulator_process, size_label

DONE = {"done", "already-done", "skipped"}
#: seconds between key presses during the download (a brisk typist; the UI is never idle)
KEY_EVERY = 0.25


def _headless(old: SimProcess, new: SimProcess, state_dir: Path) -> float:
    """Seconds of the DOWNLOAD step run by the engine alone (after preflight and snapshot)."""
    cfg = MigrationConfig(
        old=ManagerConfig("old", Endpoint.parse(old.url), Credentials("admin", PASSWORD)),
        new=ManagerConfig("new", Endpoint.parse(new.url), Credentials("admin", PASSWORD)),
        state_dir=state_dir,
        fresh=True,
        timing=Timing(poll_interval=0.05),
    )
    mig = Migration(
        cfg, on_event=lambda _e: None, decider=HeadlessDecider(False, False, prompt_passwords=False)
    )
    try:
        for step in (StepId.PREFLIGHT_OLD, StepId.CREATE_SNAPSHOT):
            out = mig.run_step(step)
            if not out.outcome.ok:
                raise RuntimeError(f"{step}: {out.detail}")
        start = time.perf_counter()
        out = mig.run_step(StepId.DOWNLOAD)
        seconds = time.perf_counter() - start
        if not out.outcome.ok:
            raise RuntimeError(f"download: {out.detail}")
        return seconds
    finally:
        mig.close()


async def _with_tui(
    old: SimProcess, new: SimProcess, state_dir: Path, keys: bool
) -> tuple[float, list[float]]:
    """Seconds of the DOWNLOAD step with the TUI running, and (with `keys`) the latencies of key
    presses made meanwhile, one every KEY_EVERY seconds."""
    from tests.tui.drive import app_of, idle, press_primary, run_preflight, wait_until
    from wizard.tui.app import MigrateApp
    from wizard.tui.dialogs.help import HelpDialog
    from wizard.tui.options import LaunchOptions, ManagerForm

    options = LaunchOptions(
        old=ManagerForm(url=old.url, password=PASSWORD),
        new=ManagerForm(url=new.url, password=PASSWORD),
        state_dir=state_dir,
        environ={"HOME": str(state_dir), "TERM": "xterm-256color"},
        poll_interval=0.05,
        check_multiplexer=False,
        offer_resume=False,
    )
    app = MigrateApp(options)
    latencies: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app = app_of(pilot)
        await run_preflight(pilot)
        await press_primary(pilot)  # run the preflight step, move to Snapshot
        await idle(pilot)
        await press_primary(pilot)  # snapshot, download, inspect, check new

        def state() -> str:
            return app.model.step_states.get(StepId.DOWNLOAD, "")

        await wait_until(pilot, lambda: state() != "" and state() != "pending", 300, "the download to start")
        start = time.perf_counter()
        while state() == "running" and not keys:
            await asyncio.sleep(0.01)
        while state() == "running":
            opened = not isinstance(app.screen, HelpDialog)
            t0 = time.perf_counter()
            # posted like a key from the terminal; Pilot.press would also wait for the app to be
            # idle, which it never is while progress events stream in
            app.simulate_key("f1" if opened else "escape")
            while isinstance(app.screen, HelpDialog) != opened:
                if time.perf_counter() - t0 > 5:
                    break
                await asyncio.sleep(0.002)
            if state() == "running":
                latencies.append(time.perf_counter() - t0)
            await asyncio.sleep(KEY_EVERY)
        seconds = time.perf_counter() - start
        if isinstance(app.screen, HelpDialog):
            await pilot.press("escape")
        if state() not in DONE:
            raise RuntimeError(f"the download step ended {state()!r} in the TUI")
        await idle(pilot, 300)
    return seconds, latencies


def run(quick: bool, runs: int, log: Callable[[str], None]) -> tuple[str, list[tuple[str, bool | None]]]:
    """Alternate headless and TUI runs of the same download."""
    size = 256 * MIB if quick else GIB
    base = Path("/dev/shm") if shutil.disk_usage("/dev/shm").free > 3 * size else Path(tempfile.gettempdir())
    headless: list[float] = []
    tui: list[float] = []
    tui_keys: list[float] = []
    keys: list[float] = []
    with tempfile.TemporaryDirectory(prefix="cfy-migrate-bench-tui-", dir=base) as tmp:
        root = Path(tmp)
        sim_args = [
            "--profile",
            "6.4.2",
            "--tenants",
            "2",
            "--deployments",
            "6",
            "--installed",
            "4",
            "--time-scale",
            "0.01",
            "--snapshot-size",
            str(size),
        ]
        with contextlib.ExitStack() as stack:
            old = stack.enter_context(
                simulator_process("127.0.0.41", data_dir=root / "sim-old", extra=sim_args)
            )
            new = stack.enter_context(
                simulator_process(
                    "127.0.0.42",
                    data_dir=root / "sim-new",
                    extra=["--profile", "7.0.4", "--clean", "--time-scale", "0.01"],
                )
            )
            modes = ["headless", "tui", "tui+keys"]
            for r in range(runs):
                for mode in modes[r % 3 :] + modes[: r % 3]:
                    state_dir = root / f"state-{mode}-{r}"
                    if mode == "headless":
                        headless.append(_headless(old, new, state_dir))
                    else:
                        seconds, lat = asyncio.run(_with_tui(old, new, state_dir, mode == "tui+keys"))
                        (tui_keys if mode == "tui+keys" else tui).append(seconds)
                        keys.extend(lat)
                    shutil.rmtree(state_dir, ignore_errors=True)
                    for snap in (root / "sim-old").rglob("*.zip"):
                        snap.unlink()  # keep only one archive of this size on the scratch fs
                log(
                    f"tui: run {r + 1}/{runs} headless {fmt(headless[-1])} s, tui {fmt(tui[-1])} s, "
                    f"tui+keys {fmt(tui_keys[-1])} s"
                )
    h = size / MIB / median(headless)
    t = size / MIB / median(tui)
    tk = size / MIB / median(tui_keys)
    keys.sort()
    p95 = keys[min(len(keys) - 1, int(len(keys) * 0.95))] if keys else float("nan")
    worst = max(keys, default=float("nan"))
    table = Table(
        [
            "Size",
            "headless MiB/s",
            "TUI MiB/s",
            "**TUI / headless**",
            "TUI + keys MiB/s",
            "**TUI + keys / headless**",
            "key presses",
            "key latency median ms",
            "p95 ms",
            "max ms",
        ]
    )
    table.add(
        size_label(size),
        fmt(h, 0),
        fmt(t, 0),
        fmt(t / h) + "x",
        fmt(tk, 0),
        fmt(tk / h) + "x",
        len(keys),
        fmt(median(keys) * 1000, 1),
        fmt(p95 * 1000, 1),
        fmt(worst * 1000, 1),
    )
    text = (
        f"The engine's DOWNLOAD step (progress events included), medians of {runs} runs each; the TUI "
        "runs are `MigrateApp` under Textual's headless driver (`run_test`, 120x40), driven like a user "
        "(Connect, Preflight, Snapshot). `TUI`: the wizard showing the download's progress; `TUI + "
        f"keys`: the same while F1 (help) and Escape are pressed in turn every {KEY_EVERY} s; the "
        "latency is from the key event to the help dialog being open (or closed again). The three "
        "modes alternate in a rotating order.\n\n" + table.markdown()
    )
    targets: list[tuple[str, bool | None]] = [
        (
            f"TUI download throughput >= 0.9x headless ({fmt(t / h)}x; {fmt(tk / h)}x with key presses)",
            t / h >= 0.9,
        ),
        (
            f"key press answered within 100 ms during the transfer (median {fmt(median(keys) * 1000, 0)} ms, "
            f"p95 {fmt(p95 * 1000, 0)} ms, max {fmt(worst * 1000, 0)} ms)",
            bool(keys) and p95 <= 0.1,
        ),
    ]
    return text, targets
