"""SIGKILL at every side effect, then run again: the migration finishes with nothing done twice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.integration.engine.conftest import (
    cli_env,
    install_new_agents_ids,
    installed_of,
    inventory_of,
    run_cli,
)

POINTS = [
    "snapshot.before-put",
    "snapshot.after-put",
    "download.after-first-chunk",
    "upload.before",
    "upload.after",
    "restore.before-post",
    "restore.after-post",
    "agents.before-post@2",
    "agents.after-post@2",
    "journal.after-write@7",
    "journal.before-write@25",
]


@pytest.mark.parametrize("point", POINTS)
def test_kill_then_resume_finishes_without_duplicates(make_pair, tmp_path: Path, point: str) -> None:
    pair = make_pair("6.4.2", "7.0.4", old={"snapshot_size": 3 << 20})
    before_old = pair.old.state()
    args = ["run", "--old", pair.old.url, "--new", pair.new.url, "--yes", "--state-dir", str(tmp_path)]
    killed = run_cli(args, env=cli_env(CFY_MIGRATE_FAILPOINT=point))
    assert killed.returncode == -9, killed.stdout + killed.stderr
    resumed = run_cli(args)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "Resuming migration" in resumed.stdout + resumed.stderr

    old, new = pair.old.state(), pair.new.state()
    assert len([e for e in old["executions"] if e["workflow_id"] == "create_snapshot"]) == 1
    assert len(old["snapshots"]) == 1
    assert len(new["restore_history"]) == 1
    old_ids = {e["id"] for e in install_new_agents_ids(before_old)}
    per_dep = Counter(
        (e["tenant"], e["deployment_id"]) for e in install_new_agents_ids(new) if e["id"] not in old_ids
    )
    assert set(per_dep) == installed_of(before_old)
    assert set(per_dep.values()) == {1}
    assert inventory_of(new) == inventory_of(before_old)
    assert len(list((tmp_path / "migrations").iterdir())) == 1
