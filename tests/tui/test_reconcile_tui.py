"""The wizard's reconcile scenarios (issue 10): Esc two seconds into the restore, quitting during
the restore and starting again, and a corrected address after the same manager was given twice.
Each ends in a finished restore (checked on the simulators: exactly one) or a clean preflight."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import NEW_PASSWORD, OLD_PASSWORD, Managers, options_for
from tests.tui.drive import (
    answer_passwords_until_idle,
    idle,
    press_primary,
    run_preflight,
    snapshot_to_new_manager,
    wait_until,
)
from wizard.migration.findings import Status
from wizard.migration.steps import StepId
from wizard.tui.app import MigrateApp
from wizard.tui.dialogs.confirm import ConfirmDialog
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.resume import ResumeDialog
from wizard.tui.dialogs.typed_confirm import TypedConfirmDialog
from wizard.tui.flow import Page
from wizard.tui.options import ManagerForm

SIZE = (120, 40)
#: a restore that takes a couple of seconds (base seconds, scaled by the simulator's time scale)
SLOW_RESTORE = "restore_outage:seconds=60"


async def _to_restore_running(app: MigrateApp, pilot: object, managers: Managers) -> None:
    """Connect, preflight, snapshot…check new, then confirm the restore and wait until it runs."""
    await run_preflight(pilot)  # type: ignore[arg-type]
    await press_primary(pilot)  # type: ignore[arg-type]
    await idle(pilot)  # type: ignore[arg-type]
    await snapshot_to_new_manager(pilot)  # type: ignore[arg-type]
    app.main.show_page(Page.RESTORE)
    await press_primary(pilot)  # type: ignore[arg-type]
    await wait_until(pilot, lambda: isinstance(app.screen, TypedConfirmDialog), 60, "the confirmation")  # type: ignore[arg-type]
    dialog = app.screen
    assert isinstance(dialog, TypedConfirmDialog)
    from textual.widgets import Input

    dialog.query_one("#answer", Input).value = dialog.expected
    await pilot.press("enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: len(managers.new.state()["restore_history"]) > 0, 60, "the restore")  # type: ignore[arg-type]
    await wait_until(pilot, lambda: app.model.step_states.get(StepId.RESTORE) == "running", 30, "the wait")  # type: ignore[arg-type]


async def test_esc_during_the_restore_detaches_and_the_button_follows_it_again(
    managers: Managers, tmp_path: Path
) -> None:
    """Scenario 1: Esc ~2 s after "Restore started" is not "cancelled": the restore goes on;
    "Upload and restore" again follows the same execution (no second restore, no new.auth/new.clean
    FAIL, no advice to force)."""
    managers.new.set_faults(SLOW_RESTORE)
    app = MigrateApp(options_for(managers, tmp_path / "state", tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await _to_restore_running(app, pilot, managers)
        await pilot.press("escape")
        await idle(pilot, 60)
        assert app.model.step_states.get(StepId.RESTORE) == "detached", app.model.step_states
        assert not isinstance(app.screen, ErrorDialog)
        notes = [n.message for n in app._notifications]
        assert any("keeps running on the new manager" in n for n in notes), notes
        await press_primary(pilot)  # "Upload and restore" again
        await answer_passwords_until_idle(pilot, 120)
        assert not isinstance(app.screen, ErrorDialog | TypedConfirmDialog), type(app.screen)
        assert app.model.step_states.get(StepId.RESTORE) == "done", app.model.step_states
        assert app.model.step_states.get(StepId.VERIFY_INVENTORY) == "done", app.model.step_states
    assert len(managers.new.state()["restore_history"]) == 1


async def test_quit_during_the_restore_then_resume_knows_it_was_restored(
    managers: Managers, tmp_path: Path
) -> None:
    """Scenario 2: quit mid-restore, start again: the resumed preflight says "restored by this
    migration" (not a dirty manager), logs in with the password that works, and Next goes on."""
    managers.new.set_faults(SLOW_RESTORE)
    state_dir = tmp_path / "state"
    first = MigrateApp(options_for(managers, state_dir, tmp_path))
    async with first.run_test(size=SIZE) as pilot:
        await _to_restore_running(first, pilot, managers)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(first.screen, ConfirmDialog), 10, "the quit question")
        await pilot.press("y")
        await pilot.pause()
    assert first.return_value == 130
    managers.new.clear_faults()

    second = MigrateApp(options_for(managers, state_dir, tmp_path, old=ManagerForm(), new=ManagerForm()))
    async with second.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(second.screen, ResumeDialog), 10, "the resume offer")
        await pilot.pause()
        await pilot.click("#resume")
        await pilot.pause()
        second.main.connect.form("old").fill(ManagerForm(url=managers.old.url, password=OLD_PASSWORD))
        second.main.connect.form("new").fill(ManagerForm(url=managers.new.url, password=NEW_PASSWORD))
        await run_preflight(pilot)
        findings = {f.id: f for f in second.model.all_findings()}
        assert findings["new.clean"].status is Status.PASS, findings["new.clean"]
        assert "Restored by this migration" in findings["new.clean"].title
        auth = findings["new.auth"]
        # logged in with the old admin password, or (the restore still running) a warning, never a FAIL
        assert (auth.status is Status.PASS and "OLD manager" in auth.title) or (
            auth.status is Status.WARN and "may still be running" in auth.title
        ), auth
        assert not [f for f in findings.values() if f.blocking], [
            f.id for f in findings.values() if f.blocking
        ]
        await press_primary(pilot)  # Next: to the first page not done
        await idle(pilot)
        assert second.main.current_page is Page.RESTORE
        await press_primary(pilot)  # follow the restore to its end
        await answer_passwords_until_idle(pilot, 120)
        assert not isinstance(second.screen, ErrorDialog), second.screen
        assert second.model.step_states.get(StepId.VERIFY_INVENTORY) == "done", second.model.step_states
    assert len(managers.new.state()["restore_history"]) == 1


async def test_a_corrected_address_after_the_same_manager_twice(managers: Managers, tmp_path: Path) -> None:
    """Scenario 4: the same URL for both -> two FAILs -> back to Connect, fix it -> Next works
    (it used to open "The journal cannot be used")."""
    options = options_for(
        managers, tmp_path / "state", tmp_path, new=ManagerForm(url=managers.old.url, password=OLD_PASSWORD)
    )
    app = MigrateApp(options)
    async with app.run_test(size=SIZE) as pilot:
        await run_preflight(pilot)
        assert any(f.id == "pair.same-manager" and f.blocking for f in app.model.all_findings())
        app.navigate(Page.CONNECT)
        await pilot.pause()
        app.main.connect.form("new").fill(ManagerForm(url=managers.new.url, password=NEW_PASSWORD))
        await run_preflight(pilot)
        assert not isinstance(app.screen, ErrorDialog), getattr(app.screen, "message", "")
        same = next(f for f in app.model.findings["preflight"] if f.id == "pair.same-manager")
        assert same.status is Status.PASS
        await press_primary(pilot)  # the preflight step runs and the flow moves on
        await idle(pilot)
        assert app.main.current_page is Page.SNAPSHOT
