"""(Named to run after the read-only real-manager tests: it restores onto the new manager.)

A whole migration against two real managers, and the same against simulators seeded like the
shared realstack recipe (`realstack_seed`): the same step outcomes, agent results and exit code.

It RESTORES onto the new manager, so besides CFY_MIGRATE_REAL_OLD/NEW it runs only with
CFY_MIGRATE_REAL_RESTORE=1, and expects the realstack seed on the old manager (`bash seed.sh 1`) and
a clean new one (`bash down.sh 2 --wipe; bash up.sh 2`). A community old manager is migrated with
--repair-community-archive (a 7.x restore of its archive restores nothing otherwise).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.engine.conftest import run_outcomes
from tests.real.conftest import Endpoint
from wizard.simulator import SimulatorConfig, start_simulator

Pair = tuple[Endpoint, Endpoint]


def migrate(old: Endpoint, new: Endpoint, state: Path) -> tuple[int, dict[str, str], dict[str, str]]:
    """`cfy-migrate run --yes --json` (passwords through the environment); (exit, steps, agents)."""
    args = [sys.executable, "-m", "wizard", "run", "--yes", "--json", "--repair-community-archive"]
    args += ["--old", old.url, "--new", new.url, "--state-dir", str(state)]
    for label, ep in (("old", old), ("new", new)):
        if ep.ca:
            args += [f"--{label}-ca-cert", ep.ca]
    env = {**os.environ, "CFY_MIGRATE_OLD_PASSWORD": old.password, "CFY_MIGRATE_NEW_PASSWORD": new.password}
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=1800)
    assert "Traceback" not in proc.stderr, proc.stderr
    _code, steps, agents = run_outcomes(proc.stdout)
    return proc.returncode, steps, agents


def test_a_whole_migration_ends_alike_on_real_and_simulated_managers(
    real_pair: Pair, restore_allowed: bool, tmp_path: Path
) -> None:
    if not restore_allowed:
        pytest.skip("set CFY_MIGRATE_REAL_RESTORE=1 to let this test restore onto the real new manager")
    real = migrate(*real_pair, tmp_path / "real")
    common = {"profile": "7.1.0", "edition": "community", "time_scale": 0.05, "restore_outage": 0.5}
    old = start_simulator(
        SimulatorConfig(**common, host="127.0.0.7", realstack_seed=True, admin_password="old-pw")
    )
    new = start_simulator(SimulatorConfig(**common, host="127.0.0.8", clean=True, admin_password="new-pw"))
    try:
        sim = migrate(
            Endpoint(old.url, None, "old-pw", "", ""),
            Endpoint(new.url, None, "new-pw", "", ""),
            tmp_path / "sim",
        )
    finally:
        old.stop()
        new.stop()
    assert real == sim, f"real {real}\nsim  {sim}"
