"""No sub-command: open the interactive wizard.

Flags prefill the Connect page (addresses, users, tenants, cfy profiles, state directory);
passwords are typed into the wizard (masked) or come from CFY_MIGRATE_OLD/NEW_PASSWORD — never
from the command line. Textual is imported inside run(), so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that prefill the wizard (all optional)."""
    group = parser.add_argument_group("wizard (no sub-command)")
    for label in ("old", "new"):
        group.add_argument(
            f"--{label}",
            metavar="URL",
            dest=f"tui_{label}",
            help=f"the {label} manager's address, e.g. https://10.0.0.5",
        )
        group.add_argument(f"--{label}-user", metavar="USER", dest=f"tui_{label}_user")
        group.add_argument(f"--{label}-tenant", metavar="TENANT", dest=f"tui_{label}_tenant")
        group.add_argument(
            f"--{label}-profile",
            metavar="NAME",
            dest=f"tui_{label}_profile",
            help=f"a cfy CLI profile for the {label} manager",
        )
        group.add_argument(f"--{label}-ca-cert", metavar="FILE", dest=f"tui_{label}_ca_cert")
    group.add_argument(
        "--state-dir",
        metavar="DIR",
        dest="tui_state_dir",
        help="where journals, snapshots and reports go (default: the user state dir)",
    )


def launch_options(args: argparse.Namespace) -> object:
    """LaunchOptions from the flags and the environment (passwords from CFY_MIGRATE_*_PASSWORD)."""
    from wizard.tui.options import LaunchOptions, ManagerForm

    env = dict(os.environ)
    forms = {}
    for label in ("old", "new"):
        forms[label] = ManagerForm(
            url=getattr(args, f"tui_{label}", None) or env.get(f"CFY_MIGRATE_{label.upper()}_URL", ""),
            user=getattr(args, f"tui_{label}_user", None)
            or env.get(f"CFY_MIGRATE_{label.upper()}_USER", "admin"),
            password=env.get(f"CFY_MIGRATE_{label.upper()}_PASSWORD", ""),
            tenant=getattr(args, f"tui_{label}_tenant", None) or "default_tenant",
            ca_cert=getattr(args, f"tui_{label}_ca_cert", None) or "",
            profile=getattr(args, f"tui_{label}_profile", None) or "",
        )
    state_dir = getattr(args, "tui_state_dir", None) or env.get("CFY_MIGRATE_STATE_DIR")
    return LaunchOptions(
        old=forms["old"],
        new=forms["new"],
        state_dir=Path(state_dir).expanduser() if state_dir else None,
        environ=env,
    )


def run(args: argparse.Namespace) -> int:
    """Open the wizard; the exit code is the migration's (0 ok, 3 agents failed, 130 quit mid-step)."""
    from wizard.tui.app import MigrateApp
    from wizard.tui.options import LaunchOptions

    options = launch_options(args)
    assert isinstance(options, LaunchOptions)
    result = MigrateApp(options).run()
    return int(result or 0)
