"""What the wizard says, in its own words: an empty field is said on the Connect page (and the
wizard stays there), the checks' advice names fields and keys instead of flags, a TLS failure
under the form says why, the typed confirmation says where its name comes from and ignores case,
and on exit the terminal keeps where the report and the log are and how to go on."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, Input

from tests.tui import scripted as s
from tests.tui.conftest import Managers, options_for
from tests.tui.drive import run_preflight, wait_until
from tests.tui.screen_text import screen_text
from wizard.commands.tui import farewell_lines
from wizard.migration.events import MigrationFinished
from wizard.simulator import RunningSimulator
from wizard.tui.app import MigrateApp
from wizard.tui.decider import restore_text
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.typed_confirm import TypedConfirmDialog
from wizard.tui.flow import Page
from wizard.tui.options import LaunchOptions, ManagerForm

SIZE = (120, 40)
CLI = re.compile(r"(?<![\w-])--(?!state-dir|config|fresh)[a-z]|CFY_MIGRATE_\w*PASSWORD|same command|headless")


async def test_an_empty_password_is_said_on_the_connect_page() -> None:
    """Next with the old Password field empty: a dialog names the field (no environment variable,
    no "run from a terminal"), the wizard stays on Connect and the cursor lands in that field."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.connect.query_one("#old-password", Input).value = ""
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorDialog), 5, "the dialog")
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert "Password field" in dialog.fix and not CLI.search(dialog.message + dialog.fix), dialog.fix
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.current_page is Page.CONNECT
        assert app.focused is app.main.connect.query_one("#old-password", Input)
        assert app.busy is None and not app.model.connected


async def test_the_checks_advice_names_the_wizards_fields(managers: Managers, tmp_path: Path) -> None:
    """A tenant the old manager does not have: the FAIL's remediation names the Tenant field, and no
    text on the Preflight page names a command-line flag."""
    options = options_for(
        managers,
        tmp_path / "state",
        tmp_path,
        old=ManagerForm(url=managers.old.url, password="old-secret-pw", tenant="no-such-tenant"),
    )
    app = MigrateApp(options)
    async with app.run_test(size=(200, 50)) as pilot:
        await run_preflight(pilot)
        failing = [f for f in app.model.all_findings() if f.id == "old.auth"]
        assert failing and "tenant" in failing[0].title.lower(), failing
        text = screen_text(app)
        assert "Tenant field" in text, text
        assert not CLI.search(text), CLI.search(text)


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.11 (made with openssl)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
         "cert.pem", "-days", "2", "-subj", "/CN=cfy-manager", "-addext", "subjectAltName=IP:127.0.0.11"],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    return tmp_path / "cert.pem", tmp_path / "key.pem"


async def test_a_tls_failure_under_the_form_says_why(
    make_simulator: Callable[..., RunningSimulator], self_signed: tuple[Path, Path], tmp_path: Path
) -> None:
    """Test connection to an https manager without its CA: under the form, the kind of failure and
    its cause (not only "TLS / certificate problem"); the dialog's fix names the CA bundle field."""
    cert, key = self_signed
    sim = make_simulator(profile="6.4.2", host="127.0.0.11", tls_cert=str(cert), tls_key=str(key))
    options = LaunchOptions(
        old=ManagerForm(url=sim.url, password="pw"),
        new=ManagerForm(url=sim.url, password="pw"),
        state_dir=tmp_path / "state",
        environ={"HOME": str(tmp_path)},
        offer_resume=False,
        check_multiplexer=False,
        pace=0.0,
    )
    app = MigrateApp(options)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#test-old")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorDialog), 20, "the dialog")
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert "CA bundle field" in dialog.fix and not CLI.search(dialog.fix), dialog.fix
        await pilot.press("enter")
        await pilot.pause()
        result = str(app.main.connect.form("old").result.render())
        assert result.startswith("✘ TLS / certificate problem: ") and "certificate" in result[30:].lower(), (
            result
        )


async def test_the_typed_confirmation_ignores_case_and_says_where_the_name_comes_from() -> None:
    """`NEW-Manager` confirms a restore onto `new-manager` (host names ignore case); the prompt says
    the name is the new manager's host name; anything else keeps Restore disabled."""
    app = s.snapshot_app()
    async with app.run_test(size=(80, 24)) as pilot:
        answers: list[bool | None] = []
        dialog = TypedConfirmDialog(
            "Restore onto the new manager?", restore_text(s.RESTORE_SUMMARY), "new-manager"
        )
        await app.push_screen(dialog, answers.append)
        await pilot.pause()
        assert "host name" in screen_text(app) and "not case-sensitive" in screen_text(app)
        button = dialog.query_one("#confirm", Button)
        await pilot.press(*"new-managr")
        await pilot.pause()
        assert button.disabled
        dialog.query_one("#answer", Input).value = ""
        await pilot.press(*"NEW-Manager")
        await pilot.pause()
        assert not button.disabled
        await pilot.press("enter")
        await pilot.pause()
        assert answers == [True]


def _app_with(
    tmp_path: Path, *, files: tuple[str, ...], finished: int | None, demo: bool = False
) -> MigrateApp:
    app = MigrateApp(LaunchOptions(state_dir=tmp_path, environ={}, demo=demo))
    if files:
        directory = tmp_path / "migrations" / s.MIGRATION_ID
        directory.mkdir(parents=True)
        for name in files:
            (directory / name).write_text("x", encoding="utf-8")
        app.session.migration_id = s.MIGRATION_ID
    if finished is not None:
        app.model.finished = MigrationFinished(finished, (), "")
    return app


def test_on_exit_the_report_the_log_and_how_to_go_on(tmp_path: Path) -> None:
    """Any exit code: the report and log paths; unfinished, the command that resumes this very
    migration; finished, no such line; nothing started, it says so; the demo says its managers
    are gone."""
    directory = tmp_path / "migrations" / s.MIGRATION_ID
    done = "\n".join(farewell_lines(_app_with(tmp_path, files=("report.md", "migrate.log"), finished=0), 0))
    assert f"report.md    {directory / 'report.md'}" in done and f"{directory / 'migrate.log'}" in done
    assert "(exit 0)" in done and "to go on" not in done
    shutil.rmtree(tmp_path / "migrations")
    stopped = "\n".join(farewell_lines(_app_with(tmp_path, files=("migrate.log",), finished=None), 130))
    assert "(exit 130)" in stopped and str(directory / "migrate.log") in stopped
    assert f"cfy-migrate --state-dir {tmp_path} --migration-id {s.MIGRATION_ID}" in stopped
    shutil.rmtree(tmp_path / "migrations")
    nothing = farewell_lines(_app_with(tmp_path, files=(), finished=None), 0)
    assert nothing == [f"cfy-migrate: no step has run, nothing was written (exit 0); {tmp_path}"]
    demo = "\n".join(farewell_lines(_app_with(tmp_path, files=("migrate.log",), finished=None, demo=True), 0))
    assert "cfy-migrate demo" in demo and "--migration-id" not in demo


def test_the_wizards_help_explains_every_option_with_distinct_examples() -> None:
    """`cfy-migrate --help`: every wizard option has a line of help, the two managers' examples
    differ, and it says where passwords come from and which keys the wizard has."""
    from wizard.cli import build_parser

    parser = build_parser()
    text = parser.format_help()
    for action in parser._actions:
        if action.dest.startswith("tui_"):
            assert action.help, action.option_strings
    assert re.search(r"e\.g\.\s+https://10\.0\.0\.5", text) and re.search(
        r"e\.g\.\s+https://10\.0\.0\.9", text
    )
    assert "never taken from the command line" in text and "Ctrl+N" in text


def test_the_wizard_takes_runs_options(tmp_path: Path) -> None:
    """Where they make sense, the wizard reads `run`'s options: a password file, pace, waivers,
    the agents' and restore settings, a new or a given migration."""
    from wizard.cli import build_parser
    from wizard.commands.tui import launch_options

    secret = tmp_path / "old.pw"
    secret.write_text("Old-S3cret\n", encoding="utf-8")
    secret.chmod(0o600)
    args = build_parser().parse_args(
        ["--old", "https://10.0.0.5", "--old-password-file", str(secret), "--pace", "4",
         "--waive", "pair.ip-rule=lab", "--agent-concurrency", "3", "--maintenance-mode",
         "--migration-id", s.MIGRATION_ID]
    )  # fmt: skip
    options = launch_options(args)
    assert isinstance(options, LaunchOptions)
    assert options.old.password == "Old-S3cret" and options.pace == 4.0
    assert [(w.id, w.reason) for w in options.waivers] == [("pair.ip-rule", "lab")]
    assert options.settings == {"agents.concurrency": 3, "restore.maintenance_mode": True}
    assert options.migration_id == s.MIGRATION_ID and not options.fresh
    session_config = MigrateApp(options).session
    assert "pair.ip-rule" in session_config.waivers and session_config.migration_id == s.MIGRATION_ID
