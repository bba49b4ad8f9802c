"""Project-wide test set-up: the simulator factory, and a hermetic home for every test.

Each test gets its own HOME and XDG directories, so no test reads the developer's real
~/.cloudify profiles or writes into their cfy-migrate state directory, and no CFY_MIGRATE_*
variable from the developer's shell leaks in.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.simulator_fixtures import make_simulator

__all__ = ["make_simulator"]


@pytest.fixture(autouse=True)
def hermetic_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh HOME and XDG tree per test; CFY_MIGRATE_* variables cleared."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in list(os.environ):
        if name.startswith("CFY_MIGRATE_"):
            monkeypatch.delenv(name)
    yield home
