"""The layout from 80x24 to 200x50, with Pilot and scripted engine events: dialogs fit with their
input and buttons in view, the step list folds away under 100 columns, tables share the width and
never cut an id, the log grows with the terminal and keeps every character when lines wrap."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button, Input

from tests.tui import scripted as s
from tests.tui.screen_text import region_text, screen_text
from wizard.migration.events import LogLine
from wizard.migration.state import MigrationInfo
from wizard.migration.steps import StepId
from wizard.tui.decider import restore_text
from wizard.tui.dialogs.confirm import ConfirmDialog
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.help import HelpDialog
from wizard.tui.dialogs.password import PasswordDialog
from wizard.tui.dialogs.resume import ResumeDialog
from wizard.tui.dialogs.typed_confirm import TypedConfirmDialog
from wizard.tui.dialogs.waive import WaiveDialog
from wizard.tui.flow import Page
from wizard.tui.widgets.agents_table import AgentsTable
from wizard.tui.widgets.event_log import EventLog
from wizard.tui.widgets.findings_table import FindingsTable

SIZES = [(80, 24), (120, 40), (200, 50)]
LONG = " ".join(f"word{i}" for i in range(400))

DIALOGS: dict[str, Callable[[], Any]] = {
    "typed confirmation": lambda: TypedConfirmDialog(
        "Restore onto the new manager?", restore_text(s.RESTORE_SUMMARY), "new-manager"
    ),
    "help": lambda: HelpDialog(Page.RESTORE),
    "waive": lambda: WaiveDialog(s.PREFLIGHT[0]),
    "long error": lambda: ErrorDialog("Something failed", LONG, LONG),
    "password": lambda: PasswordDialog("new", LONG),
    "quit": lambda: ConfirmDialog("Quit while a step runs?", LONG, yes="Quit", no="Keep running"),
    "resume": lambda: ResumeDialog(
        MigrationInfo(
            s.MIGRATION_ID, s.OLD_URL, s.NEW_URL, "download", "done", False, "", Path(s.STATE_DIR) / "j.json"
        )
    ),
}


def inside(inner: Region, outer: Region) -> bool:
    """`inner` lies wholly within `outer`."""
    return inner.area > 0 and outer.contains_region(inner)


async def test_every_dialog_fits_with_its_input_and_buttons_in_view() -> None:
    """At 80x24 (the larger sizes are in the snapshots) no dialog is taller or wider than the
    screen; its buttons and input can be seen and used (one never types blind); a long body
    scrolls instead."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZES[0]) as pilot:
        await s.feed(pilot, s.through_preflight(), Page.PREFLIGHT)
        for name, make in DIALOGS.items():
            dialog = make()
            await app.push_screen(dialog)
            await pilot.pause()
            screen = app.screen.region
            box = dialog.query_one(".dialog-box")
            assert inside(box.region, screen), (name, box.region, screen)
            for widget in [*dialog.query(Button), *dialog.query(Input)]:
                assert inside(widget.region, box.region), (name, widget, widget.region, box.region)
            dialog.dismiss(None)
            await pilot.pause()


async def test_the_step_list_folds_away_under_100_columns_and_f2_shows_it() -> None:
    """At 80 columns the pages get the whole width; F2 shows the steps (focused, Enter opens one)
    and hides them again; at 120 columns they are there, and F2 hides them."""
    app = s.snapshot_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await s.feed(pilot, s.through_snapshot(), Page.SNAPSHOT)
        sidebar = app.main.sidebar
        assert not sidebar.display or sidebar.region.width == 0
        assert app.main.switcher.region.width >= 78
        await pilot.press("f2")
        await pilot.pause()
        assert sidebar.region.width > 0 and app.focused is sidebar
        await pilot.press("up", "up", "enter")  # from Snapshot (3) to Connect (1)
        await pilot.pause()
        assert app.main.current_page is Page.CONNECT
        assert sidebar.region.width == 0, "the steps fold away again after a choice"
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert sidebar.region.width > 0
        await pilot.press("f2")
        await pilot.pause()
        assert sidebar.region.width == 0


async def test_table_columns_share_the_width_and_ids_stay_whole() -> None:
    """Findings and agents at 80x24, 120x40 and 200x50: the columns fill the table (no narrow
    columns beside empty space at 200, nothing pushed off-screen at 80), and every check id (what
    one types to waive) and execution id is shown whole."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZES[0]) as pilot:
        await s.feed(pilot, s.through_preflight(), Page.PREFLIGHT)
        table = app.main.preflight.query_one(FindingsTable)
        body = app.main.preflight.query_one(".page-body")
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            _assert_fills(table)
            text = region_text(app, table.region.intersection(body.region))
            for check_id in [f.id for f in s.PREFLIGHT[:2]]:
                assert re.search(rf"(?<![\w.-]){re.escape(check_id)}(?![\w.-])", text), (size, check_id, text)
            assert "What to do" in text and "…" not in text, (size, text)
        events = s.through_snapshot() + s.snapshot_created() + s.downloaded() + s.restoring() + s.restored()
        await s.feed(pilot, events + s.agents_running(), Page.AGENTS)
        agents = app.main.agents.query_one(AgentsTable)
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            _assert_fills(agents)
            assert s.AGENT_ROWS[0][3] in screen_text(app), (size, screen_text(app))


def _assert_fills(table: Widget) -> None:
    columns = list(table.columns.values())  # type: ignore[attr-defined]
    used = sum(c.get_render_width(table) for c in columns)
    room = table.scrollable_content_region.width
    assert room - 2 <= used <= max(room, sum(c.width + 2 for c in columns)), (used, room)


async def test_the_log_grows_with_the_terminal() -> None:
    """The page's log takes the rows the page leaves: more at 50 rows than at 24, more at 60."""
    app = s.snapshot_app()
    heights = []
    async with app.run_test(size=(80, 24)) as pilot:
        await s.feed(pilot, s.through_snapshot(), Page.SNAPSHOT)
        log = app.main.snapshot.event_log
        for size in ((80, 24), (200, 50), (200, 60)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            heights.append(log.region.height)
    assert heights[0] >= 4
    assert heights[1] > heights[0] + 20 and heights[2] == heights[1] + 10, heights


async def test_the_log_keeps_every_character_where_lines_wrap() -> None:
    """Long lines wrap at the log's width, whatever the width was when they arrived, and after a
    resize they wrap again: no character is lost at a wrap (`uploaded and verifie`)."""
    messages = [
        "The upload of the snapshot to the new manager finished: 1.5 GiB uploaded and verified",
        "After the restore the new manager logs in with the OLD manager's admin password, as expected",
    ]
    app = s.snapshot_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await s.feed(pilot, s.through_snapshot(), Page.RESTORE)  # written while the page shows
        for i, message in enumerate(messages):
            app.emit(LogLine(StepId.UPLOAD, "info", message, at=s.at(300 + i)))
        await pilot.pause()
        for size in ((80, 24), (100, 30), (200, 50), (81, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            log = app.main.restore.query_one("#restore-log", EventLog)
            drawn = "".join(strip.text.rstrip() for strip in log.lines).replace(" ", "")
            for message in messages:
                assert message.replace(" ", "") in drawn, (size, drawn)
            assert max(strip.cell_length for strip in log.lines) <= log.scrollable_content_region.width


async def test_the_address_is_readable_at_80_columns() -> None:
    """At 80x24 the forms stack and each field gets the width (`Address http://1` was all one saw)."""
    app = s.snapshot_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        url = app.main.connect.query_one("#old-url", Input)
        assert url.region.width >= len(s.OLD_URL) + 2, url.region
        assert s.OLD_URL in screen_text(app)


async def test_a_log_sits_under_the_page_body_never_beside_it() -> None:
    """On every page with a log, the log is below the scrolling body (one scrollbar per area, never
    two side by side), and the buttons stay below both."""
    app = s.snapshot_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await s.feed(pilot, s.through_snapshot() + s.snapshot_created() + s.downloaded() + s.restoring())
        for page in (Page.SNAPSHOT, Page.DOWNLOAD, Page.RESTORE, Page.AGENTS):
            app.navigate(page)
            await pilot.pause()
            widget = app.main.page_widget(page)
            body, log = widget.query_one(".page-body"), widget.query_one(EventLog)
            buttons = widget.query_one(".page-buttons")
            assert body.region.bottom <= log.region.y and log.region.bottom <= buttons.region.y, (
                page,
                body.region,
                log.region,
                buttons.region,
            )


async def test_both_findings_pages_name_their_buttons_alike() -> None:
    """ "Re-run checks" and "Waive…" on Preflight and New manager alike (no "Re-check")."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZES[1]) as pilot:
        await pilot.pause()
        for page in (app.main.preflight, app.main.new_manager):
            labels = [str(b.label) for b in page.query(Button)]
            assert labels[:2] == ["Re-run checks", "Waive…"], labels
