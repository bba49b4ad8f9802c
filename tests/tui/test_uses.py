"""The three uses of a snapshot through the wizard: the Connect page's choice switches the fields
and the pages; a backup ends with the archive and its manifest in the chosen directory without a
word to any new manager; its archive restored onto a replacement on the lost manager's IP is
verified, and onto another IP the Preflight page shows the pair.ip-rule FAIL with nothing changed.
Plus the Connect page in Backup and in Restore mode at the three sizes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Label, RadioButton, Static

from tests.tui import scripted as s
from tests.tui.conftest import OLD_PASSWORD, Managers, options_for
from tests.tui.drive import (
    answer_passwords_until_idle,
    app_of,
    idle,
    press_primary,
    run_preflight,
    wait_until,
)
from tests.tui.screen_text import screen_text
from tests.tui.snap_sizes import SnapSizes
from wizard.migration.backups import MANIFEST_SUFFIX
from wizard.migration.config import Mode, Timing, load_config
from wizard.migration.decider import HeadlessDecider
from wizard.migration.findings import Status
from wizard.migration.runner import Migration
from wizard.migration.steps import StepId
from wizard.simulator import RunningSimulator
from wizard.tui.app import MigrateApp
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.typed_confirm import TypedConfirmDialog
from wizard.tui.flow import Page, PageState
from wizard.tui.options import ManagerForm, UseForm

SIZE = (120, 40)
DONE = {"done", "already-done", "skipped"}
ARCHIVE = "/srv/backups/cfy-backup-old-manager-20260101T090012Z-3f2a.zip"


def _inventory(state: dict[str, object]) -> dict[str, object]:
    per_tenant = state["per_tenant"]
    assert isinstance(per_tenant, dict)
    return {
        t: (sorted(v["blueprints"]), sorted(d["id"] for d in v["deployments"]))
        for t, v in per_tenant.items()
        if v["blueprints"] or v["deployments"]
    }


def _sidebar_states(app: MigrateApp) -> dict[Page, PageState]:
    return dict(app.main.sidebar._states)


async def test_the_use_choice_switches_the_fields_and_the_pages() -> None:
    """Back up only: no new manager's form, a backup directory, the new manager's pages skipped;
    Restore: the archive and the lost manager's admin, no address and no test, no Snapshot page;
    a migration from an archive one has skips the Snapshot page too."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        connect = app.main.connect
        await pilot.click("#use-backup")
        await pilot.pause()
        assert not connect.form("new").display and connect.backup.display
        assert not connect.archive.display
        assert "to back up" in screen_text(app)
        states = _sidebar_states(app)
        skipped = {p for p, st in states.items() if st is PageState.SKIPPED}
        assert skipped == {Page.NEW_MANAGER, Page.RESTORE, Page.AGENTS}

        await pilot.click("#use-restore")
        await pilot.pause()
        assert connect.form("new").display and not connect.backup.display and connect.archive.display
        assert not app.main.query_one("#old-row-url").display and not app.main.query_one("#test-old").display
        note = app.main.query_one("#old-lost-note", Static)
        assert note.display and "lost" in str(note.render()) and "becomes" in str(note.render())
        assert "Lost manager" in str(connect.source.query_one(".form-title", Label).render())
        explanation = str(app.main.query_one("#use-explanation", Static).render())
        assert "must have the old one's IP" in explanation
        skipped = {p for p, st in _sidebar_states(app).items() if st is PageState.SKIPPED}
        assert skipped == {Page.SNAPSHOT}
        assert app.model.plan[:3] == (StepId.PREFLIGHT_OLD, StepId.IMPORT_ARCHIVE, StepId.INSPECT_ARCHIVE)
        # Next without an archive: said on the page, the cursor in the Archive field
        await press_primary(pilot)
        assert isinstance(app.screen, ErrorDialog) and "archive" in app.screen.message.lower()
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "archive"

        await pilot.click("#use-migrate")
        await pilot.pause()
        assert app.main.query_one("#old-row-url").display and app.main.query_one("#test-old").display
        assert _sidebar_states(app).get(Page.SNAPSHOT) is not PageState.SKIPPED
        app.main.query_one("#archive", Input).value = ARCHIVE
        await pilot.pause()
        assert _sidebar_states(app)[Page.SNAPSHOT] is PageState.SKIPPED
        assert app.main.query_one("#use-migrate", RadioButton).value


def _backup_app(managers: Managers, state: Path, home: Path, directory: Path) -> MigrateApp:
    return MigrateApp(
        options_for(
            managers,
            state,
            home,
            new=ManagerForm(),
            use=UseForm(Mode.BACKUP, backup_dir=str(directory), keep="2"),
        )
    )


async def _backup_through_the_wizard(pilot: Pilot[int]) -> None:
    """Connect, preflight, snapshot (it runs on into the download, the inspection and the keeping),
    then the summary."""
    app = app_of(pilot)
    await run_preflight(pilot)
    assert not isinstance(app.screen, ErrorDialog), app.screen
    await press_primary(pilot)  # the preflight step; then the Snapshot page
    await idle(pilot)
    assert app.main.current_page is Page.SNAPSHOT, app.main.current_page
    await press_primary(pilot)
    await idle(pilot, 120)
    assert not isinstance(app.screen, ErrorDialog), app.screen.message  # type: ignore[attr-defined]
    assert app.main.current_page is Page.DOWNLOAD
    assert app.model.step_states.get(StepId.PUBLISH_BACKUP) in DONE, app.model.step_states
    await press_primary(pilot)  # Next: summary (writes the report)
    await wait_until(pilot, lambda: app.model.finished is not None, 60, "the report")
    await idle(pilot)


async def test_a_backup_then_its_restore_onto_the_lost_managers_ip(
    managers: Managers, make_simulator: Callable[..., RunningSimulator], tmp_path: Path
) -> None:
    """A backup through the wizard: the archive and its manifest in the chosen directory, the
    summary says where and how private, and no request to any new manager. Then the old manager is
    lost, a replacement takes its IP, and the wizard restores the archive onto it: verified."""
    directory = tmp_path / "backups"
    app = _backup_app(managers, tmp_path / "state", tmp_path, directory)
    async with app.run_test(size=SIZE) as pilot:
        await _backup_through_the_wizard(pilot)
        assert app.model.finished is not None and app.model.finished.exit_code == 0, app.model.finished
        assert app.main.current_page is Page.SUMMARY
        [archive] = sorted(directory.glob("cfy-backup-*.zip"))
        manifest = json.loads(archive.with_name(archive.name + MANIFEST_SUFFIX).read_text())
        assert manifest["archive"] == archive.name and manifest["manager"]["ip"] == "127.0.0.11"
        text = " ".join(screen_text(app).split())
        assert "Backup kept" in text and "private" in text
        summary = str(app.main.summary.query_one("#next-steps").source)  # type: ignore[attr-defined]
        assert str(archive) in summary and MANIFEST_SUFFIX in summary
        states = _sidebar_states(app)
        assert all(states[p] is PageState.DONE for p in (Page.PREFLIGHT, Page.SNAPSHOT, Page.DOWNLOAD))
    assert managers.new.state()["requests"]["total"] == 0  # a backup asks no new manager anything

    expected = _inventory(managers.old.state())
    managers.old.stop()  # the old manager is lost; its replacement took its IP
    replacement = make_simulator(
        profile="7.0.4", host="127.0.0.11", admin_password="replacement-pw", clean=True, time_scale=0.05,
        restore_outage=1.0,
    )  # fmt: skip
    options = options_for(
        managers,
        tmp_path / "state",
        tmp_path,
        old=ManagerForm(password=OLD_PASSWORD),
        new=ManagerForm(url=replacement.url, password="replacement-pw"),
        use=UseForm(Mode.RESTORE, archive=str(archive)),
        offer_resume=False,
    )
    app = MigrateApp(options)
    async with app.run_test(size=SIZE) as pilot:
        await _restore_through_the_wizard(pilot)
        assert app.model.finished is not None and app.model.finished.exit_code == 0, app.model.finished
        assert app.model.step_states.get(StepId.VERIFY_INVENTORY) in DONE
        assert StepId.CREATE_SNAPSHOT not in app.model.step_states
        text = " ".join(screen_text(app).split())
        assert "Restore complete" in text
        summary = str(app.main.summary.query_one("#next-steps").source)  # type: ignore[attr-defined]
        assert "lost manager's IP" in summary and "127.0.0.11" in summary
    assert _inventory(replacement.state()) == expected


async def _restore_through_the_wizard(pilot: Pilot[int]) -> None:
    """Connect, preflight, take the archive, the new manager's checks, the restore (confirmed),
    the agents, the summary."""
    app = app_of(pilot)
    await run_preflight(pilot)
    assert not isinstance(app.screen, ErrorDialog), app.screen.message  # type: ignore[attr-defined]
    await press_primary(pilot)  # the preflight step; then the Download page (no snapshot to make)
    await idle(pilot)
    assert app.main.current_page is Page.DOWNLOAD, app.main.current_page
    await press_primary(pilot)  # take the archive and inspect it
    await idle(pilot, 60)
    assert not isinstance(app.screen, ErrorDialog), app.screen.message  # type: ignore[attr-defined]
    assert app.model.step_states.get(StepId.INSPECT_ARCHIVE) in DONE, app.model.step_states
    await press_primary(pilot)  # Next: check the new manager
    await idle(pilot, 60)
    assert app.main.current_page is Page.NEW_MANAGER, app.main.current_page
    await press_primary(pilot)  # to Restore
    await press_primary(pilot)  # upload and restore
    await wait_until(
        pilot, lambda: isinstance(app.screen, TypedConfirmDialog | ErrorDialog), 60, "the typed confirmation"
    )
    dialog = app.screen
    assert isinstance(dialog, TypedConfirmDialog), dialog
    dialog.query_one("#answer", Input).value = dialog.expected
    await pilot.pause()
    await pilot.press("enter")
    await answer_passwords_until_idle(pilot, 120)
    assert not isinstance(app.screen, ErrorDialog), app.screen.message  # type: ignore[attr-defined]
    await press_primary(pilot)  # to Agents
    await press_primary(pilot)  # install new agents
    await answer_passwords_until_idle(pilot, 120)
    await press_primary(pilot)  # to Summary: the report
    await wait_until(pilot, lambda: app.model.finished is not None, 60, "the report")
    await idle(pilot)


async def test_a_restore_onto_another_ip_is_a_fail_on_the_preflight_page(
    managers: Managers, tmp_path: Path
) -> None:
    """The archive restored onto a manager with another IP while the old one is lost: the
    Preflight page shows pair.ip-rule FAIL, Next stays disabled, the new manager is untouched."""
    directory = tmp_path / "backups"
    # the backup through the engine (the wizard's is the test above)
    config = load_config(
        None,
        {},
        overrides={
            "old.url": managers.old.url,
            "backup.dir": str(directory),
            "state_dir": str(tmp_path / "s"),
        },
        passwords={"old": OLD_PASSWORD},
        mode=Mode.BACKUP,
        interactive=False,
    )
    backup = Migration(
        dataclasses.replace(config, timing=Timing(poll_interval=0.05, pace=0)),
        on_event=lambda event: None,
        decider=HeadlessDecider(False, False, prompt_passwords=False),
    )
    assert backup.run().exit_code == 0
    backup.close()
    [archive] = sorted(directory.glob("cfy-backup-*.zip"))
    options = options_for(
        managers,
        tmp_path / "state",
        tmp_path,
        old=ManagerForm(password=OLD_PASSWORD),
        use=UseForm(Mode.RESTORE, archive=str(archive)),
        offer_resume=False,
    )
    app = MigrateApp(options)
    async with app.run_test(size=SIZE) as pilot:
        await run_preflight(pilot)
        assert app.main.current_page is Page.PREFLIGHT
        rule = next(f for f in app.model.all_findings() if f.id == "pair.ip-rule")
        assert rule.status is Status.FAIL and "127.0.0.11" in (rule.remediation or ""), rule
        text = " ".join(screen_text(app).split())
        assert "pair.ip-rule" in text or "does not have the lost manager's IP" in text, text
        primary = app.main.preflight.primary
        assert primary is not None and primary.disabled
    new = managers.new.state()
    assert new["restore_history"] == [] and new["counts"]["snapshots"] == 0


def _connect_in(use: UseForm, snap_sizes: SnapSizes) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.pause()

    failed = snap_sizes(s.snapshot_app(use=use), run_before)
    assert not failed, f"different at {', '.join(failed)}: see the snapshot report"


def test_connect_backup(snap_sizes: SnapSizes) -> None:
    """Page 1 in Backup mode: the manager, the backup directory, the secrets warning."""
    _connect_in(UseForm(Mode.BACKUP, backup_dir="/srv/backups", keep="7"), snap_sizes)


def test_connect_restore(snap_sizes: SnapSizes) -> None:
    """Page 1 in Restore mode: the archive, the lost manager's admin, the new manager."""
    _connect_in(UseForm(Mode.RESTORE, archive=ARCHIVE), snap_sizes)
