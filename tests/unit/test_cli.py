"""The command line's own contract: --version, --help, sub-commands registered."""

from __future__ import annotations

import subprocess
import sys

from wizard import __version__
from wizard.cli import SUBCOMMANDS, build_parser


def test_version_names_the_tool_and_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "--version"], capture_output=True, text=True, check=True
    )
    assert f"cfy-migrate {__version__}" in result.stdout
    assert "textual 8.2.8" in result.stdout


def test_every_subcommand_is_registered() -> None:
    parser = build_parser()
    help_text = parser.format_help()
    for name in SUBCOMMANDS:
        assert name in help_text
