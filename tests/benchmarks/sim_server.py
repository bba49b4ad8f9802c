"""A simulator in its own process with any SimulatorConfig field (the `simulate` CLI has no flag
for some, e.g. extra_nodes):

    python -m tests.benchmarks.sim_server '{"host": "127.0.0.31", "deployments": 2000, ...}'

Prints "serving at http://HOST:PORT" once it answers, then serves until SIGTERM.
"""

from __future__ import annotations

import json
import signal
import sys
import threading

from wizard.simulator import SimulatorConfig, start_simulator


def main(argv: list[str]) -> int:
    """Serve until SIGTERM."""
    cfg = SimulatorConfig(**json.loads(argv[0]))
    cfg.validate()
    sim = start_simulator(cfg)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(f"serving at {sim.url}", flush=True)
    try:
        while not done.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
