"""A simulated Cloudify Manager (REST API v3.1) on loopback, for the demo, tests and benchmarks.

It shares no code with wizard.cloudify, so that the client and the simulator cannot agree on a
wrong shape by construction.

    from wizard.simulator import SimulatorConfig, start_simulator
    with start_simulator(SimulatorConfig(profile="6.4.2", time_scale=0.05)) as sim:
        sim.url, sim.state(), sim.set_faults("delay:seconds=0.5")

Modules: config (SimulatorConfig), profiles (per-version switches), seed/inventory (data),
render/listing (wire shapes, pagination), auth, executions/agents (workflows over time),
snapshots/archive/restore, maintenance, faults (SPEC syntax documented there), state (/_sim/state),
server/api (HTTP), runner (start_simulator).
"""

from .config import PROFILES, SimulatorConfig
from .faults import parse_spec
from .runner import RunningSimulator, start_simulator

__all__ = ["PROFILES", "RunningSimulator", "SimulatorConfig", "parse_spec", "start_simulator"]
