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


def test_the_wizard_reads_the_same_config_file_as_run(tmp_path) -> None:
    """`cfy-migrate --config FILE` prefills the wizard from the file `run` reads; flags win."""
    from wizard.cli import build_parser
    from wizard.commands.tui import launch_options
    from wizard.tui.options import LaunchOptions

    cfg = tmp_path / "migrate.toml"
    cfg.write_text(
        'state_dir = "/var/tmp/cfy-state"\n[old]\nurl = "https://10.0.0.5"\nuser = "ops"\n'
        '[new]\nurl = "https://10.0.0.9"\ninsecure = true\n'
    )
    args = build_parser().parse_args(["--config", str(cfg), "--new", "https://10.0.0.10"])
    options = launch_options(args)
    assert isinstance(options, LaunchOptions)
    assert options.config_file == cfg
    assert (options.old.url, options.old.user) == ("https://10.0.0.5", "ops")
    assert options.new.url == "https://10.0.0.10" and options.new.insecure
    assert str(options.state_dir) == "/var/tmp/cfy-state"
