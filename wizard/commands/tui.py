"""No sub-command: open the interactive wizard.

The options are `run`'s where they make sense in a wizard: they prefill the Connect page
(addresses, users, tenants, cfy profiles, CA bundles, password files) and set what the wizard
has no field for (state directory, pace, waivers, the agents' and the restore's settings, a new
or a given migration). Passwords are typed into the wizard (masked), or come from
CFY_MIGRATE_OLD/NEW_PASSWORD or a password file — never from the command line. Textual is
imported inside run(), so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

EXAMPLE = {"old": "https://10.0.0.5", "new": "https://10.0.0.9"}

EPILOG = """\
examples:
  cfy-migrate                                   the wizard; type both managers in
  cfy-migrate --old https://10.0.0.5 --new https://10.0.0.9 --old-ca-cert old-ca.pem --new-ca-cert new-ca.pem
  cfy-migrate --old-profile old --new-profile new      from existing cfy CLI profiles
  cfy-migrate --config migrate.toml             the settings `run` reads
  cfy-migrate --mode backup --old https://10.0.0.5 --backup-dir /srv/backups --keep 7
  cfy-migrate --mode restore --archive cfy-backup-….zip --new https://10.0.0.5   (the old manager is lost)
  cfy-migrate demo                              the wizard against two simulated managers

Passwords are never taken from the command line: the wizard asks for them (not echoed), or they
come from CFY_MIGRATE_OLD_PASSWORD / CFY_MIGRATE_NEW_PASSWORD or --old/--new-password-file.
In the wizard: F1 help, Ctrl+N next, Alt+Left back, Ctrl+P commands, Ctrl+L the log, Ctrl+Q quit.
"""

#: the wizard's flags that are `run`'s settings: (flag, metavar or None for a switch, help, settings key)
SETTING_FLAGS: tuple[tuple[str, str | None, str, str], ...] = (
    (
        "--pace",
        "R",
        "requests per second to each manager at most (default 9, below nginx's 10; 0 = unpaced)",
        "timing.pace",
    ),
    ("--agent-concurrency", "N", "install_new_agents executions at once (default 10)", "agents.concurrency"),
    (
        "--agent-timeout",
        "SECONDS",
        "install_agent_timeout of each deployment (default 300)",
        "agents.timeout",
    ),
    ("--agent-tenants", "T1,T2", "only move the agents of these tenants", "agents.tenants"),
    (
        "--agent-manager-ip",
        "IP",
        "manager_ip for install_new_agents (the new manager's, as agents reach it)",
        "agents.manager_ip",
    ),
    (
        "--stop-old-agents",
        None,
        "stop old agents after the new ones start (disable auto-healing first!)",
        "agents.stop_old_agents",
    ),
    (
        "--maintenance-mode",
        None,
        "maintenance mode on the new manager around the restore",
        "restore.maintenance_mode",
    ),
    (
        "--restore-certificates",
        None,
        "restore the old certificates (only when the new manager has the same IP)",
        "restore.restore_certificates",
    ),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that prefill or set up the wizard (all optional)."""
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    group = parser.add_argument_group(
        "the wizard (no sub-command); the same options as `run` where they apply"
    )
    for label in ("old", "new"):
        which = "the manager you leave" if label == "old" else "the installed, empty manager you move to"
        group.add_argument(
            f"--{label}",
            metavar="URL",
            dest=f"tui_{label}",
            help=f"the {label} manager ({which}): https://host[:port] or host[:port], e.g. {EXAMPLE[label]}",
        )
        group.add_argument(
            f"--{label}-user",
            metavar="USER",
            dest=f"tui_{label}_user",
            help="admin user (default admin)"
            + ("; the bootstrap admin on the new manager" if label == "new" else ""),
        )
        group.add_argument(
            f"--{label}-tenant",
            metavar="TENANT",
            dest=f"tui_{label}_tenant",
            help="tenant (default default_tenant)",
        )
        group.add_argument(
            f"--{label}-profile",
            metavar="NAME",
            dest=f"tui_{label}_profile",
            help=f"the {label} manager from a cfy CLI profile (~/.cloudify/profiles/NAME)",
        )
        group.add_argument(
            f"--{label}-ca-cert",
            metavar="FILE",
            dest=f"tui_{label}_ca_cert",
            help="CA bundle to verify the manager's TLS certificate",
        )
        group.add_argument(
            f"--{label}-password-file",
            metavar="FILE",
            dest=f"tui_{label}_password_file",
            help=f"the password from this file (mode 0600); or set CFY_MIGRATE_{label.upper()}_PASSWORD",
        )
    group.add_argument(
        "--state-dir",
        metavar="DIR",
        dest="tui_state_dir",
        help="where journals, snapshots and reports go (default ~/.local/state/cfy-migrate)",
    )
    group.add_argument(
        "--config",
        metavar="FILE",
        dest="tui_config",
        help="TOML configuration file, as for `run` (fills the forms; its other settings apply)",
    )
    group.add_argument(
        "--insecure",
        action="store_true",
        default=None,
        dest="tui_insecure",
        help="do not verify TLS certificates (NOT recommended; warned on every run)",
    )
    group.add_argument(
        "--waive",
        metavar="ID[=REASON]",
        action="append",
        default=None,
        dest="tui_waive",
        help="waive a blocking check from the start (repeatable; recorded in the report)",
    )
    for flag, metavar, help_text, _key in SETTING_FLAGS:
        dest = "tui_" + flag.removeprefix("--").replace("-", "_")
        if metavar is None:
            group.add_argument(flag, action="store_true", default=None, dest=dest, help=help_text)
        else:
            group.add_argument(flag, metavar=metavar, dest=dest, help=help_text)
    group.add_argument(
        "--mode",
        choices=("migrate", "backup", "restore"),
        dest="tui_mode",
        help="the use of a snapshot to start in (default migrate; the Connect page can change it): "
        "back up the old manager only, or restore an archive when the old manager is lost",
    )
    group.add_argument(
        "--archive",
        metavar="FILE",
        dest="tui_archive",
        help="a snapshot .zip you already have (migrate: instead of a new snapshot; restore: the one "
        "to restore)",
    )
    group.add_argument(
        "--repair-community-archive",
        action="store_true",
        default=None,
        dest="tui_repair_community_archive",
        help="restore a repaired copy of a community manager's archive on 7.x (the original is kept)",
    )
    group.add_argument(
        "--backup-dir",
        metavar="DIR",
        dest="tui_backup_dir",
        help="where a backup goes (default <state dir>/backups)",
    )
    group.add_argument(
        "--keep",
        metavar="N",
        dest="tui_keep",
        help="a backup keeps this manager's newest N backups (default all)",
    )
    one_of = group.add_mutually_exclusive_group()
    one_of.add_argument(
        "--fresh", action="store_true", dest="tui_fresh", help="start a new migration (no offer to resume)"
    )
    one_of.add_argument("--migration-id", metavar="ID", dest="tui_migration_id", help="resume this migration")


def _settings(args: argparse.Namespace, env: dict[str, str], config_file: Path | None) -> dict[str, Any]:
    """The settings `run` would read (file < environment < these flags)."""
    from wizard.migration.settings import SETTINGS, layered_settings

    flags = argparse.Namespace()
    for _key, (_var, attr) in SETTINGS.items():
        setattr(flags, attr, getattr(args, f"tui_{attr}", None))
    return layered_settings(flags, env, config_file)


def launch_options(args: argparse.Namespace) -> object:
    """LaunchOptions from the flags, the config file and the environment (passwords from
    CFY_MIGRATE_*_PASSWORD or a password file). Raises ConfigError for a bad file or value."""
    from wizard.migration.config import Mode
    from wizard.migration.findings import Waiver
    from wizard.migration.passwords import PASSWORD_ENV, read_password_file
    from wizard.tui.options import LaunchOptions, ManagerForm, UseForm

    env = dict(os.environ)
    config_text = getattr(args, "tui_config", None) or env.get("CFY_MIGRATE_CONFIG")
    config_file = Path(config_text).expanduser() if config_text else None
    settings = _settings(args, env, config_file)
    forms = {}
    for label in ("old", "new"):
        password = env.get(PASSWORD_ENV[label], "")
        password_file = settings.get(f"{label}.password_file")
        if not password and password_file:
            password = read_password_file(Path(str(password_file)).expanduser(), label)
        forms[label] = ManagerForm(
            url=str(settings.get(f"{label}.url") or ""),
            user=str(settings.get(f"{label}.user") or "admin"),
            password=password,
            tenant=str(settings.get(f"{label}.tenant") or "default_tenant"),
            ca_cert=str(settings.get(f"{label}.ca_cert") or ""),
            insecure=bool(settings.get(f"{label}.insecure") or settings.get("insecure")),
            profile=str(settings.get(f"{label}.profile") or ""),
        )
    state_dir = settings.get("state_dir")
    pace = settings.get("timing.pace")
    keep = settings.get("backup.keep")
    use = UseForm(
        mode=Mode(getattr(args, "tui_mode", None) or Mode.MIGRATE),
        archive=str(settings.get("archive") or ""),
        repair_community_archive=bool(settings.get("repair_community_archive")),
        backup_dir=str(settings.get("backup.dir") or ""),
        keep=str(keep) if keep is not None else "",
    )
    return LaunchOptions(
        old=forms["old"],
        new=forms["new"],
        use=use,
        state_dir=Path(str(state_dir)).expanduser() if state_dir else None,
        environ=env,
        config_file=config_file,
        pace=float(pace) if pace is not None else None,
        settings={
            key: settings[key]
            for _flag, _m, _h, key in SETTING_FLAGS
            if key in settings and key != "timing.pace"
        },
        waivers=tuple(Waiver.parse(text) for text in settings.get("waive", [])),
        fresh=bool(getattr(args, "tui_fresh", False)),
        migration_id=getattr(args, "tui_migration_id", None),
    )


def run(args: argparse.Namespace) -> int:
    """Open the wizard; the exit code is the migration's (0 ok, 3 agents failed, 130 quit mid-step)."""
    from wizard.migration.errors import ConfigError
    from wizard.tui.options import LaunchOptions

    try:
        options = launch_options(args)
    except (ConfigError, ValueError) as exc:
        text = exc.full_text() if isinstance(exc, ConfigError) else str(exc)
        print(f"cfy-migrate: {text}", file=sys.stderr)
        return 1
    assert isinstance(options, LaunchOptions)
    return run_wizard(options)


def run_wizard(options: object) -> int:
    """Run the app, then say where its report and log are and how to go on (any exit code)."""
    from wizard.tui.app import MigrateApp
    from wizard.tui.options import LaunchOptions

    assert isinstance(options, LaunchOptions)
    app = MigrateApp(options)
    result = int(app.run() or 0)
    print_farewell(app, result)
    return result


def farewell_lines(app: object, code: int) -> list[str]:
    """What the terminal keeps once the wizard's screen is gone: the migration, the report and
    the log paths, and the command that goes on from there."""
    from wizard.tui.app import MigrateApp

    if not isinstance(app, MigrateApp):
        return []
    state_dir = app.session.state_dir()
    migration_id = app.session.migration_id
    directory = app.migration_dir()
    if migration_id is None or directory is None or not directory.is_dir():
        return [f"cfy-migrate: no step has run, nothing was written (exit {code}); {state_dir}"]
    lines = [f"cfy-migrate: migration {migration_id} (exit {code})"]
    for name in ("report.md", "report.json", "migrate.log"):
        if (directory / name).is_file():
            lines.append(f"  {name:<12} {directory / name}")
    finished = app.model.finished is not None and app.model.finished.exit_code == 0
    if app.options.demo:
        lines.append("  (the demo's simulated managers are gone: `cfy-migrate demo` starts a new one)")
    elif not finished:
        lines.append(f"  to go on:    cfy-migrate --state-dir {state_dir} --migration-id {migration_id}")
    return lines


def print_farewell(app: object, code: int) -> None:
    """Print farewell_lines to stderr."""
    lines = farewell_lines(app, code)
    if lines:
        print("\n".join(lines), file=sys.stderr)
