"""The wizard's one switch for --freeze-old: a box on the Snapshot page, off by default, that the
snapshot options carry to the engine."""

from __future__ import annotations

from textual.widgets import Checkbox

from tests.tui import scripted as s
from wizard.tui.flow import Page


async def test_freeze_box_sets_the_snapshot_option() -> None:
    app = s.snapshot_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await s.feed(pilot, s.through_preflight(), Page.SNAPSHOT)
        page = app.main.snapshot
        assert page.snapshot_options().freeze_old is False
        box = page.query_one("#freeze-old", Checkbox)
        box.value = True
        await pilot.pause()
        assert page.snapshot_options().freeze_old is True
