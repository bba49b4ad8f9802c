"""Sub-command `demo`: the wizard against two simulated managers on loopback.

The old manager (Cloudify 6.4.2 with a realistic inventory) listens on 127.0.0.11 and the new
one (7.0.4, clean) on 127.0.0.12, each on a free port. The Connect page is prefilled —
passwords included, for the demo only, and masked like always. The state goes to a new directory
under the user's cache (kept: the report and log paths printed on exit stay valid) unless
--state-dir. Both simulators stop when the wizard exits.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

OLD_HOST = "127.0.0.11"
NEW_HOST = "127.0.0.12"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register this sub-command's options."""
    parser.add_argument("--state-dir", metavar="DIR", help="keep the demo's journal and reports here")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=0.5,
        metavar="X",
        help="simulated durations x this factor (default 0.5: about a minute in all)",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the simulated inventory")
    parser.add_argument("--tenants", type=int, default=3, help="tenants on the old manager")
    parser.add_argument("--deployments", type=int, default=12, help="deployments on the old manager")
    parser.add_argument("--installed", type=int, default=9, help="installed deployments among them")


def _demo_state_dir() -> Path:
    """A fresh directory per demo under the user's cache (e.g. ~/.cache/cfy-migrate/demo-…)."""
    from platformdirs import user_cache_dir

    root = Path(user_cache_dir("cfy-migrate"))
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Path(tempfile.mkdtemp(prefix="demo-", dir=root))


def run(args: argparse.Namespace) -> int:
    """Start both simulators, run the wizard, stop them; returns the wizard's exit code."""
    from wizard.commands.tui import run_wizard
    from wizard.simulator import SimulatorConfig, start_simulator
    from wizard.tui.options import LaunchOptions, ManagerForm

    scale = max(0.01, float(args.time_scale))
    try:
        old = start_simulator(
            SimulatorConfig(
                profile="6.4.2",
                seed=args.seed,
                tenants=args.tenants,
                deployments=args.deployments,
                installed=min(args.installed, args.deployments),
                clean=False,
                admin_password="old-admin-pw",
                host=OLD_HOST,
                port=0,
                time_scale=scale,
                restore_outage=2.0,
                hostname="old-manager",
            )
        )
    except (OSError, ValueError) as exc:
        print(
            f"cfy-migrate demo: cannot start the simulated old manager on {OLD_HOST}: {exc}", file=sys.stderr
        )
        return 1
    try:
        try:
            new = start_simulator(
                SimulatorConfig(
                    profile="7.0.4",
                    seed=args.seed + 1,
                    clean=True,
                    admin_password="new-admin-pw",
                    host=NEW_HOST,
                    port=0,
                    time_scale=scale,
                    restore_outage=2.0,
                    hostname="new-manager",
                )
            )
        except (OSError, ValueError) as exc:
            print(
                f"cfy-migrate demo: cannot start the simulated new manager on {NEW_HOST}: {exc}",
                file=sys.stderr,
            )
            return 1
        try:
            # kept after the demo ends: the report and the log it shows must still be there
            state_dir = Path(args.state_dir).expanduser() if args.state_dir else _demo_state_dir()
            options = LaunchOptions(
                old=ManagerForm(url=old.url, user="admin", password="old-admin-pw"),
                new=ManagerForm(url=new.url, user="admin", password="new-admin-pw"),
                state_dir=state_dir,
                poll_interval=0.2,
                demo=True,
            )
            return run_wizard(options)
        finally:
            new.stop()
    finally:
        old.stop()
