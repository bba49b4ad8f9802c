"""Pytest fixture factory for simulated managers.

``make_simulator`` yields ``make(**config) -> RunningSimulator``.

The lead's tests/conftest.py imports it with ``from tests.simulator_fixtures import make_simulator``.
Every simulator a test starts is stopped at teardown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wizard.simulator import RunningSimulator, SimulatorConfig, start_simulator

#: Fast defaults for tests: executions take ~0.05-0.2 s.
TEST_DEFAULTS: dict[str, Any] = {"time_scale": 0.03, "restore_outage": 3.0}


@pytest.fixture
def make_simulator() -> Iterator[Callable[..., RunningSimulator]]:
    """A factory: ``make(profile="7.0.4", clean=True, ...)``; all simulators stop at teardown."""
    started: list[RunningSimulator] = []

    def make(**fields: Any) -> RunningSimulator:
        sim = start_simulator(SimulatorConfig(**{**TEST_DEFAULTS, **fields}))
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()
