"""Whole migrations between simulated managers, checked through the simulators' own state."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.integration.engine.conftest import (
    NEW_PW,
    OLD_PW,
    ScriptedDecider,
    engine_config,
    install_new_agents_ids,
    installed_of,
    inventory_of,
)
from wizard.migration.events import AgentUpdate, Event, MigrationFinished, StepFinished
from wizard.migration.runner import Migration
from wizard.migration.steps import Outcome, StepId


@pytest.mark.parametrize(
    ("old_profile", "new_profile"), [("5.2.7", "6.4.2"), ("6.4.2", "7.0.4"), ("4.6", "7.0.4")]
)
def test_full_migration_moves_everything_once(
    make_pair, tmp_path: Path, events: list[Event], old_profile: str, new_profile: str
) -> None:
    pair = make_pair(old_profile, new_profile)
    before_old = pair.old.state()
    config = engine_config(pair, tmp_path)
    decider = ScriptedDecider()
    migration = Migration(config, on_event=events.append, decider=decider)
    result = migration.run()
    migration.close()
    assert result.exit_code == 0, result.summary

    old, new = pair.old.state(), pair.new.state()
    assert inventory_of(new) == inventory_of(before_old)
    assert len([e for e in old["executions"] if e["workflow_id"] == "create_snapshot"]) == 1
    assert len(old["snapshots"]) == 1
    assert len(new["restore_history"]) == 1
    old_ids = {e["id"] for e in install_new_agents_ids(before_old)}
    ours = [e for e in install_new_agents_ids(new) if e["id"] not in old_ids]
    installed = installed_of(before_old)
    assert sorted((e["tenant"], e["deployment_id"]) for e in ours) == sorted(installed)
    assert all(e["status"] == "terminated" for e in ours)
    # the confirmation named the new manager's host
    assert decider.summaries and decider.summaries[0].expected_answer
    # every step reported, agents reported per deployment
    finished = {e.step for e in events if isinstance(e, StepFinished) and e.outcome is Outcome.DONE}
    assert StepId.INSTALL_AGENTS in finished and StepId.VERIFY_INVENTORY in finished
    succeeded = {
        (e.tenant, e.deployment) for e in events if isinstance(e, AgentUpdate) and e.status == "succeeded"
    }
    assert succeeded == installed
    assert isinstance(events[-1], MigrationFinished) and events[-1].exit_code == 0

    # the migration directory is private, the journal and reports hold no secret
    directory = tmp_path / "migrations" / result.migration_id
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for name in ("journal.json", "report.json", "report.md", "migrate.log"):
        path = directory / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text()
        assert OLD_PW not in text and NEW_PW not in text
        assert "Authorization" not in text and "Basic " not in text
    # the run log holds every HTTP exchange (from the first preflight on) and every step
    log = (directory / "migrate.log").read_text()
    assert "HTTP old GET /api/v3.1/version -> 200" in log
    assert "HTTP old PUT /api/v3.1/snapshots/" in log and "HTTP new POST /api/v3.1/executions" in log
    assert log.count("StepFinished ") >= len(finished)
    archive = next(directory.glob("*.zip"))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    report = json.loads((directory / "report.json").read_text())
    assert report["schema_version"] == 1
    assert report["decommission"]["allowed"] is True
    assert report["snapshot"]["sha256"] and report["snapshot"]["size"] == archive.stat().st_size


def test_running_again_after_success_does_nothing_twice(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    config = engine_config(pair, tmp_path)
    first = Migration(config, on_event=lambda e: None, decider=ScriptedDecider()).run()
    assert first.exit_code == 0
    requests_before = pair.new.state()["requests"]["by_route"]
    # a finished migration is not resumed; --migration-id makes it re-run: all steps already done
    from dataclasses import replace

    again = Migration(
        replace(config, migration_id=first.migration_id), on_event=lambda e: None, decider=ScriptedDecider()
    )
    result = again.run()
    assert result.exit_code == 0
    after = pair.new.state()
    assert len(after["restore_history"]) == 1
    assert after["requests"]["by_route"].get("POST /executions", 0) == requests_before.get(
        "POST /executions", 0
    )
    assert [p.state for p in again.plan()] == ["done"] * len(again.plan())
