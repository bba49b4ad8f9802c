"""The `cfy-migrate` command line: argparse sub-commands, each delegated to wizard.commands.*.

No sub-command opens the interactive wizard; `check` and `run` drive the same engine headless;
`demo` starts two simulated managers and opens the wizard on them; `simulate` serves one
simulated manager; `report` re-renders a migration's report.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from wizard import __version__, interrupts

#: sub-command name -> (module under wizard.commands, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "preflight both managers, read-only; exit 0 ok, 2 blockers, 1 error"),
    "run": ("run", "the whole migration, unattended (needs --yes)"),
    "backup": ("backup", "snapshot one manager and keep the archive with a manifest (for cron)"),
    "restore": ("restore", "restore an archive onto a new manager when the old one is lost (needs --yes)"),
    "demo": ("demo", "the wizard against two built-in simulated managers on loopback"),
    "simulate": ("simulate", "serve a simulated Cloudify Manager on loopback"),
    "report": ("report", "print the report of a migration from its journal"),
}


class CommandModule(Protocol):
    """What every wizard.commands.* module provides."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _load(module: str) -> CommandModule:
    return cast(CommandModule, importlib.import_module(f"wizard.commands.{module}"))


def _version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        textual_version = version("textual")
    except PackageNotFoundError:  # pragma: no cover - textual is a hard dependency
        textual_version = "not installed"
    return f"cfy-migrate {__version__} (textual {textual_version})"


def build_parser() -> argparse.ArgumentParser:
    """Build the parser with every sub-command registered; used by main() and by tests."""
    parser = argparse.ArgumentParser(
        prog="cfy-migrate",
        description="Move a Cloudify Manager to a new manager: snapshot, download, check, restore, agents.",
    )
    parser.add_argument("--version", action="version", version=_version_text())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        _load(module).add_arguments(sub_parser)
        sub_parser.set_defaults(_module=module)
    tui = _load("tui")
    tui.add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    module = getattr(args, "_module", "tui")
    if argv is None:
        interrupts.install()
    try:
        return _load(module).run(args)
    except KeyboardInterrupt:
        interrupts.say_interrupted()
        return 130
    except BrokenPipeError:
        # the reader went away (`cfy-migrate report --json | head`): no traceback, no more output
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    finally:
        if argv is None:
            interrupts.quiet_exit()
