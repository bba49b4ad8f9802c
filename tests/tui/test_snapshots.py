"""SVG snapshots of every page and dialog at 120x40, 80x24 and 200x50 (one app run each,
resized: see snap_sizes.py), drawn from scripted engine events (fixed times, ids and URLs), so
they are the same on every machine. Review changes with the HTML report pytest-textual-snapshot
writes; accept them with --snapshot-update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.tui import scripted as s
from tests.tui.snap_sizes import SnapSizes
from wizard.migration.findings import Waiver
from wizard.migration.state import MigrationInfo
from wizard.tui.decider import restore_text
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.help import HelpDialog
from wizard.tui.dialogs.password import PasswordDialog
from wizard.tui.dialogs.resume import ResumeDialog
from wizard.tui.dialogs.typed_confirm import TypedConfirmDialog
from wizard.tui.dialogs.waive import WaiveDialog
from wizard.tui.flow import Page


def check(snap_sizes: SnapSizes, run_before: Callable[[Pilot[int]], Awaitable[None]]) -> None:
    """Compare the app after `run_before` with the stored snapshots, at every size."""
    failed = snap_sizes(s.snapshot_app(), run_before)
    assert not failed, f"different at {', '.join(failed)}: see the snapshot report"


def test_connect(snap_sizes: SnapSizes) -> None:
    """Page 1: both forms prefilled, passwords masked."""

    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.pause()

    check(snap_sizes, run_before)


def test_preflight(snap_sizes: SnapSizes) -> None:
    """Page 2: a FAIL first, warnings, passes; Next disabled."""

    async def run_before(pilot: Pilot[int]) -> None:
        await s.feed(pilot, s.through_preflight(), Page.PREFLIGHT)

    check(snap_sizes, run_before)


def test_preflight_waived(snap_sizes: SnapSizes) -> None:
    """Page 2 after waiving the FAIL: WAIVED badge, Next enabled."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = await s.feed(pilot, s.through_preflight(), Page.PREFLIGHT)
        app.session.waivers["new.clean"] = Waiver("new.clean", "test lab, data is disposable")
        app.main.preflight.show_findings(app.main.preflight.page_findings(app.model), app.session.waivers)
        app.sync()
        await pilot.pause()

    check(snap_sizes, run_before)


def test_snapshot(snap_sizes: SnapSizes) -> None:
    """Page 3: options and the execution's events while the snapshot is created."""

    async def run_before(pilot: Pilot[int]) -> None:
        await s.feed(pilot, s.through_snapshot(), Page.SNAPSHOT)

    check(snap_sizes, run_before)


def test_download(snap_sizes: SnapSizes) -> None:
    """Page 4 mid-way: bytes, speed and ETA."""

    async def run_before(pilot: Pilot[int]) -> None:
        await s.feed(pilot, s.through_snapshot() + s.snapshot_created() + s.downloading(), Page.DOWNLOAD)

    check(snap_sizes, run_before)


def test_download_done(snap_sizes: SnapSizes) -> None:
    """Page 4 done: sha256 and the archive inspection."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = await s.feed(
            pilot, s.through_snapshot() + s.snapshot_created() + s.downloading() + s.downloaded()
        )
        app.main.download.show_archive(s.ARCHIVE_FACTS)
        app.navigate(Page.DOWNLOAD)
        await pilot.pause()

    check(snap_sizes, run_before)


def test_new_manager(snap_sizes: SnapSizes) -> None:
    """Page 5: the checks in plain words."""

    async def run_before(pilot: Pilot[int]) -> None:
        await s.feed(pilot, s.through_snapshot() + s.snapshot_created() + s.downloaded(), Page.NEW_MANAGER)

    check(snap_sizes, run_before)


def _until_restore() -> list[Any]:
    return s.through_snapshot() + s.snapshot_created() + s.downloaded()


def test_restore_outage(snap_sizes: SnapSizes) -> None:
    """Page 6 while the REST API is away."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = await s.feed(pilot, _until_restore() + s.restoring(), Page.RESTORE)
        app.busy = "steps"
        app.sync()
        await pilot.pause()

    check(snap_sizes, run_before)


def test_restore_done(snap_sizes: SnapSizes) -> None:
    """Page 6 done: the credential switch and the inventory, old versus new."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = await s.feed(pilot, _until_restore() + s.restoring() + s.restored())
        app.main.restore.show_inventory(s.INVENTORY["old"], s.INVENTORY["new"])  # type: ignore[arg-type]
        app.navigate(Page.RESTORE)
        await pilot.pause()
        app.main.restore.query_one(".page-body").scroll_end(animate=False)
        await pilot.pause()

    check(snap_sizes, run_before)


def test_agents(snap_sizes: SnapSizes) -> None:
    """Page 7: live statuses, a failure, skips with reasons."""

    async def run_before(pilot: Pilot[int]) -> None:
        await s.feed(pilot, _until_restore() + s.restoring() + s.restored() + s.agents_running(), Page.AGENTS)

    check(snap_sizes, run_before)


def test_summary(snap_sizes: SnapSizes) -> None:
    """Page 8: outcome, where the report is, next steps, the report."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = await s.feed(
            pilot, _until_restore() + s.restoring() + s.restored() + s.agents_running() + s.finished()
        )
        app.main.summary.show_report(s.REPORT_MD)
        app.navigate(Page.SUMMARY)
        await pilot.pause()

    check(snap_sizes, run_before)


def _dialog(
    screen_factory: Callable[[], Any],
    events: Callable[[], list[Any]] | None = None,
    page: Page = Page.CONNECT,
) -> Callable[[Pilot[int]], Awaitable[None]]:
    async def run_before(pilot: Pilot[int]) -> None:
        app = await s.feed(pilot, events() if events else [], page)
        await app.push_screen(screen_factory())
        await pilot.pause()

    return run_before


def test_typed_confirmation(snap_sizes: SnapSizes) -> None:
    """The restore's typed confirmation: what is replaced, what cannot be undone."""
    check(
        snap_sizes,
        _dialog(
            lambda: TypedConfirmDialog(
                "Restore onto the new manager?", restore_text(s.RESTORE_SUMMARY), "new-manager"
            ),
            _until_restore,
            Page.RESTORE,
        ),
    )


def test_error_dialog(snap_sizes: SnapSizes) -> None:
    """An error with its fix."""
    check(
        snap_sizes,
        _dialog(
            lambda: ErrorDialog(
                "Wrong user name or password",
                "The manager refused the login: 401 Unauthorized (https://old-manager.example.net:443/api/v3.1/user)",
                "Check the user name and password for this manager (and the tenant), then try again.",
            )
        ),
    )


def test_waive_dialog(snap_sizes: SnapSizes) -> None:
    """Waiving a FAIL by its id, with a reason."""
    check(snap_sizes, _dialog(lambda: WaiveDialog(s.PREFLIGHT[0]), s.through_preflight, Page.PREFLIGHT))


def test_help_dialog(snap_sizes: SnapSizes) -> None:
    """F1 on the restore page."""
    check(snap_sizes, _dialog(lambda: HelpDialog(Page.RESTORE), _until_restore, Page.RESTORE))


def test_password_dialog(snap_sizes: SnapSizes) -> None:
    """The engine asks for a password (masked)."""
    check(
        snap_sizes,
        _dialog(
            lambda: PasswordDialog(
                "new", "The new manager accepts neither the old manager's nor its own admin password."
            ),
            _until_restore,
            Page.RESTORE,
        ),
    )


def test_resume_dialog(snap_sizes: SnapSizes) -> None:
    """The resume offer on start."""
    info = MigrationInfo(
        s.MIGRATION_ID,
        s.OLD_URL,
        s.NEW_URL,
        "download",
        "done",
        False,
        "2026-01-01T09:04:10Z",
        Path(s.STATE_DIR) / "journal.json",
    )
    check(snap_sizes, _dialog(lambda: ResumeDialog(info)))


def test_quit_dialog(snap_sizes: SnapSizes) -> None:
    """Ctrl+Q while a step runs: quit (stopping safely) or keep running."""
    from wizard.tui.dialogs.confirm import ConfirmDialog

    check(
        snap_sizes,
        _dialog(
            lambda: ConfirmDialog(
                "Quit while a step runs?",
                "The running step is stopped at a safe point and the journal stays consistent: start "
                "cfy-migrate again to resume. Nothing is done twice.",
                yes="Quit",
                no="Keep running",
                danger=True,
            ),
            _until_restore,
            Page.RESTORE,
        ),
    )


def test_log_viewer(snap_sizes: SnapSizes, tmp_path: Path) -> None:
    """Ctrl+L: migrate.log, its last lines, followed."""
    directory = tmp_path / "migrations" / s.MIGRATION_ID
    directory.mkdir(parents=True)
    (directory / "migrate.log").write_text(s.MIGRATE_LOG + "\n", encoding="utf-8")
    app = s.snapshot_app(display={str(directory): s.MIGRATION_DIR})

    async def run_before(pilot: Pilot[int]) -> None:
        await s.feed(pilot, s.through_snapshot(), Page.SNAPSHOT)
        app.session.migration_id = s.MIGRATION_ID
        app.options.state_dir = tmp_path
        await pilot.press("ctrl+l")
        await pilot.pause()

    failed = snap_sizes(app, run_before)
    assert not failed, f"different at {', '.join(failed)}: see the snapshot report"


def test_command_palette(snap_sizes: SnapSizes) -> None:
    """Ctrl+P on the Preflight page: the wizard's commands (next, re-run, waive, go to a step, log)."""

    async def run_before(pilot: Pilot[int]) -> None:
        await s.feed(pilot, s.through_preflight(), Page.PREFLIGHT)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"step")
        await pilot.pause(0.5)

    check(snap_sizes, run_before)
