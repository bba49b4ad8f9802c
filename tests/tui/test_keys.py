"""Keys, focus and the footer, with Pilot: Ctrl+N / Alt+Left on every page, a disabled Next says
why, the first focus is on the page (never the step list), every Tab stop shows that it has the
focus, the footer shows what the page offers, the command palette runs the wizard's commands, the
log viewer follows migrate.log, and the report's path is copied."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widget import Widget

from tests.tui import scripted as s
from tests.tui.drive import wait_until
from wizard.migration.events import StepProgress
from wizard.migration.steps import StepId
from wizard.tui.app import MigrateApp
from wizard.tui.flow import ORDER, Page
from wizard.tui.screens.log_viewer import LogViewer

SIZE = (120, 40)


def _all_events() -> list[object]:
    return (
        s.through_snapshot()
        + s.snapshot_created()
        + s.downloaded()
        + s.restoring()
        + s.restored()
        + s.agents_running()
        + s.finished()
    )


def footer_keys(app: MigrateApp) -> dict[str, str]:
    """The keys the footer shows now: key -> description."""
    return {
        active.binding.key: active.binding.description
        for active in app.screen.active_bindings.values()
        if active.binding.show and active.enabled
    }


async def test_alt_left_goes_back_through_every_page_and_ctrl_n_presses_next() -> None:
    """After a whole (scripted) migration Alt+Left walks back from the Summary to Connect, page by
    page, and Ctrl+N on a page that is done moves to the next one."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        await s.feed(pilot, _all_events(), Page.SUMMARY)  # type: ignore[arg-type]
        seen = [app.main.current_page]
        for _ in ORDER[1:]:
            await pilot.press("alt+left")
            await pilot.pause()
            seen.append(app.main.current_page)
        assert seen == list(reversed(ORDER))
        await pilot.press("alt+left")  # nothing before Connect
        assert app.main.current_page is Page.CONNECT
        app.navigate(Page.SNAPSHOT)
        await pilot.pause()
        await pilot.press("ctrl+n")  # the snapshot is done: Next goes to the Download page
        await pilot.pause()
        assert app.main.current_page is Page.DOWNLOAD


async def test_a_disabled_next_says_why() -> None:
    """Ctrl+N on the Preflight page with a FAIL: a note names the blocking check and the keys; the
    page stays; the hint beside the buttons says the same."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        await s.feed(pilot, s.through_preflight(), Page.PREFLIGHT)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.main.current_page is Page.PREFLIGHT
        notes = [n.message for n in app._notifications]
        assert any("new.clean" in note and "waive" in note for note in notes), notes
        assert "new.clean" in app.main.preflight.hint


async def test_first_focus_is_on_the_page_never_on_the_step_list() -> None:
    """On start the focus is on Next; on every page shown it is inside the page; Tab never lands on
    the step list (where Enter did nothing)."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is app.main.connect.primary
        await s.feed(pilot, _all_events())  # type: ignore[arg-type]
        for page in ORDER:
            app.navigate(page)
            await pilot.pause()
            focused = app.focused
            assert focused is not None and app.main.page_widget(page) in focused.ancestors_with_self, (
                page,
                focused,
            )
        chain = app.main.focus_chain
        assert app.main.sidebar not in chain


def _looks(widget: Widget) -> list[str]:
    region = Region(0, 0, widget.outer_size.width, widget.outer_size.height)
    return [repr(list(strip)) for strip in widget.render_lines(region)]


async def test_every_tab_stop_shows_that_it_has_the_focus() -> None:
    """On every page, each widget Tab reaches draws differently with the focus than without."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        await s.feed(pilot, _all_events())  # type: ignore[arg-type]
        for page in ORDER:
            app.navigate(page)
            await pilot.pause()
            kinds: dict[tuple[str, str], Widget] = {}
            for widget in app.main.focus_chain:  # one of each kind per page (the Connect page has 10 inputs)
                kinds.setdefault((type(widget).__name__, " ".join(sorted(widget.classes))), widget)
            chain = list(kinds.values())
            app.main.set_focus(None)
            await pilot.pause()
            without = {widget: _looks(widget) for widget in chain}
            for widget in chain:
                app.main.set_focus(widget)
                await pilot.pause()
                assert _looks(widget) != without[widget], (page, widget)


async def test_the_footer_shows_what_each_page_offers() -> None:
    """Preflight: re-run and waive; Summary: copy and open the report, no Next and no "Cancel
    step"; Esc (cancel a step) appears only while a step runs."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        await s.feed(pilot, s.through_preflight(), Page.PREFLIGHT)
        keys = footer_keys(app)
        assert {"ctrl+n", "alt+left", "r", "w", "f1", "ctrl+l", "ctrl+q"} <= set(keys), keys
        assert "escape" not in keys
        app.busy = "steps"
        app.sync()
        await pilot.pause()
        assert footer_keys(app).get("escape") == "Cancel step"
        app.busy = None
        await s.feed(pilot, _all_events(), Page.SUMMARY)  # type: ignore[arg-type]
        keys = footer_keys(app)
        assert "escape" not in keys and "ctrl+n" not in keys and "w" not in keys, keys
        assert {"c", "o", "alt+left"} <= set(keys), keys


async def test_the_command_palette_runs_the_wizards_commands() -> None:
    """Ctrl+P, a few letters, Enter: "Go to step 2: Preflight" goes there; "log" opens the log."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        await s.feed(pilot, s.through_snapshot(), Page.SNAPSHOT)
        names = [c.name for c in app.wizard_commands()]
        assert "Go to step 2: Preflight" in names and "Open the log (migrate.log)" in names, names
        assert any(n.startswith("Next: ") for n in names) and "Back" in names, names
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"go to step 2")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.current_page is Page.PREFLIGHT
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"open the log")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LogViewer)


async def test_the_log_viewer_follows_migrate_log(tmp_path: Path) -> None:
    """Ctrl+L shows migrate.log's lines, then the lines written after it opened; before the first
    step it says the log does not exist yet; Esc goes back."""
    app = s.snapshot_app()
    app.options.state_dir = tmp_path
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        viewer = app.screen
        assert isinstance(viewer, LogViewer)
        assert "No migrate.log yet" in str(viewer.query_one("#log-viewer-path").render())
        await pilot.press("escape")
        await pilot.pause()
        directory = tmp_path / "migrations" / s.MIGRATION_ID
        directory.mkdir(parents=True)
        log = directory / "migrate.log"
        log.write_text("first line\nsecond line\n", encoding="utf-8")
        app.session.migration_id = s.MIGRATION_ID
        await pilot.press("ctrl+l")
        await pilot.pause()
        viewer = app.screen
        assert isinstance(viewer, LogViewer)
        assert viewer.log_widget.lines == ["first line", "second line"]
        with log.open("a", encoding="utf-8") as handle:
            handle.write("third line, written later\n")
        await wait_until(pilot, lambda: viewer.log_widget.line_count == 3, 5, "the new line")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


async def test_the_report_path_is_copied(tmp_path: Path) -> None:
    """On the Summary page `c` puts report.md's path on the clipboard and shows it."""
    app = s.snapshot_app()
    app.options.state_dir = tmp_path
    directory = tmp_path / "migrations" / s.MIGRATION_ID
    directory.mkdir(parents=True)
    (directory / "report.md").write_text(s.REPORT_MD, encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await s.feed(pilot, _all_events(), Page.SUMMARY)  # type: ignore[arg-type]
        app.session.migration_id = s.MIGRATION_ID
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == str(directory / "report.md")
        assert any(str(directory / "report.md") in n.message for n in app._notifications)


async def test_agents_progress_agrees_with_the_counts() -> None:
    """The bar and its line say the same as the counts: skipped deployments are named apart, and the
    last progress (every deployment done) fills the bar."""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        events = s.through_snapshot() + s.snapshot_created() + s.downloaded() + s.restoring() + s.restored()
        await s.feed(pilot, events + s.agents_running(), Page.AGENTS)
        bar = app.main.agents.query_one("#agents-progress")
        assert "4 of 7 deployments done · 2 skipped" in str(bar.line.render())  # type: ignore[attr-defined]
        app.emit(StepProgress(StepId.INSTALL_AGENTS, 7, 7, "deployments", "", at=s.at(690)))
        await pilot.pause()
        assert bar.bar.percentage == 1.0  # type: ignore[attr-defined]
        assert "7 of 7 deployments done" in str(bar.line.render())  # type: ignore[attr-defined]
