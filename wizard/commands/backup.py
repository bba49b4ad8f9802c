"""Sub-command `backup`: snapshot one manager and keep the archive with a manifest — for cron.

The same engine as `run`, without a new manager: preflight of the old manager, snapshot,
resumable download (sha256, 0600), inspection, then the archive moves into the backup directory
with a manifest beside it (version, edition, host, manager and broker IPs, tenants, inventory,
sha256); `--keep N` deletes this manager's older backups. Exit 0 kept, 1 error (run again: it
resumes), 2 blocked by a check, 130 interrupted.
"""

from __future__ import annotations

import argparse

from wizard.migration.cli_args import add_manager_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register this sub-command's options."""
    add_manager_arguments(parser, ("old",))
    parser.add_argument(
        "--dir",
        "--backup-dir",
        dest="backup_dir",
        metavar="DIR",
        help="where backups are kept (default: <state dir>/backups)",
    )
    parser.add_argument("--keep", type=int, metavar="N", help="keep this manager's N newest backups there")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--fresh", action="store_true", help="start a new backup instead of resuming")
    which.add_argument("--migration-id", metavar="ID", help="resume this backup")
    parser.set_defaults(mode="backup")


def run(args: argparse.Namespace) -> int:
    """Back up; returns the exit code."""
    from wizard.commands.run import execute

    return execute(args, "backup")
