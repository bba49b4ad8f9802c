"""Sub-command `restore`: restore an archive onto a new manager when the old manager is lost.

No old manager is contacted. The archive is inspected first (integrity, metadata, format, version
against the new manager) and names the lost manager's IP (its certificates): the new manager must
answer on it, or the agents will not reconnect (`pair.ip-rule` FAIL, waivable only by name, and
then written into the report). Then upload, restore (`--yes`), log in again with the lost
manager's admin password (after the restore it is the new manager's), verify the inventory
against the counts in the archive, and install_new_agents. Exit codes as for `run`.
"""

from __future__ import annotations

import argparse

from wizard.commands.run import add_restore_arguments
from wizard.migration.cli_args import add_archive_arguments, add_manager_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register this sub-command's options."""
    add_archive_arguments(parser, required=True)
    add_manager_arguments(parser, ("new", "old"), lost_old=True)
    add_restore_arguments(parser)
    parser.set_defaults(mode="restore")


def run(args: argparse.Namespace) -> int:
    """Restore; returns the exit code."""
    from wizard.commands.run import execute

    return execute(args, "restore")
