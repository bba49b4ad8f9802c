"""Pilot tests: the wizard drives real migrations against two simulated managers, and every
error the user can meet on the way ends in a dialog with the fix."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from textual.widgets import Button

from tests.tui.conftest import NEW_PASSWORD, OLD_PASSWORD, Managers, options_for
from tests.tui.drive import (
    full_migration,
    idle,
    press_primary,
    run_preflight,
    snapshot_to_new_manager,
    wait_until,
)
from wizard.migration.findings import Status
from wizard.migration.steps import StepId, plan_steps
from wizard.tui.app import MigrateApp
from wizard.tui.dialogs.confirm import ConfirmDialog
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.help import HelpDialog
from wizard.tui.dialogs.resume import ResumeDialog
from wizard.tui.flow import Page
from wizard.tui.messages import PageAction
from wizard.tui.options import ManagerForm
from wizard.tui.widgets.transfer import TransferProgress

SIZE = (120, 40)


def _no_secret_anywhere(app: MigrateApp, state_dir: Path) -> None:
    svg = app.export_screenshot()
    for secret in (OLD_PASSWORD, NEW_PASSWORD):
        assert secret not in svg
        for path in state_dir.rglob("*"):
            if path.is_file() and path.suffix in {".json", ".md", ".log", ".jsonl"}:
                assert secret not in path.read_text(encoding="utf-8", errors="replace"), path


async def test_complete_migration_through_the_ui(managers: Managers, tmp_path: Path) -> None:
    """Connect → preflight → snapshot → download → new manager → restore → agents → summary; the
    simulators then hold the old inventory on the new manager with every agent moved."""
    state_dir = tmp_path / "state"
    app = MigrateApp(options_for(managers, state_dir, tmp_path))
    before = managers.old.state()
    async with app.run_test(size=SIZE) as pilot:
        screens: list[str] = []

        def remember(name: str) -> None:
            screens.append(name)
            svg = app.export_screenshot()
            assert OLD_PASSWORD not in svg and NEW_PASSWORD not in svg

        await full_migration(pilot, remember, decline_first=True, think=2.5)
        assert app.model.finished is not None and app.model.finished.exit_code == 0
        bar = app.main.agents.query_one("#agents-progress", TransferProgress)
        assert bar.bar.percentage == 1.0, bar.bar.percentage
        installed = sum(1 for u in app.model.agents.values() if u.status != "skipped")
        assert f"{installed} of {installed} deployments done" in str(bar.line.render())
        migrate = plan_steps("migrate", makes_snapshot=True)
        assert all(app.model.step_states.get(s) in {"done", "already-done", "skipped"} for s in migrate)
        assert app.main.current_page is Page.SUMMARY
        _no_secret_anywhere(app, state_dir)
        assert "08-summary" in screens

    after = managers.new.state()
    assert after["counts"]["deployments"] == before["counts"]["deployments"]
    assert after["counts"]["blueprints"] == before["counts"]["blueprints"]
    assert sorted(after["per_tenant"]) == sorted(before["per_tenant"])
    installed = [a for a in after["agents"] if a["state"] == "started"]
    assert installed and all(a["manager_ip"] == "127.0.0.12" for a in installed)
    assert after["admin_password"] == "restored_snapshot"  # the legacy restore switched passwords
    reports = list(state_dir.rglob("report.md"))
    assert len(reports) == 1
    report = reports[0].read_text(encoding="utf-8")
    assert not re.search(r"\| (running|pending) \|", report), report  # "Write the report | running"
    assert re.search(r"- size: \d+\.\d KiB \([\d,]+ bytes\)", report), report  # one byte formatter
    steps = {s["id"]: s for s in json.loads(reports[0].with_suffix(".json").read_text())["steps"]}
    # the 2.5 s spent reading the confirmation are not the upload's (an archive of a few KiB)
    assert steps["upload"]["seconds"] < 2.0, steps["upload"]


async def test_wrong_password_is_a_dialog_with_the_fix(managers: Managers, tmp_path: Path) -> None:
    """Test connection with a wrong password: a dialog says so and what to do, no traceback."""
    options = options_for(
        managers,
        tmp_path / "state",
        tmp_path,
        old=ManagerForm(url=managers.old.url, password="wrong-password"),
    )
    app = MigrateApp(options)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#test-old")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorDialog), 20, "the error dialog")
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert "password" in dialog.title_text.lower()
        assert "password" in dialog.fix.lower()
        assert "Traceback" not in dialog.message and "wrong-password" not in dialog.message
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ErrorDialog)
        assert "✘" in str(app.main.connect.form("old").result.render())
        await pilot.click("#test-new")
        await wait_until(
            pilot,
            lambda: "7.0.4" in str(app.main.connect.form("new").result.render()),
            20,
            "the new manager's probe",
        )
        assert "sys_admin" in str(app.main.connect.form("new").result.render())


async def test_dirty_new_manager_blocks_with_a_dialog(make_simulator: object, tmp_path: Path) -> None:
    """A new manager with data: the preflight shows a FAIL, Next is disabled, and forcing the step
    ends in a 'blocked' dialog that names the check and how to waive it."""
    from tests.tui.conftest import Managers as M

    make = make_simulator  # the root conftest's factory
    assert callable(make)
    old = make(profile="6.4.2", host="127.0.0.11", admin_password=OLD_PASSWORD, time_scale=0.05)
    new = make(profile="7.0.4", host="127.0.0.12", clean=False, admin_password=NEW_PASSWORD, time_scale=0.05)
    app = MigrateApp(options_for(M(old, new), tmp_path / "state", tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await run_preflight(pilot)
        failing = [f for f in app.model.findings["preflight"] if f.status is Status.FAIL]
        assert any(f.id.startswith("new.") for f in failing), [f.id for f in failing]
        assert app.main.preflight.query_one("#primary", Button).disabled
        app.post_message(PageAction(Page.PREFLIGHT, "primary"))
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorDialog), 30, "the blocked dialog")
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert "blocked" in dialog.title_text.lower()
        assert any(f.id in dialog.message for f in failing)
        assert "waive" in dialog.fix.lower()
        await pilot.press("escape")
        await idle(pilot)
        assert app.model.step_states.get(StepId.CREATE_SNAPSHOT) is None  # nothing destructive ran


async def test_interrupted_migration_is_offered_for_resume(managers: Managers, tmp_path: Path) -> None:
    """Quit after the snapshot step; a new wizard offers the journal's migration, resumes it, and
    the sidebar shows what is already done (nothing is done twice)."""
    state_dir = tmp_path / "state"
    first = MigrateApp(options_for(managers, state_dir, tmp_path))
    async with first.run_test(size=SIZE) as pilot:
        await run_preflight(pilot)
        await press_primary(pilot)
        await idle(pilot)
        await snapshot_to_new_manager(pilot)
        assert first.model.step_states.get(StepId.DOWNLOAD) == "done"
        migration_id = first.session.migration_id
        await pilot.press("ctrl+q")
    snapshots_before = len(managers.old.state()["snapshots"])

    second = MigrateApp(options_for(managers, state_dir, tmp_path, old=ManagerForm(), new=ManagerForm()))
    async with second.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(second.screen, ResumeDialog), 10, "the resume offer")
        await pilot.pause()
        await pilot.click("#resume")
        await pilot.pause()
        assert second.session.migration_id == migration_id
        connect = second.main.connect
        assert connect.form("old").read().url == managers.old.url
        # the passwords are never journaled: the user types them again
        assert connect.form("old").read().password == ""
        connect.form("old").fill(ManagerForm(url=managers.old.url, password=OLD_PASSWORD))
        connect.form("new").fill(ManagerForm(url=managers.new.url, password=NEW_PASSWORD))
        await run_preflight(pilot)
        assert second.model.step_states.get(StepId.DOWNLOAD) == "done"
        await press_primary(pilot)  # preflight step, then straight to the first page not done
        await idle(pilot)
        assert second.main.current_page is Page.RESTORE
    assert len(managers.old.state()["snapshots"]) == snapshots_before


async def test_quit_mid_step_asks_first_and_help_explains(managers: Managers, tmp_path: Path) -> None:
    """F1 shows the page's help; Ctrl+Q during a running step asks before quitting."""
    app = MigrateApp(options_for(managers, tmp_path / "state", tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("escape")
        await pilot.pause()
        app.busy = "steps"  # as if a step were running (real steps end too fast to catch here)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and not app.session.cancel.is_set()
        await pilot.press("escape")  # Esc cancels the running step safely
        assert app.session.cancel.is_set()
        app.busy = None
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize("environ, expected", [({"TERM": "xterm"}, True), ({"TMUX": "/tmp/t,1,0"}, False)])
async def test_multiplexer_advice_once(
    managers: Managers, tmp_path: Path, environ: dict[str, str], expected: bool
) -> None:
    """Outside tmux/screen one advisory notification appears; inside, none."""
    app = MigrateApp(
        options_for(managers, tmp_path / "state", tmp_path, environ=environ, check_multiplexer=True)
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = [n for n in app._notifications if "tmux" in n.message]
        assert bool(notes) is expected
        assert len(notes) <= 1
