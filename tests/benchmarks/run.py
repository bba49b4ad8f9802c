"""Run the cfy-migrate benchmarks and print one Markdown report.

    /work/venv/bin/python -m tests.benchmarks            # everything, 5 runs per cell
    python -m tests.benchmarks --quick                    # 256 MiB only, the smaller scale rows
    python -m tests.benchmarks --only transfers --runs 7  # one group

Run it from the repository root with the project's virtualenv (the project installed, curl on
PATH). The official `cfy` CLI is installed by this script into its own virtual environment under
~/.cache/cfy-migrate-bench/cfy-venv (pip install cloudify==7.0.5) on first use. Every server is
a simulator on 127.0.0.0/8; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .common import (
    CACHE,
    GIB,
    MIB,
    free_bytes,
    machine,
    machine_markdown,
    mem_available,
    official_cli,
    official_cli_version,
    size_label,
    verdict,
)

GROUPS = ("transfers", "tls", "startup", "inventory", "agents", "agents-limited", "tui")


def log(text: str) -> None:
    """Progress on stderr (the report goes to stdout)."""
    print(text, file=sys.stderr, flush=True)


def pick_scratch(sizes: list[int], requested: Path | None) -> tuple[Path, list[int], list[str]]:
    """Where transfer files go, and the sizes that fit.

    A transfer keeps at most two archives of one size at a time (the simulator's and the one being
    written). RAM-backed /dev/shm is preferred so that the disk's write speed is not what is
    measured; it is used only when both its free space and the machine's available memory leave
    room; otherwise the cache dir on disk. Sizes that fit nowhere are dropped, with a note."""
    notes: list[str] = []
    biggest = max(sizes)
    candidates: list[Path] = []
    if requested is not None:
        candidates.append(requested)
    else:
        shm = Path("/dev/shm")
        if shm.is_dir() and free_bytes(shm) > 2 * biggest + GIB and mem_available() > 2 * biggest + 6 * GIB:
            candidates.append(shm / "cfy-migrate-bench")
        candidates.append(CACHE / "scratch")
    for base in candidates:
        base.mkdir(parents=True, exist_ok=True)
        room = free_bytes(base) - 2 * GIB
        fitting = [s for s in sizes if 2 * s <= room]
        if fitting:
            dropped = [s for s in sizes if s not in fitting]
            if dropped:
                notes.append(
                    f"Not enough free space in {base} for {', '.join(size_label(s) for s in dropped)} "
                    f"({room / GIB:.1f} GiB usable): those sizes were skipped."
                )
            if base != candidates[0]:
                notes.append(f"{candidates[0]} had too little room; scratch files went to {base} (disk).")
            return base, fitting, notes
    raise SystemExit("no scratch space for even the smallest archive")


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the chosen groups, print the report."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes and scale (a smoke run, minutes instead of the full run)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per cell (medians; at least 5 for RESULTS)")
    parser.add_argument("--only", action="append", choices=GROUPS, help="run only this group (repeatable)")
    parser.add_argument(
        "--sizes", help="comma-separated archive sizes in MiB (default 256,1024,4096; tls 256,1024)"
    )
    parser.add_argument(
        "--scratch", type=Path, help="directory for transfer files (default /dev/shm or cache)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=CACHE / "last-run.md",
        help="also write the report here (default ~/.cache/cfy-migrate-bench/last-run.md)",
    )
    args = parser.parse_args(argv)
    groups = args.only or list(GROUPS)
    if not shutil.which("curl"):
        raise SystemExit("curl is needed on PATH (the ceiling of the transfer benchmarks)")
    started = time.monotonic()
    info = machine()
    cfy = official_cli(log) if {"transfers", "tls", "startup"} & set(groups) else None
    sections: list[str] = []
    targets: list[tuple[str, bool | None]] = []

    def section(title: str, body: Callable[[], tuple[str, list[tuple[str, bool | None]]]]) -> None:
        log(f"== {title}")
        t0 = time.monotonic()
        try:
            text, met = body()
        except Exception as exc:  # a group that cannot run is reported, the rest still run
            text, met = f"Not measured: {type(exc).__name__}: {exc}\n", [(f"{title}", None)]
        sections.append(f"### {title}\n\n{text}\n_({time.monotonic() - t0:.0f} s)_\n")
        targets.extend(met)

    if "transfers" in groups:
        from . import transfers

        if args.sizes:
            sizes = [int(s) * MIB for s in args.sizes.split(",")]
        else:
            sizes = [256 * MIB] if args.quick else [256 * MIB, GIB, 4 * GIB]
        scratch, sizes, notes = pick_scratch(sizes, args.scratch)

        def do_transfers() -> tuple[str, list[tuple[str, bool | None]]]:
            res = transfers.run(sizes, args.runs, scratch, cfy, log)
            res.notes.extend(notes)
            return transfers.report(res, args.runs)

        section("1. Snapshot transfers: cfy-migrate vs curl vs official CLI", do_transfers)
    if "tls" in groups:
        from . import tls

        if args.sizes:
            tls_sizes = [int(s) * MIB for s in args.sizes.split(",")]
        else:
            tls_sizes = [256 * MIB] if args.quick else [256 * MIB, GIB]
        tls_scratch, tls_sizes, tls_notes = pick_scratch(tls_sizes, args.scratch)

        def do_tls() -> tuple[str, list[tuple[str, bool | None]]]:
            res = tls.run(tls_sizes, args.runs, tls_scratch, cfy, log)
            res.notes.extend(tls_notes)
            return tls.report(res, args.runs)

        section("6. Snapshot transfers over TLS through nginx", do_tls)
    if "startup" in groups:
        from . import startup

        section("5. Start-up", lambda: startup.run(args.runs, cfy, log))
    if "inventory" in groups:
        from . import scale

        section("3. Inventory at scale", lambda: scale.run_inventory(args.quick, args.runs, log))
    if "agents" in groups:
        from . import scale

        section("4. install_new_agents at scale", lambda: scale.run_agents(args.quick, args.runs, log))
    if "agents-limited" in groups:
        from . import agents_limited

        section(
            "7. install_new_agents through nginx's rate limit",
            lambda: agents_limited.run(args.quick, args.runs, log),
        )
    if "tui" in groups:
        from . import tui

        section("2. Download with the TUI running", lambda: tui.run(args.quick, args.runs, log))

    lines = [
        "## cfy-migrate benchmarks\n",
        machine_markdown(info, official_cli_version(cfy)),
        f"- Command: `python -m tests.benchmarks{' --quick' if args.quick else ''}"
        f"{''.join(' --only ' + g for g in args.only or [])}` ({args.runs} runs per cell); "
        f"took {(time.monotonic() - started) / 60:.1f} min\n",
        "\n### Targets\n",
        "\n".join(f"- {verdict(ok)}: {name}" for name, ok in targets) + "\n",
        "",
        *sections,
    ]
    report = "\n".join(lines)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    log(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
