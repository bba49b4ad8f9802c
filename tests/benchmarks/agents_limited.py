"""Benchmark 7: install_new_agents for 1,000 deployments through nginx's rate limit (issue 16).

The new manager's simulator runs with `rate_limit=True` (nginx's `limit_req` 10 r/s, burst 30,
delay 20 per client address; a rejected request gets nginx's 503 HTML), the engine with its
default Timing (pace 9 r/s, burst 20; poll interval 1 s) and `--agent-concurrency 20`.

Measured: the 503s the simulator answered (its `/_sim/state` counts them as the route
"503 (rate limit)"), the step's outcome, its wall time against the two lower bounds -- the
requests it needed at 10 r/s (after the burst of 30) and the ideal of the executions' own
durations at concurrency 20 -- the requests per polling cycle, and the install_new_agents
executions in flight over time, sampled from `/_sim/state` every 0.5 s (that route is not rate
limited and not counted).
"""

from __future__ import annotations

import contextlib
import math
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.migration.config import AgentOptions, Timing
from wizard.migration.decider import HeadlessDecider
from wizard.migration.runner import Migration
from wizard.migration.stages import agents as agents_step
from wizard.migration.steps import StepId

from .common import PASSWORD, Table, fmt, median
from .scale import PAGE, _config, _http_reset, _parse, _sim, _state

RATE = 10.0
BURST = 30
RUNNING = ("pending", "queued", "started")
REJECTED = "503 (rate limit)"


def _sample_in_flight(sim: Any, stop: threading.Event, out: list[tuple[float, int]]) -> None:
    t0 = time.monotonic()
    while not stop.is_set():
        with contextlib.suppress(Exception):
            state = _state(sim)
            n = sum(
                1
                for e in state["executions"]
                if e["workflow_id"] == "install_new_agents" and e["status"] in RUNNING
            )
            out.append((time.monotonic() - t0, n))
        stop.wait(0.5)


def _measure(
    deployments: int,
    concurrency: int,
    time_scale: float,
    runs: int,
    timing: Timing,
    log: Callable[[str], None],
) -> tuple[list[dict[str, float]], list[str]]:
    rows: list[dict[str, float]] = []
    details: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cfy-migrate-bench-") as tmp:
        for r in range(runs):
            with contextlib.ExitStack() as stack:
                old = stack.enter_context(_sim("127.0.0.35", profile="6.4.2", clean=True))
                new = stack.enter_context(
                    _sim(
                        "127.0.0.36",
                        profile="7.0.4",
                        tenants=10,
                        deployments=deployments,
                        installed=deployments,
                        time_scale=time_scale,
                        rate_limit=True,
                    )
                )
                cfg = _config(
                    old,
                    new,
                    Path(tmp) / f"state-{r}",
                    agents=AgentOptions(concurrency=concurrency),
                    timing=timing,
                )
                mig = Migration(
                    cfg,
                    on_event=lambda _e: None,
                    decider=HeadlessDecider(False, False, prompt_passwords=False),
                )
                time.sleep(3.5)  # let the limiter's bucket drain after the seeding probes
                _http_reset(new)
                polls = [0]
                original = agents_step._poll

                def counting_poll(
                    ctx: Any, deps: Any, _orig: Any = original, polls: list[int] = polls
                ) -> None:
                    polls[0] += 1
                    _orig(ctx, deps)

                samples: list[tuple[float, int]] = []
                stop = threading.Event()
                sampler = threading.Thread(target=_sample_in_flight, args=(new, stop, samples), daemon=True)
                setattr(agents_step, "_poll", counting_poll)  # noqa: B010
                try:
                    sampler.start()
                    start = time.perf_counter()
                    outcome = mig.run_step(StepId.INSTALL_AGENTS)
                    wall = time.perf_counter() - start
                finally:
                    setattr(agents_step, "_poll", original)  # noqa: B010
                    stop.set()
                    sampler.join(5)
                by_route = dict(_state(new)["requests"]["by_route"])
                mig.close()
                details.append(f"{outcome.outcome}: {outcome.detail}")
                client = ManagerClient(Endpoint.parse(new.url), Credentials("admin", PASSWORD), pace=None)
                exes = list(client.executions(all_tenants=True, workflow_id="install_new_agents"))
                client.close()
                durations = [
                    _parse(e.ended_at) - _parse(e.created_at) for e in exes if e.created_at and e.ended_at
                ]
                rejected = by_route.pop(REJECTED, 0)
                accepted = sum(by_route.values())
                starts = sum(v for k, v in by_route.items() if k.startswith("POST /executions"))
                listing = sum(v for k, v in by_route.items() if k.startswith("GET /executions"))
                cycles = max(1, polls[0])
                counts = [n for _, n in samples]
                nonzero = [i for i, n in enumerate(counts) if n > 0]
                steady = counts[nonzero[0] : nonzero[-1] + 1] if nonzero else []
                limit_bound = max(0.0, accepted - BURST) / RATE
                exec_bound = sum(durations) / concurrency
                bound = max(limit_bound, exec_bound)
                rows.append(
                    {
                        "wall": wall,
                        "accepted": accepted,
                        "rejected": rejected,
                        "starts": starts,
                        "executions": len(exes),
                        "limit_bound": limit_bound,
                        "exec_bound": exec_bound,
                        "ratio": wall / bound if bound else float("nan"),
                        "cycles": cycles,
                        "per_cycle": (accepted - starts) / cycles,
                        "list_per_cycle": listing / cycles,
                        "inflight_max": max(counts) if counts else float("nan"),
                        "inflight_median": median(steady),
                        "rate": accepted / wall,
                    }
                )
                log(
                    f"agents-limited (time_scale {time_scale}): run {r + 1}/{runs} wall {wall:.1f} s, "
                    f"{accepted} requests "
                    f"({rejected} answered 503), limit bound {limit_bound:.1f} s, executions bound "
                    f"{exec_bound:.1f} s, in flight max {rows[-1]['inflight_max']} median "
                    f"{rows[-1]['inflight_median']}; {outcome.detail}"
                )

    return rows, details


def run(quick: bool, runs: int, log: Callable[[str], None]) -> tuple[str, list[tuple[str, bool | None]]]:
    """install_new_agents for 1,000 (quick: 200) installed deployments at concurrency 20, limited:
    once with short executions (the limit binds) and once with long ones (the concurrency binds)."""
    deployments = 200 if quick else 1000
    concurrency = 20
    runs = min(runs, 3)
    timing = Timing()  # the engine's defaults: pace 9 r/s, poll interval 1 s
    # time_scale 0.5: an install_new_agents takes about 0.85 s, so at most ~9 r/s x 0.85 s = 8 can be
    # in flight (Little's law) and the limit binds; 2.0: about 3.4 s, 20 in flight need only
    # 20 / 3.4 = 6 starts/s and the concurrency binds
    cases = [(0.5, "short (~0.85 s)"), (2.0, "long (~3.4 s)")]
    table = Table(
        [
            "Executions",
            "Deployments",
            "Concurrency",
            "Wall s",
            "Requests (accepted)",
            "503s answered",
            "Limit bound s ((requests - 30) / 10 r/s)",
            "Executions bound s (durations / 20)",
            "Binding bound",
            "**Wall / bound**",
            "Requests/s",
            "Polling cycles",
            "Requests / cycle (excl. starts)",
            "Listings / cycle",
            "In flight max",
            "In flight median",
            "Outcome",
        ]
    )
    targets: list[tuple[str, bool | None]] = []
    pages = math.ceil(deployments / PAGE)
    for time_scale, label in cases:
        rows, details = _measure(deployments, concurrency, time_scale, runs, timing, log)

        def m(key: str, rows: list[dict[str, float]] = rows) -> float:
            return median([row[key] for row in rows])

        which = "rate limit" if m("limit_bound") >= m("exec_bound") else "executions / concurrency"
        worst_503 = max(row["rejected"] for row in rows)
        table.add(
            label,
            f"{deployments:,}",
            concurrency,
            fmt(m("wall"), 1),
            fmt(m("accepted"), 0),
            fmt(worst_503, 0),
            fmt(m("limit_bound"), 1),
            fmt(m("exec_bound"), 1),
            which,
            fmt(m("ratio")) + "x",
            fmt(m("rate"), 2),
            fmt(m("cycles"), 0),
            fmt(m("per_cycle"), 2),
            fmt(m("list_per_cycle"), 2),
            fmt(max(row["inflight_max"] for row in rows), 0),
            fmt(m("inflight_median"), 0),
            details[-1] if details else "-",
        )
        name = f"agents limited, {label} executions"
        targets += [
            (f"{name}: 0 answers 503 from the limiter ({fmt(worst_503, 0)})", worst_503 == 0),
            (f"{name}: wall within 1.2x of the bound ({fmt(m('ratio'))}x, {which})", m("ratio") <= 1.2),
            (
                f"{name}: listings per polling cycle bounded by pages ({fmt(m('list_per_cycle'), 2)} "
                f"for {pages} page(s))",
                m("list_per_cycle") <= pages + 1,
            ),
        ]
        if which != "rate limit":
            targets.append(
                (
                    f"{name}: executions in flight = concurrency (median {fmt(m('inflight_median'), 0)}, "
                    f"max {fmt(max(row['inflight_max'] for row in rows), 0)} of {concurrency})",
                    m("inflight_median") >= concurrency,
                )
            )
    text = (
        f"New manager's simulator with `rate_limit=True` ({RATE:g} r/s, burst {BURST}, delay 20 per "
        f"client address); engine at its defaults (pace {timing.pace:g} r/s, poll interval "
        f"{timing.poll_interval:g} s), concurrency {concurrency}; medians of {min(runs, 3)} run(s) per row. "
        "Short executions: at most pace x duration (about 8) can be in flight, so the limit binds; long "
        "ones: 20 in flight need 6 starts/s, so the concurrency binds and in-flight = 20 is the target. "
        "In flight: install_new_agents executions pending/queued/started in `/_sim/state`, sampled every "
        "0.5 s; the median is over the samples from the first to the last with one in flight (an "
        "execution that ended but is not yet seen by the engine's next poll is not counted).\n\n"
        + table.markdown()
    )
    return text, targets
