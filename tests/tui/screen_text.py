"""The wizard's screen as plain text (what a person reads), for assertions and for looking at a
layout without rendering the SVG: the same compositor output the SVG screenshot is made from."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.app import App
from textual.geometry import Region


def screen_text(app: App[Any]) -> str:
    """Every row of the current screen (dialogs over the page included), trailing spaces cut."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def region_text(app: App[Any], region: Region) -> str:
    """The rows of `region` of the current screen (e.g. one widget's)."""
    lines = screen_text(app).splitlines()
    rows = lines[region.y : region.y + region.height]
    return "\n".join(row[region.x : region.x + region.width] for row in rows)
