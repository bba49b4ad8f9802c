"""Sub-command `check` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register this sub-command's options."""


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    print("cfy-migrate: 'check' is not built yet", file=sys.stderr)
    return 1
