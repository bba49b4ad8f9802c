"""No sub-command: open the interactive wizard.

Flags prefill the Connect page (addresses, users, tenants, cfy profiles, state directory);
passwords are typed into the wizard (masked) or come from CFY_MIGRATE_OLD/NEW_PASSWORD — never
from the command line. Textual is imported inside run(), so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
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
    group.add_argument(
        "--config",
        metavar="FILE",
        dest="tui_config",
        help="TOML configuration file, as for `run` (prefills the forms; its options apply)",
    )
    group.add_argument(
        "--insecure",
        action="store_true",
        dest="tui_insecure",
        help="do not verify TLS certificates (NOT recommended; warned on every run)",
    )


def launch_options(args: argparse.Namespace) -> object:
    """LaunchOptions from the flags and the environment (passwords from CFY_MIGRATE_*_PASSWORD)."""
    from wizard.migration.settings import layered_settings
    from wizard.tui.options import LaunchOptions, ManagerForm

    env = dict(os.environ)
    config_text = getattr(args, "tui_config", None) or env.get("CFY_MIGRATE_CONFIG")
    config_file = Path(config_text).expanduser() if config_text else None
    # the same layering as `run` (file < environment); the flags below win
    settings = layered_settings(None, env, config_file)
    forms = {}
    for label in ("old", "new"):

        def given(key: str, default: str = "", label: str = label) -> str:
            flag = getattr(args, f"tui_{label}_{key}" if key != "url" else f"tui_{label}", None)
            return str(flag or settings.get(f"{label}.{key}") or default)

        forms[label] = ManagerForm(
            url=given("url"),
            user=given("user", "admin"),
            password=env.get(f"CFY_MIGRATE_{label.upper()}_PASSWORD", ""),
            tenant=given("tenant", "default_tenant"),
            ca_cert=given("ca_cert"),
            insecure=bool(
                getattr(args, "tui_insecure", False)
                or settings.get(f"{label}.insecure")
                or settings.get("insecure")
            ),
            profile=given("profile"),
        )
    state_dir = getattr(args, "tui_state_dir", None) or settings.get("state_dir")
    return LaunchOptions(
        old=forms["old"],
        new=forms["new"],
        state_dir=Path(str(state_dir)).expanduser() if state_dir else None,
        environ=env,
        config_file=config_file,
    )


def run(args: argparse.Namespace) -> int:
    """Open the wizard; the exit code is the migration's (0 ok, 3 agents failed, 130 quit mid-step)."""
    from wizard.tui.app import MigrateApp
    from wizard.tui.options import LaunchOptions

    options = launch_options(args)
    assert isinstance(options, LaunchOptions)
    app = MigrateApp(options)
    result = int(app.run() or 0)
    print_farewell(app, result)
    return result


def print_farewell(app: object, code: int) -> None:
    """What the terminal keeps once the wizard's screen is gone (any exit code): where the report
    and the log are, and how to go on."""
    from wizard.tui.app import MigrateApp

    if not isinstance(app, MigrateApp):
        return
    migration_id = app.session.migration_id
    directory = app.session.state_dir() / "migrations" / migration_id if migration_id else None
    if directory is None or not directory.is_dir():
        return
    lines = [f"cfy-migrate: migration {migration_id} (exit {code})"]
    for name in ("report.md", "report.json", "migrate.log"):
        if (directory / name).is_file():
            lines.append(f"  {name:<12} {directory / name}")
    finished = app.model.finished is not None and app.model.finished.exit_code == 0
    if not finished:
        lines.append(
            f"  to go on:    cfy-migrate --state-dir {app.session.state_dir()}   (it offers to resume)"
        )
    print("\n".join(lines), file=sys.stderr)
