"""The real->real migration of the shared realstack recipe (its e2e.sh: killed right after the
snapshot request, then run again, with the community repair) against simulators seeded alike
(`realstack_seed`), compared with what the real 7.1 stacks did (tests/fixtures/real-responses/r71/
e2e_outcomes.json): the same step outcomes, the same per-deployment agent results, the same exit code."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.engine.conftest import cli_env, run_cli, run_outcomes

RECORDED = Path(__file__).resolve().parents[2] / "fixtures" / "real-responses" / "r71" / "e2e_outcomes.json"


def test_the_realstack_migration_ends_as_it_did_on_real_managers(make_pair, tmp_path: Path) -> None:
    recorded = json.loads(RECORDED.read_text())
    seed = {"realstack_seed": True, "edition": "community"}
    pair = make_pair("7.1.0", "7.1.0", old=seed, new={"edition": "community"})
    args = ["run", "--yes", "--json", "--old", pair.old.url, "--new", pair.new.url]
    args += ["--state-dir", str(tmp_path), "--repair-community-archive"]
    killed = run_cli([*args, "--fresh"], env=cli_env(CFY_MIGRATE_FAILPOINT="snapshot.after-put"))
    assert killed.returncode == -9
    resumed = run_cli(args, timeout=180)
    code, steps, agents = run_outcomes(resumed.stdout)
    assert code == resumed.returncode == recorded["exit_code"], resumed.stdout[-2000:] + resumed.stderr
    assert steps == recorded["steps"]
    assert agents == recorded["agents"]
