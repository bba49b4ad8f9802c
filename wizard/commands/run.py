"""Sub-command `run`: the whole migration, unattended. Restores only with --yes.

Exit 0 success, 1 error, 2 blocked by preflight (or upload and restore not confirmed), 3 done but
some deployments' agents failed, 130 interrupted (the journal stays consistent: run again to resume).
"""

from __future__ import annotations

import argparse
import sys

from wizard.migration.cli_args import add_archive_arguments, add_manager_arguments

#: what a run of each command is called in its messages
NOUN = {"run": "migration", "backup": "backup", "restore": "restore"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register this sub-command's options."""
    add_manager_arguments(parser)
    add_archive_arguments(parser)
    add_restore_arguments(parser)


def add_restore_arguments(parser: argparse.ArgumentParser) -> None:
    """What `run` and `restore` share: the confirmation, the restore and the agents' options."""
    parser.add_argument(
        "--yes",
        action="store_true",
        help="confirm the restore onto the new manager (it overwrites that manager)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the REST calls it would make; change nothing"
    )
    parser.add_argument(
        "--stop-old-agents",
        action="store_true",
        default=None,
        help="stop old agents after the new ones start (disable auto-healing first!)",
    )
    parser.add_argument(
        "--agent-concurrency", type=int, metavar="N", help="install_new_agents at once (default 10)"
    )
    parser.add_argument(
        "--agent-timeout", type=int, metavar="SECONDS", help="install_agent_timeout (default 300)"
    )
    parser.add_argument("--agent-tenants", metavar="T1,T2", help="only move agents of these tenants")
    parser.add_argument("--agent-manager-ip", metavar="IP", help="manager_ip for install_new_agents")
    parser.add_argument(
        "--agent-max-failure-rate",
        type=float,
        metavar="R",
        help="share of a wave of agents (the canaries first: one deployment per blueprint) that may "
        "fail before the step stops (default 0.5; 1 = never stop)",
    )
    parser.add_argument(
        "--maintenance-mode",
        action="store_true",
        default=None,
        help="activate maintenance mode on the new manager around the restore",
    )
    parser.add_argument(
        "--restore-certificates",
        action="store_true",
        default=None,
        help="restore the old certificates (only when the new manager has the same IP); the new "
        "manager reboots, cfy-migrate waits and then verifies it with the old manager's CA",
    )
    parser.add_argument(
        "--no-reboot",
        action="store_true",
        default=None,
        help="with --restore-certificates: do not reboot the new manager (its certificates change at "
        "its next reboot)",
    )
    parser.add_argument(
        "--freeze-old",
        action="store_true",
        default=None,
        help="put the old manager in maintenance mode right after the snapshot (users refused, agents "
        "unaffected) and take it out at the end, or when a run stops before the restore",
    )
    parser.add_argument(
        "--retry-failed-agents",
        action="store_true",
        help="start install_new_agents again for deployments whose agents failed",
    )
    parser.add_argument("--poll-interval", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--fresh", action="store_true", help="start a new migration instead of resuming")
    which.add_argument("--migration-id", metavar="ID", help="resume this migration")


def run(args: argparse.Namespace) -> int:
    """Run the migration; returns the exit code."""
    return execute(args, "run")


def execute(args: argparse.Namespace, command: str) -> int:
    """Run one use of a snapshot (migrate, back up, restore) headless; returns the exit code."""
    import threading

    from wizard.migration.config import load_config
    from wizard.migration.console import HumanPrinter, JsonPrinter
    from wizard.migration.decider import HeadlessDecider
    from wizard.migration.errors import MigrationError
    from wizard.migration.runner import Migration

    try:
        config = load_config(args, need_passwords=not getattr(args, "dry_run", False))
    except MigrationError as exc:
        print(f"cfy-migrate {command}: {exc.full_text()}", file=sys.stderr)
        return 1
    if any(m is not None and m.endpoint.insecure for m in (config.old, config.new)):
        print(
            "WARNING: --insecure: TLS certificates are NOT verified; anyone on the path can read the "
            "passwords. Use --old-ca-cert/--new-ca-cert instead.",
            file=sys.stderr,
        )
    printer = JsonPrinter() if args.json else HumanPrinter()
    cancel = threading.Event()
    decider = HeadlessDecider(getattr(args, "yes", False), getattr(args, "retry_failed_agents", False))
    try:
        migration = Migration(config, on_event=printer, decider=decider, cancel=cancel)
    except MigrationError as exc:
        print(f"cfy-migrate {command}: {exc.full_text()}", file=sys.stderr)
        return 1
    if getattr(args, "dry_run", False):
        for line in migration.dry_run():
            print(line)
        migration.close()
        return 0
    if config.new is not None and not args.yes and not args.json:
        print(
            "Note: without --yes the migration stops before the upload: nothing reaches the new manager.",
            file=sys.stderr,
        )
    if migration.resumed and not args.json:
        noun = NOUN.get(command, "migration")
        print(f"Resuming {noun} {migration.migration_id} (use --fresh to start a new one).", file=sys.stderr)

    def soft_stop() -> None:
        print("\nStopping safely at the next checkpoint (Ctrl-C again to abort now)…", file=sys.stderr)
        cancel.set()

    from wizard import interrupts

    interrupts.on_first_interrupt(soft_stop)
    try:
        result = migration.run()
    except MigrationError as exc:
        # the journal itself could not be written (full disk, state directory gone): what was
        # journaled before stays valid, so a later run resumes from there
        print(f"cfy-migrate {command}: {exc.full_text()}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(
            f"cfy-migrate {command}: {exc.strerror or exc} ({exc.filename or 'state directory'}). "
            "Free disk space or fix the state directory's permissions, then run the same command "
            "again to resume.",
            file=sys.stderr,
        )
        return 1
    finally:
        interrupts.on_first_interrupt(None)
        migration.close()
    return result.exit_code
