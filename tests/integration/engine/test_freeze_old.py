"""--freeze-old: the old manager in maintenance mode from right after the snapshot to the end, lifted
when a run stops before the restore, and kept consistent by a resume (journal vs the manager)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.engine.conftest import ScriptedDecider, cli_env, engine_config, run_cli
from tests.simulator.helpers import Api
from wizard.migration.config import SnapshotOptions
from wizard.migration.runner import Migration


def _journal(state_dir: Path) -> dict[str, Any]:
    (directory,) = (state_dir / "migrations").iterdir()
    return json.loads((directory / "journal.json").read_text())  # type: ignore[no-any-return]


def _actions(state: dict[str, Any]) -> list[str]:
    return [m["action"] for m in state["maintenance_log"]]


def test_frozen_from_the_snapshot_to_the_end(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    config = engine_config(pair, tmp_path, snapshot=SnapshotOptions(freeze_old=True))
    migration = Migration(config, on_event=lambda e: None, decider=ScriptedDecider())
    result = migration.run()
    migration.close()
    assert result.exit_code == 0, result.summary
    old, new = pair.old.state(), pair.new.state()
    assert _actions(old) == ["activate", "deactivate"]
    assert old["maintenance"] == "deactivated"
    activated, lifted = (m["at"] for m in old["maintenance_log"])
    assert old["snapshots"][0]["created_at"] <= activated <= new["restore_history"][0]["started_at"]
    assert lifted >= new["restore_history"][0]["ended_at"]
    freeze = _journal(tmp_path)["freeze"]
    assert freeze["released_why"] == "the migration finished" and not freeze["release_error"]
    report = (next((tmp_path / "migrations").iterdir()) / "report.md").read_text()
    assert "frozen (maintenance mode) from" in report


def test_a_run_stopped_before_the_restore_lifts_it_and_the_next_run_freezes_again(
    make_pair, tmp_path: Path
) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    config = engine_config(pair, tmp_path, snapshot=SnapshotOptions(freeze_old=True))
    lines: list[str] = []
    first = Migration(
        config,
        on_event=lambda e: lines.append(str(getattr(e, "message", ""))),
        decider=ScriptedDecider(confirm=False),
    )
    assert first.run().exit_code == 2  # the upload and restore were not confirmed
    first.close()
    assert _actions(pair.old.state()) == ["activate", "deactivate"]
    assert _journal(tmp_path)["freeze"]["released_why"] == "the run stopped before the restore"
    assert pair.new.state()["restore_history"] == []

    second = Migration(
        config, on_event=lambda e: lines.append(str(getattr(e, "message", ""))), decider=ScriptedDecider()
    )
    assert second.run().exit_code == 0
    second.close()
    assert _actions(pair.old.state()) == ["activate", "deactivate", "activate", "deactivate"]
    freeze = _journal(tmp_path)["freeze"]
    assert len(freeze["history"]) == 1 and freeze["released_why"] == "the migration finished"
    assert any("was usable between" in line for line in lines)


@pytest.mark.parametrize("point", ["freeze.before-activate", "freeze.after-activate", "restore.after-post"])
def test_killed_then_resumed_keeps_the_freeze_consistent(make_pair, tmp_path: Path, point: str) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    args = [
        "run",
        "--old",
        pair.old.url,
        "--new",
        pair.new.url,
        "--yes",
        "--freeze-old",
        "--state-dir",
        str(tmp_path),
    ]
    killed = run_cli(args, env=cli_env(CFY_MIGRATE_FAILPOINT=point))
    assert killed.returncode == -9, killed.stdout + killed.stderr
    if point == "restore.after-post":
        # someone lifts the freeze while nothing runs: the resume must notice and freeze again
        assert pair.old.state()["maintenance"] == "activated"
        Api(pair.old, password="old-admin-secret").post("/maintenance/deactivate")
    resumed = run_cli(args)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    old = pair.old.state()
    assert old["maintenance"] == "deactivated"
    actions = _actions(old)
    assert actions[-1] == "deactivate" and actions.count("activate") == actions.count("deactivate")
    if point == "restore.after-post":
        assert actions == ["activate", "deactivate", "activate", "deactivate"]
        assert "left maintenance mode" in resumed.stdout + resumed.stderr
    else:
        assert actions == ["activate", "deactivate"]  # one freeze, not two
    assert len(pair.new.state()["restore_history"]) == 1
    assert _journal(tmp_path)["freeze"]["released_why"] == "the migration finished"


def test_an_old_manager_already_in_maintenance_is_read_and_left_alone(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    Api(pair.old, password="old-admin-secret").post("/maintenance/activate")
    config = engine_config(pair, tmp_path, snapshot=SnapshotOptions(freeze_old=True))
    migration = Migration(config, on_event=lambda e: None, decider=ScriptedDecider())
    findings = {f.id: f for f in migration.preflight()}
    assert findings["old.freeze"].title == "The old manager is already in maintenance mode"
    assert findings["old.inventory"].status.value == "PASS"  # read as an admin despite the mode
    result = migration.run()
    migration.close()
    assert result.exit_code == 0, result.summary
    old = pair.old.state()
    assert old["maintenance"] == "activated" and _actions(old) == ["activate"]
    assert _journal(tmp_path)["freeze"]["found_active"] is True


def test_without_the_option_a_warning_names_it(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    migration = Migration(engine_config(pair, tmp_path), on_event=lambda e: None, decider=ScriptedDecider())
    findings = {f.id: f for f in migration.preflight()}
    migration.close()
    assert findings["old.freeze"].status.value == "WARN"
    assert "--freeze-old" in findings["old.freeze"].remediation
