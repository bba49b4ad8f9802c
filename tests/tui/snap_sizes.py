"""SVG snapshots of one app run at several terminal sizes.

pytest-textual-snapshot's `snap_compare` starts the app once per picture; a page at three sizes
would run the same scripted events three times. `snap_sizes` runs the app once, resizes the
terminal (as a person does) and compares a picture per size with its stored SVG
(`test_x[80x24].svg`), through the plugin's own SVG extension, and hands failures to the
plugin's HTML report like `snap_compare` does.
"""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
from pytest_textual_snapshot import (  # type: ignore[import-untyped]
    PseudoApp,
    PseudoConsole,
    SVGImageExtension,
    node_to_report_path,
)
from rich.console import Console
from syrupy.assertion import SnapshotAssertion
from textual.app import App
from textual.pilot import Pilot

#: the sizes of the issue: the smallest usable terminal, the common one, a wide one
SIZES: tuple[tuple[int, int], ...] = ((120, 40), (80, 24), (200, 50))

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
SnapSizes = Callable[[App[Any], RunBefore], list[str]]


def _report(
    request: pytest.FixtureRequest, size: str, snapshot: SnapshotAssertion, svg: str, ok: bool
) -> None:
    """What snap_compare writes for the HTML report, once per size."""
    execution_index = (
        snapshot._custom_index and snapshot._execution_name_index.get(snapshot._custom_index)
    ) or snapshot.num_executions - 1
    assertion = snapshot.executions.get(execution_index)
    exists = execution_index in snapshot.executions and assertion and assertion.final_data is not None
    console = Console(legacy_windows=False, force_terminal=True)
    node = request.node
    full_path, line_number, name = node.reportinfo()
    data = (
        ok,
        str(snapshot),
        svg,
        PseudoApp(PseudoConsole(console.legacy_windows, console.size)),
        full_path,
        line_number,
        f"{name}[{size}]",
        inspect.getdoc(node.function) or "",
        "",
        exists,
    )
    path = node_to_report_path(node)
    path.with_name(f"{path.name}_{size}").write_bytes(pickle.dumps(data))


@pytest.fixture
def snap_sizes(snapshot: SnapshotAssertion, request: pytest.FixtureRequest) -> SnapSizes:
    """compare(app, run_before) -> the sizes whose picture differs from the stored one."""
    svg_snapshot = snapshot.use_extension(SVGImageExtension)

    def compare(app: App[Any], run_before: RunBefore, sizes: Sequence[tuple[int, int]] = SIZES) -> list[str]:
        pictures: dict[str, str] = {}

        async def auto_pilot(pilot: Pilot[Any]) -> None:
            await run_before(pilot)
            for width, height in sizes:
                await pilot.resize_terminal(width, height)
                await pilot.pause()
                await pilot.wait_for_scheduled_animations()
                await pilot.pause()
                pictures[f"{width}x{height}"] = app.export_screenshot(title=app.title, simplify=True)
            app.exit()

        app.run(headless=True, auto_pilot=auto_pilot, size=sizes[0])
        failed = []
        for size, svg in pictures.items():
            ok = svg_snapshot(name=size) == svg
            _report(request, size, svg_snapshot, svg, ok)
            if not ok:
                failed.append(size)
        assert len(pictures) == len(sizes), f"only {sorted(pictures)} were drawn"
        return failed

    return compare
