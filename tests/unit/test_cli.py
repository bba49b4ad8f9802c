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


def test_the_wizard_starts_in_a_use_of_a_snapshot(tmp_path) -> None:
    """`cfy-migrate --mode restore --archive FILE …` and `--mode backup --backup-dir DIR --keep N`
    prefill the Connect page's choice and its fields; a bad --mode is refused by the parser."""
    import pytest

    from wizard.commands.tui import launch_options
    from wizard.migration.config import Mode
    from wizard.tui.options import LaunchOptions

    archive = tmp_path / "cfy-backup.zip"
    args = build_parser().parse_args(
        [
            "--mode",
            "restore",
            "--archive",
            str(archive),
            "--repair-community-archive",
            "--new",
            "https://10.0.0.5",
        ]
    )
    options = launch_options(args)
    assert isinstance(options, LaunchOptions)
    assert options.use.mode is Mode.RESTORE and options.use.archive == str(archive)
    assert options.use.repair_community_archive and options.new.url == "https://10.0.0.5"
    args = build_parser().parse_args(["--mode", "backup", "--backup-dir", str(tmp_path), "--keep", "7"])
    options = launch_options(args)
    assert isinstance(options, LaunchOptions)
    assert (options.use.mode, options.use.backup_dir, options.use.keep) == (Mode.BACKUP, str(tmp_path), "7")
    assert launch_options(build_parser().parse_args([])).use.mode is Mode.MIGRATE  # type: ignore[attr-defined]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--mode", "upgrade"])
