"""The decommissioning verdict (issue 16), each case against a simulator pair: a partly installed
deployment, `provided` agents, a change on the old manager after the snapshot, execution schedules
— and the official CLI's rule (an inactive deployment whose hosts are started still moves)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.integration.engine.conftest import Pair, ScriptedDecider, engine_config, install_new_agents_ids
from wizard.migration.events import AgentUpdate, Event, FindingsReady
from wizard.migration.findings import Waiver
from wizard.migration.runner import Migration, MigrationResult


def _run(pair: Pair, state_dir: Path, events: list[Event] | None = None, **config: Any) -> MigrationResult:
    m = Migration(
        engine_config(pair, state_dir, **config),
        on_event=(events.append if events is not None else lambda e: None),
        decider=ScriptedDecider(),
    )
    try:
        return m.run()
    finally:
        m.close()


def _report(state_dir: Path, result: MigrationResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (state_dir / "migrations" / result.migration_id / "report.json").read_text()
    )
    return data


def _moved(pair: Pair) -> set[str]:
    return {e["deployment_id"] for e in install_new_agents_ids(pair.new.state())}


def test_a_partly_installed_deployment_keeps_the_old_manager(make_pair, tmp_path: Path) -> None:
    # dep-3: a second Compute host never started (the CLI skips it; its started host's agent stays);
    # dep-4: inactive (a software node not started) but its host started: the CLI rule moves it
    pair = make_pair("6.4.2", "7.0.4", old={"split_hosts": 1, "partly_installed": 1})
    events: list[Event] = []
    result = _run(pair, tmp_path, events)
    assert result.exit_code == 0, result.summary
    report = _report(tmp_path, result)
    advice = report["decommission"]
    assert advice["allowed"] is False
    assert "cannot move automatically" in advice["text"] and "default_tenant/dep-3" in advice["text"]
    assert "partly installed" in advice["text"]
    assert "Keep the old manager" in result.summary and "default_tenant/dep-3" in result.summary
    assert "dep-3" not in _moved(pair)
    assert "dep-4" in _moved(pair)  # installation_status inactive, hosts started: moved
    assert report["census"]["manual"][0]["deployment"] == "dep-3"
    preflight = next(e for e in events if isinstance(e, FindingsReady) and e.phase == "preflight")
    census = next(f for f in preflight.findings if f.id == "old.agents-census")
    assert census.status.value == "WARN" and "default_tenant/dep-3" in census.detail
    manual = [e for e in events if isinstance(e, AgentUpdate) and e.status == "manual"]
    assert {(e.tenant, e.deployment) for e in manual} == {("default_tenant", "dep-3")}


def test_provided_agents_are_listed_and_acknowledged_by_name(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old={"provided_agents": 1})
    result = _run(pair, tmp_path)
    assert result.exit_code == 0, result.summary
    advice = _report(tmp_path, result)["decommission"]
    assert advice["allowed"] is False
    assert "default_tenant/dep-1" in advice["text"] and "install_method provided" in advice["text"]
    # the person reconfigured the agent by hand: acknowledging it lets the advice say yes
    config = engine_config(pair, tmp_path)
    again = Migration(
        replace(
            config,
            migration_id=result.migration_id,
            waivers=(Waiver.parse("old.agents-census=reconfigured by hand"),),
        ),
        on_event=lambda e: None,
        decider=ScriptedDecider(),
    )
    second = again.run()
    again.close()
    advice = _report(tmp_path, second)["decommission"]
    assert advice["allowed"] is True, advice
    assert any("--waive old.agents-census" in a for a in advice["acknowledged"])
    assert len(install_new_agents_ids(pair.new.state())) == len(_moved(pair))  # nothing started twice


def test_a_deployment_installed_after_the_snapshot_keeps_the_old_manager(make_pair, tmp_path: Path) -> None:
    # dep-5 is not installed at the snapshot; it is installed on the old manager right after it
    pair = make_pair("6.4.2", "7.0.4", old={"faults": "after_snapshot:action=install,deployment=dep-5"})
    events: list[Event] = []
    result = _run(pair, tmp_path, events)
    assert result.exit_code == 0, result.summary
    report = _report(tmp_path, result)
    assert report["decommission"]["allowed"] is False
    assert "1 change on the old manager since the snapshot" in report["decommission"]["text"]
    assert "install on deployment dep-5" in report["decommission"]["text"]
    assert [c["what"] for c in report["ledger"]["changes"]] == ["install on deployment dep-5 (terminated)"]
    before_agents = next(
        e for e in events if isinstance(e, FindingsReady) and e.phase == "before:install_agents"
    )
    changed = next(f for f in before_agents.findings if f.id == "old.changed")
    assert changed.status.value == "WARN" and "dep-5" in changed.detail
    # acknowledged (redone on the new manager by the person): the advice says yes
    config = engine_config(pair, tmp_path, waive=["old.changed=installed again on the new manager"])
    again = Migration(
        replace(config, migration_id=result.migration_id), on_event=lambda e: None, decider=ScriptedDecider()
    )
    second = again.run()
    again.close()
    advice = _report(tmp_path, second)["decommission"]
    assert advice["allowed"] is True, advice
    assert "acknowledged" in advice["text"].lower()


def test_schedules_are_listed_but_do_not_keep_the_old_manager(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old={"schedules": 2})
    result = _run(pair, tmp_path)
    assert result.exit_code == 0, result.summary
    report = _report(tmp_path, result)
    assert report["decommission"]["allowed"] is True
    assert any("2 execution schedules" in n for n in report["decommission"]["notes"])
    assert {s["id"] for s in report["ledger"]["schedules"]} == {"nightly-heal-1", "nightly-heal-2"}
    assert len(pair.new.state()["execution_schedules"]) == 2  # the restore copied them: both fire
    md = (tmp_path / "migrations" / result.migration_id / "report.md").read_text()
    assert "Execution schedules (they fire on both managers" in md and "nightly-heal-1" in md


# -- waves: the canaries go first, a failing wave stops and asks -----------------------------------
WAVES_SEED = {"tenants": 1, "deployments": 6, "installed": 6}  # bp-1: dep-1..3, bp-2: dep-4..6
CANARIES_FAIL = (
    "fail_execution:workflow=install_new_agents,deployment=dep-1,message=host unreachable;"
    "fail_execution:workflow=install_new_agents,deployment=dep-4,message=host unreachable"
)


def _per_deployment(pair: Pair) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in install_new_agents_ids(pair.new.state()):
        counts[e["deployment_id"]] = counts.get(e["deployment_id"], 0) + 1
    return counts


def test_failing_canaries_stop_the_agents_and_a_resume_never_posts_twice(make_pair, tmp_path: Path) -> None:
    from wizard.migration.config import AgentOptions

    pair = make_pair("6.4.2", "7.0.4", old=WAVES_SEED, new={"faults": CANARIES_FAIL})
    decider = ScriptedDecider(go_on=False)
    m = Migration(engine_config(pair, tmp_path), on_event=lambda e: None, decider=decider)
    first = m.run()
    m.close()
    assert first.exit_code == 3, first.summary
    assert _per_deployment(pair) == {"dep-1": 1, "dep-4": 1}  # only the canaries ran
    assert decider.stops and "the canaries" in decider.stops[0].description
    assert decider.stops[0].remaining == 4 and "2 of 2 failed" in decider.stops[0].description
    assert "stopped after the canaries" in first.summary
    assert _report(tmp_path, first)["decommission"]["allowed"] is False
    # a plain resume asks again and starts nothing
    again = Migration(engine_config(pair, tmp_path), on_event=lambda e: None, decider=ScriptedDecider())
    assert again.run().exit_code == 3
    again.close()
    assert _per_deployment(pair) == {"dep-1": 1, "dep-4": 1}
    # accepting every failure rate goes on with the rest; the canaries are not posted again
    relaxed = engine_config(pair, tmp_path, agents=AgentOptions(concurrency=3, max_failure_rate=1.0))
    third = Migration(relaxed, on_event=lambda e: None, decider=ScriptedDecider())
    result = third.run()
    third.close()
    assert result.exit_code == 3, result.summary  # the canaries' failures remain
    assert _per_deployment(pair) == {f"dep-{i}": 1 for i in range(1, 7)}
    # the cause fixed, --retry-failed-agents retries the two canaries only
    pair.new.clear_faults()
    fourth = Migration(relaxed, on_event=lambda e: None, decider=ScriptedDecider(retry=True))
    done = fourth.run()
    fourth.close()
    assert done.exit_code == 0, done.summary
    assert _per_deployment(pair) == {f"dep-{i}": 2 if i in (1, 4) else 1 for i in range(1, 7)}
    assert _report(tmp_path, done)["decommission"]["allowed"] is True


def test_headless_stop_names_how_to_go_on(make_pair, tmp_path: Path) -> None:
    from tests.integration.engine.conftest import run_cli

    pair = make_pair("6.4.2", "7.0.4", old=WAVES_SEED, new={"faults": CANARIES_FAIL})
    args = ["run", "--old", pair.old.url, "--new", pair.new.url, "--yes", "--state-dir", str(tmp_path)]
    done = run_cli(args)
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert "--agent-max-failure-rate" in out and "--retry-failed-agents" in out, out
    assert _per_deployment(pair) == {"dep-1": 1, "dep-4": 1}


def test_a_journal_from_before_the_ledger_reads_it_when_the_report_is_written(
    make_pair, tmp_path: Path
) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    first = _run(pair, tmp_path)
    assert first.exit_code == 0 and _report(tmp_path, first)["decommission"]["allowed"] is True
    path = tmp_path / "migrations" / first.migration_id / "journal.json"
    data = json.loads(path.read_text())
    del data["ledger"]  # as an older cfy-migrate wrote it
    path.write_text(json.dumps(data))
    config = replace(engine_config(pair, tmp_path), migration_id=first.migration_id)
    again = Migration(config, on_event=lambda e: None, decider=ScriptedDecider())
    second = again.run()
    again.close()
    report = _report(tmp_path, second)
    assert report["ledger"]["read_at"] and report["decommission"]["allowed"] is True, report["decommission"]
