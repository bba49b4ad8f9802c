"""Fixtures of the TUI tests: two simulated managers (old 6.4.2 with data on 127.0.0.11, new
7.0.4 clean on 127.0.0.12), launch options pointing at them, and a frozen cursor blink."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.tui.snap_sizes import snap_sizes  # noqa: F401 (a fixture of these tests)
from wizard.simulator import RunningSimulator
from wizard.tui.options import LaunchOptions, ManagerForm

OLD_PASSWORD = "old-secret-pw"
NEW_PASSWORD = "new-secret-pw"


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Inputs never blink: SVG snapshots must not depend on when they are taken."""
    original = Input.__init__

    def init(self: Input, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)
    yield


@dataclass
class Managers:
    """The two simulated managers of one test."""

    old: RunningSimulator
    new: RunningSimulator


@pytest.fixture
def managers(make_simulator: Callable[..., RunningSimulator]) -> Managers:
    """Old 6.4.2 with an inventory, new 7.0.4 clean (fast time scale)."""
    old = make_simulator(
        profile="6.4.2",
        seed=1,
        tenants=2,
        deployments=6,
        installed=4,
        clean=False,
        admin_password=OLD_PASSWORD,
        host="127.0.0.11",
        time_scale=0.05,
        restore_outage=2.0,
    )
    new = make_simulator(
        profile="7.0.4",
        seed=2,
        clean=True,
        admin_password=NEW_PASSWORD,
        host="127.0.0.12",
        time_scale=0.05,
        restore_outage=2.0,
    )
    return Managers(old, new)


def options_for(managers: Managers, state_dir: Path, home: Path, **overrides: Any) -> LaunchOptions:
    """LaunchOptions prefilled for `managers`; the environment is fixed (no TMUX, a private HOME)."""
    fields: dict[str, Any] = {
        "old": ManagerForm(url=managers.old.url, password=OLD_PASSWORD),
        "new": ManagerForm(url=managers.new.url, password=NEW_PASSWORD),
        "state_dir": state_dir,
        "environ": {"HOME": str(home), "TERM": "xterm-256color"},
        "poll_interval": 0.05,
        "pace": 0.0,
        "check_multiplexer": False,
    }
    fields.update(overrides)
    return LaunchOptions(**fields)
