"""Fixtures for the simulator's own tests (the project conftest may also provide make_simulator)."""

from tests.simulator_fixtures import make_simulator

__all__ = ["make_simulator"]
