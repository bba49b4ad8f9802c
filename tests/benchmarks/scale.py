"""Benchmarks 3 and 4: the engine against managers with thousands of deployments.

3. Inventory: `Migration.preflight()` and the installed-deployment detection
   (`wizard.migration.inventory.split_installed`) against a 6.4.2 manager with 10,000
   deployments in 50 tenants (installation_status) and a 5.2.7 manager with 2,000 deployments
   and 20,000 node instances (installed computed from node instances), each also at a fifth of
   that size: the requests must grow with pages (1,000 items each), not with deployments.
4. install_new_agents (`Migration.run_step(INSTALL_AGENTS)`) for 1,000 installed deployments at
   concurrency 20: requests per polling cycle, and wall time against the ideal
   (sum of the executions' own durations / concurrency).

The simulators run in their own processes (`python -m wizard simulate`), so their CPU and GIL
are not the engine's; their request counters are read from /_sim/state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.migration.config import AgentOptions, ManagerConfig, MigrationConfig, Timing
from wizard.migration.decider import HeadlessDecider
from wizard.migration.inventory import split_installed
from wizard.migration.runner import Migration
from wizard.migration.stages import agents as agents_step
from wizard.migration.steps import StepId

from .common import PASSWORD, SimProcess, Table, fmt, median, simulator_process

PAGE = 1000


def _state(sim: SimProcess) -> dict[str, Any]:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{sim.url}/_sim/state", timeout=30) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def _requests(sim: SimProcess) -> int:
    return int(_state(sim)["requests"]["total"])


def _http_reset(sim: SimProcess) -> None:
    import urllib.request

    req = urllib.request.Request(f"{sim.url}/_sim/requests/reset", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def _config(old: SimProcess, new: SimProcess, state_dir: Path, **kw: Any) -> MigrationConfig:
    def mc(label: str, sim: SimProcess) -> ManagerConfig:
        return ManagerConfig(label, Endpoint.parse(sim.url), Credentials("admin", PASSWORD))

    return MigrationConfig(old=mc("old", old), new=mc("new", new), state_dir=state_dir, fresh=True, **kw)


@contextlib.contextmanager
def _sim(host: str, **config: Any) -> Iterator[SimProcess]:
    """A simulator in its own process (so its CPU and GIL are not the engine's)."""
    config.setdefault("time_scale", 0.01)
    with simulator_process(host, config=config, timeout=600) as sim:
        yield sim


def run_inventory(
    quick: bool, runs: int, log: Callable[[str], None]
) -> tuple[str, list[tuple[str, bool | None]]]:
    """Requests and seconds of preflight and installed detection at two sizes per profile."""
    cases = [
        # (profile, tenants, deployments, extra node instances per deployment)
        ("6.4.2", 50, 2000, 1),
        ("6.4.2", 50, 10000, 1),
        ("5.2.7", 20, 400, 9),
        ("5.2.7", 20, 2000, 9),
    ]
    if quick:
        cases = [("6.4.2", 50, 1000, 1), ("6.4.2", 50, 3000, 1), ("5.2.7", 20, 200, 9), ("5.2.7", 20, 600, 9)]
    table = Table(
        [
            "Profile",
            "Tenants",
            "Deployments",
            "Node instances",
            "Pages of 1,000",
            "Installed found",
            "Detection requests",
            "Detection s",
            "Preflight requests",
            "Preflight s",
        ]
    )
    measured: dict[tuple[str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="cfy-migrate-bench-") as tmp:
        for profile, tenants, deployments, extra in cases:
            t0 = time.monotonic()
            with contextlib.ExitStack() as stack:
                old = stack.enter_context(
                    _sim(
                        "127.0.0.31",
                        profile=profile,
                        tenants=tenants,
                        deployments=deployments,
                        installed=deployments * 9 // 10,
                        extra_nodes=extra,
                    )
                )
                new = stack.enter_context(_sim("127.0.0.32", profile="7.0.4", clean=True))
                instances = deployments * (1 + extra)
                log(f"inventory: {profile} {deployments} deployments seeded in {time.monotonic() - t0:.1f} s")
                found = 0
                det_req: list[float] = []
                det_s: list[float] = []
                pre_req: list[float] = []
                pre_s: list[float] = []
                for _ in range(runs):
                    client = ManagerClient(Endpoint.parse(old.url), Credentials("admin", PASSWORD))
                    _http_reset(old)
                    start = time.perf_counter()
                    split = split_installed(client)
                    det_s.append(time.perf_counter() - start)
                    det_req.append(_requests(old))
                    client.close()
                    found = len(split.installed)
                    mig = Migration(
                        _config(old, new, Path(tmp) / "state"),
                        on_event=lambda _e: None,
                        decider=HeadlessDecider(False, False, prompt_passwords=False),
                    )
                    _http_reset(old)
                    start = time.perf_counter()
                    mig.preflight()
                    pre_s.append(time.perf_counter() - start)
                    pre_req.append(_requests(old))
                    mig.close()
                pages = math.ceil(deployments / PAGE) + (math.ceil(instances / PAGE) if profile < "6" else 0)
                # the preflight's agents census also lists every node instance and agent (issue 16)
                agents = int(_state(old)["counts"]["agents"])
                pre_pages = (
                    math.ceil(deployments / PAGE) + math.ceil(instances / PAGE) + math.ceil(agents / PAGE)
                )
                row = {
                    "det_req": median(det_req),
                    "det_s": median(det_s),
                    "pre_req": median(pre_req),
                    "pre_s": median(pre_s),
                    "pages": pages,
                    "pre_pages": pre_pages,
                }
                measured[(profile, deployments)] = row
                table.add(
                    profile,
                    tenants,
                    f"{deployments:,}",
                    f"{instances:,}",
                    pages,
                    f"{found:,}",
                    fmt(row["det_req"], 0),
                    fmt(row["det_s"]),
                    fmt(row["pre_req"], 0),
                    fmt(row["pre_s"]),
                )
    targets: list[tuple[str, bool | None]] = []
    text = f"Requests counted by the old manager's simulator; medians of {runs} runs.\n\n" + table.markdown()
    for profile in ("6.4.2", "5.2.7"):
        rows = [(d, r) for (p, d), r in sorted(measured.items()) if p == profile]
        if len(rows) != 2:
            continue
        (d1, r1), (d2, r2) = rows
        for key, pages_key, label in (
            ("det_req", "pages", "installed detection"),
            ("pre_req", "pre_pages", "preflight (with the agents census)"),
        ):
            extra_req = r2[key] - r1[key]
            extra_pages = r2[pages_key] - r1[pages_key]
            ok = extra_req <= 3 * max(1.0, extra_pages) + 5
            targets.append(
                (
                    f"{profile} {label}: {d2 - d1:,} more deployments cost {fmt(extra_req, 0)} more requests "
                    f"({fmt(extra_pages, 0)} more pages); grows with pages",
                    ok,
                )
            )
    return text, targets


def _parse(ts: str) -> float:
    return dt.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()


def run_agents(
    quick: bool, runs: int, log: Callable[[str], None]
) -> tuple[str, list[tuple[str, bool | None]]]:
    """install_new_agents for 1,000 installed deployments at concurrency 20."""
    deployments = 200 if quick else 1000
    concurrency = 20
    time_scale = 0.5  # one simulated install_new_agents takes about 0.85 s
    poll = 0.1
    runs = min(runs, 5)
    table = Table(
        [
            "Deployments",
            "Concurrency",
            "Wall s",
            "Ideal s",
            "**Wall / ideal**",
            "Polling cycles",
            "Requests / cycle (avg)",
            "Listing requests / cycle",
            "Total requests",
        ]
    )
    walls: list[float] = []
    ratios: list[float] = []
    per_cycle: list[float] = []
    list_per_cycle: list[float] = []
    totals: list[float] = []
    cycles_l: list[float] = []
    ideals: list[float] = []
    details: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cfy-migrate-bench-") as tmp:
        for r in range(runs):
            with contextlib.ExitStack() as stack:
                old = stack.enter_context(_sim("127.0.0.33", profile="6.4.2", clean=True))
                new = stack.enter_context(
                    _sim(
                        "127.0.0.34",
                        profile="7.0.4",
                        tenants=10,
                        deployments=deployments,
                        installed=deployments,
                        time_scale=time_scale,
                    )
                )
                cfg = _config(
                    old,
                    new,
                    Path(tmp) / f"state-{r}",
                    agents=AgentOptions(concurrency=concurrency),
                    # unpaced: this row measures the engine against an unlimited manager (the paced run
                    # through nginx's limit is the agents-limited group)
                    timing=Timing(poll_interval=poll, pace=0),
                )
                mig = Migration(
                    cfg,
                    on_event=lambda _e: None,
                    decider=HeadlessDecider(False, False, prompt_passwords=False),
                )
                _http_reset(new)
                polls = [0]
                original = agents_step._poll

                def counting_poll(
                    ctx: Any, deps: Any, _orig: Any = original, polls: list[int] = polls
                ) -> None:
                    polls[0] += 1
                    _orig(ctx, deps)

                # count polling cycles, nothing else changes
                setattr(agents_step, "_poll", counting_poll)  # noqa: B010
                try:
                    start = time.perf_counter()
                    outcome = mig.run_step(StepId.INSTALL_AGENTS)
                    wall = time.perf_counter() - start
                finally:
                    setattr(agents_step, "_poll", original)  # noqa: B010
                by_route = dict(_state(new)["requests"]["by_route"])
                mig.close()
                if "succeeded" not in outcome.detail:
                    raise RuntimeError(f"install_agents: {outcome.outcome} {outcome.detail}")
                details.append(outcome.detail)
                client = ManagerClient(Endpoint.parse(new.url), Credentials("admin", PASSWORD))
                exes = [e for e in client.executions(all_tenants=True, workflow_id="install_new_agents")]
                client.close()
                durations = [
                    _parse(e.ended_at) - _parse(e.created_at) for e in exes if e.created_at and e.ended_at
                ]
                ideal = sum(durations) / concurrency
                list_route = [k for k in by_route if k.startswith("GET /executions")]
                listing = sum(by_route[k] for k in list_route)
                starts = sum(v for k, v in by_route.items() if k.startswith("POST /executions"))
                total = sum(by_route.values())
                cycles = polls[0]
                walls.append(wall)
                ideals.append(ideal)
                ratios.append(wall / ideal if ideal else float("nan"))
                totals.append(total)
                cycles_l.append(cycles)
                # a cycle = one listing (pages) + the starts it makes room for
                list_per_cycle.append(listing / max(1, cycles))
                per_cycle.append((total - starts) / max(1, cycles))
                log(
                    f"agents: run {r + 1}/{runs} wall {wall:.1f} s ideal {ideal:.1f} s, {total} requests, "
                    f"{cycles} cycles"
                )
    table.add(
        f"{deployments:,}",
        concurrency,
        fmt(median(walls), 1),
        fmt(median(ideals), 1),
        fmt(median(ratios)) + "x",
        fmt(median(cycles_l), 0),
        fmt(median(per_cycle), 2),
        fmt(median(list_per_cycle), 2),
        fmt(median(totals), 0),
    )
    pages = math.ceil(deployments / PAGE)
    text = (
        f"Simulated executions of about 0.85 s each (time_scale {time_scale}), "
        f"engine poll interval {poll} s; "
        f"medians of {runs} runs. Requests / cycle excludes the POSTs that start executions (one per "
        "deployment in total). Some seeded deployments are refused install_new_agents by the "
        "simulator (no execution is created for them); the ideal counts the executions that ran. "
        f"Outcome: {details[-1] if details else '-'}."
        "\n\n" + table.markdown()
    )
    targets: list[tuple[str, bool | None]] = [
        (
            f"agents: requests per polling cycle bounded by pages ({fmt(max(list_per_cycle), 1)} listing "
            f"requests per cycle for {pages} page(s) of executions)",
            max(list_per_cycle) <= pages + 1,
        ),
        (f"agents: total time within 1.2x of ideal ({fmt(median(ratios))}x)", median(ratios) <= 1.2),
    ]
    return text, targets
