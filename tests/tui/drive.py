"""Drive the wizard through a whole migration with Pilot: shared by the Pilot tests and by
scripts/make_screenshots.py. Each helper waits for the app to be idle, never for a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import Input

from wizard.migration.steps import StepId
from wizard.tui.app import MigrateApp
from wizard.tui.dialogs.confirm import ConfirmDialog
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.password import PasswordDialog
from wizard.tui.dialogs.typed_confirm import TypedConfirmDialog
from wizard.tui.flow import Page
from wizard.tui.widgets.event_log import EventLog

Snap = Callable[[str], Awaitable[None] | None]

DONE = {"done", "already-done", "skipped"}


async def wait_until(
    pilot: Pilot[int], predicate: Callable[[], bool], timeout: float = 60.0, what: str = "condition"
) -> None:
    """Pause the pilot until `predicate()` holds (raises TimeoutError naming `what`)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def app_of(pilot: Pilot[int]) -> MigrateApp:
    """The app, typed."""
    app = pilot.app
    assert isinstance(app, MigrateApp)
    return app


async def idle(pilot: Pilot[int], timeout: float = 90.0) -> None:
    """Wait until no job runs (dialogs the engine opens are answered by the caller)."""
    app = app_of(pilot)
    await wait_until(
        pilot, lambda: app.busy is None or isinstance(app.screen, ErrorDialog), timeout, "job end"
    )
    await pilot.pause()


async def press_primary(pilot: Pilot[int]) -> None:
    """Press the primary button of the page on show."""
    app = app_of(pilot)
    await pilot.pause()
    page = app.main.page_widget(app.main.current_page)
    button = page.query_one("#primary")
    await pilot.click(button)
    await pilot.pause()


async def run_preflight(pilot: Pilot[int]) -> None:
    """Connect and wait for the preflight findings."""
    await press_primary(pilot)
    await idle(pilot)


async def full_migration(
    pilot: Pilot[int],
    snap: Snap | None = None,
    restore_answer: str | None = None,
    *,
    decline_first: bool = False,
    think: float = 0.0,
) -> None:
    """From the Connect page to the Summary, answering the typed confirmation (after `think`
    seconds; with `decline_first`, Esc at the first one, then Upload and restore again)."""
    app = app_of(pilot)

    async def shot(name: str) -> None:
        if snap is not None:
            result = snap(name)
            if result is not None:
                await result

    await shot("01-connect")
    await run_preflight(pilot)
    assert not isinstance(app.screen, ErrorDialog), "preflight raised an error dialog"
    await shot("02-preflight")
    await press_primary(pilot)  # run the preflight step, move to Snapshot
    await idle(pilot)
    assert app.main.current_page is Page.SNAPSHOT, app.main.current_page
    await shot("03-snapshot-options")
    await snapshot_to_new_manager(pilot, shot)
    await shot("05-new-manager")
    await press_primary(pilot)  # to Restore
    assert app.main.current_page is Page.RESTORE
    await shot("06-restore-before")
    await press_primary(pilot)  # upload and restore
    if decline_first:
        await decline_the_restore(pilot)
        await press_primary(pilot)  # upload and restore, again
    await wait_until(
        pilot, lambda: isinstance(app.screen, TypedConfirmDialog | ErrorDialog), 120, "the typed confirmation"
    )
    assert isinstance(app.screen, TypedConfirmDialog), _dialog_text(app)
    dialog = app.screen
    await shot("06-restore-confirm")
    if think:
        await pilot.pause(think)  # a person reads the dialog: not the upload's time
    dialog.query_one("#answer", Input).value = restore_answer or dialog.expected
    await pilot.pause()
    await pilot.press("enter")
    await answer_passwords_until_idle(pilot, 180)
    assert not isinstance(app.screen, ErrorDialog), _dialog_text(app)
    await shot("06-restore")
    await press_primary(pilot)  # to Agents
    assert app.main.current_page is Page.AGENTS
    await press_primary(pilot)  # install new agents
    await answer_passwords_until_idle(pilot, 180)
    await shot("07-agents")
    await press_primary(pilot)  # to Summary: writes the report
    await idle(pilot, 60)
    await wait_until(pilot, lambda: app.model.finished is not None, 30, "the report")
    await pilot.pause()
    await shot("08-summary")


async def snapshot_to_new_manager(
    pilot: Pilot[int], shot: Callable[[str], Awaitable[None]] | None = None
) -> None:
    """On the Snapshot page: create, download and inspect (the job stops on the Download page,
    which shows the archive), then Next runs the new manager's checks."""
    app = app_of(pilot)
    await press_primary(pilot)  # snapshot, download, inspect
    await idle(pilot, 120)
    assert not isinstance(app.screen, ErrorDialog), _dialog_text(app)
    assert app.main.current_page is Page.DOWNLOAD, app.main.current_page
    assert app.model.step_states.get(StepId.INSPECT_ARCHIVE) in DONE, app.model.step_states
    if shot is not None:
        app.main.show_page(Page.SNAPSHOT)
        await pilot.pause()
        await shot("03-snapshot")
        app.main.show_page(Page.DOWNLOAD)
        await pilot.pause()
        await shot("04-download")
    await press_primary(pilot)  # Next: check the new manager
    await idle(pilot, 60)
    assert not isinstance(app.screen, ErrorDialog), _dialog_text(app)
    assert app.main.current_page is Page.NEW_MANAGER, app.main.current_page
    assert app.model.step_states.get(StepId.PREFLIGHT_NEW) in DONE, app.model.step_states


async def decline_the_restore(pilot: Pilot[int]) -> None:
    """Esc at the typed confirmation: a note (not an error dialog, not command-line advice), the
    flow stays on the Restore page, nothing is sent."""
    app = app_of(pilot)
    await wait_until(pilot, lambda: isinstance(app.screen, TypedConfirmDialog), 120, "the typed confirmation")
    await pilot.press("escape")
    await idle(pilot, 60)
    assert not isinstance(app.screen, ErrorDialog), _dialog_text(app)
    assert app.main.current_page is Page.RESTORE
    assert app.model.step_states.get(StepId.UPLOAD) == "declined", app.model.step_states
    notes = [n.message for n in app._notifications]
    assert any("Not confirmed" in n for n in notes) and not any("--yes" in n for n in notes), notes
    log = app.main.restore.query_one("#restore-log", EventLog)
    assert not any("ERROR" in line or "--yes" in line for line in log.texts), log.texts


async def answer_passwords_until_idle(pilot: Pilot[int], timeout: float) -> None:
    """Wait for the job to end; decline retry prompts."""
    app = app_of(pilot)
    deadline = time.monotonic() + timeout
    while app.busy is not None:
        if isinstance(app.screen, ErrorDialog):
            return
        if isinstance(app.screen, ConfirmDialog):
            await pilot.press("n")
        if isinstance(app.screen, PasswordDialog):
            raise AssertionError("unexpected password prompt")
        if time.monotonic() > deadline:
            raise TimeoutError("job did not finish")
        await pilot.pause(0.05)
    await pilot.pause()


def _dialog_text(app: MigrateApp) -> str:
    if isinstance(app.screen, ErrorDialog):
        return f"{app.screen.title_text}: {app.screen.message} / {app.screen.fix}"
    return type(app.screen).__name__


def run_coro(coro: Awaitable[None]) -> None:
    """asyncio.run for scripts."""
    asyncio.run(coro)  # type: ignore[arg-type]
