"""Agents (issue 16): a deployment without a Compute host has no agent to move (not a failure),
one refused start never abandons the executions already running, and manager_ip goes with the
new manager's certificate."""

from __future__ import annotations

from pathlib import Path

from tests.integration.engine.conftest import OLD_PW, ScriptedDecider, engine_config
from wizard.migration.config import AgentOptions
from wizard.migration.events import AgentUpdate, Event, LogLine
from wizard.migration.runner import Migration
from wizard.migration.state import Journal
from wizard.migration.steps import StepId


def _run(pair, state_dir: Path, events: list[Event] | None = None, **config):  # type: ignore[no-untyped-def]
    m = Migration(
        engine_config(pair, state_dir, **config),
        on_event=(events.append if events is not None else lambda e: None),
        decider=ScriptedDecider(),
    )
    try:
        return m.run()
    finally:
        m.close()


def _state(state_dir: Path):  # type: ignore[no-untyped-def]
    (path,) = (state_dir / "migrations").glob("*/journal.json")
    return Journal.load(path).state


def test_an_installed_deployment_without_compute_has_nothing_to_move(make_pair, tmp_path: Path) -> None:
    pair = make_pair("7.0.4", "7.0.4", old={"deployments": 8, "installed": 8})
    events: list[Event] = []
    result = _run(pair, tmp_path, events)
    assert result.exit_code == 0, result.summary
    state = _state(tmp_path)
    # the census knows before any start: no Compute host, nothing to move, no POST for it
    nothing = [s for s in state.agents.skipped if "no Compute host" in s["reason"]]
    assert nothing, state.agents.skipped
    runs = pair.new.state()["executions"]
    posted = {e["deployment_id"] for e in runs if e["workflow_id"] == "install_new_agents"}
    assert not posted & {s["deployment"] for s in nothing}
    skipped = {
        (e.tenant, e.deployment) for e in events if isinstance(e, AgentUpdate) and e.status == "skipped"
    }
    assert {(s["tenant"], s["deployment"]) for s in nothing} <= skipped
    agents = next(o for o in result.outcomes if o.step is StepId.INSTALL_AGENTS)
    assert "nothing to move" in agents.detail
    report = (tmp_path / "migrations" / state.migration_id / "report.md").read_text()
    assert "may be decommissioned" in report


def test_one_refused_start_does_not_abandon_the_running_ones(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    # the limiter's answer to one POST /executions (an nginx HTML 503, after the client's retries)
    pair.new.set_faults("http_error:path=/executions,method=POST,status=503,nth=2,count=6")
    result = _run(pair, tmp_path, agents=AgentOptions(concurrency=4))
    assert result.exit_code == 0, result.summary
    runs = [e for e in pair.new.state()["executions"] if e["workflow_id"] == "install_new_agents"]
    per_dep: dict[str, int] = {}
    for e in runs:
        per_dep[e["deployment_id"]] = per_dep.get(e["deployment_id"], 0) + 1
    assert per_dep and all(n == 1 for n in per_dep.values()), per_dep


def test_manager_ip_goes_with_the_new_managers_certificate(make_pair, tmp_path: Path) -> None:
    from dataclasses import replace

    from wizard.cloudify.endpoint import Endpoint
    from wizard.migration.stages.agents import agent_parameters

    pair = make_pair("6.4.2", "7.0.4")
    ca = tmp_path / "new-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    config = engine_config(pair, tmp_path, agents=AgentOptions(manager_ip="127.0.0.12"))
    new = replace(config.new, endpoint=Endpoint.parse("https://127.0.0.12", ca_cert=ca))
    view = type("View", (), {"config": replace(config, new=new)})()
    params = agent_parameters(view)
    assert params["manager_ip"] == "127.0.0.12"
    assert params["manager_certificate"].startswith("-----BEGIN CERTIFICATE-----")


def test_manager_ip_goes_with_the_new_managers_internal_ca_and_says_why(make_pair, tmp_path: Path) -> None:
    import json

    import requests

    pair = make_pair("6.4.2", "7.0.4")
    events: list[Event] = []
    result = _run(pair, tmp_path, events, agents=AgentOptions(concurrency=3, manager_ip="127.0.0.12"))
    assert result.exit_code == 0, result.summary
    managers = requests.get(f"{pair.new.url}/api/v3.1/managers", auth=("admin", OLD_PW), timeout=5).json()
    ca = managers["items"][0]["ca_cert_content"]
    runs = [e for e in pair.new.state()["executions"] if e["workflow_id"] == "install_new_agents"]
    assert runs and all(e["parameters"]["manager_ip"] == "127.0.0.12" for e in runs)
    assert all(e["parameters"]["manager_certificate"] == ca for e in runs)
    said = " ".join(e.message for e in events if isinstance(e, LogLine))
    assert "goes with manager_certificate = the new manager's internal CA (GET /managers)" in said
    report = json.loads((tmp_path / "migrations" / result.migration_id / "report.json").read_text())
    assert "manager_certificate" not in report["agents"]["parameters"]  # not the PEM in the report
    assert "sent with manager_ip so agents can verify it" in report["agents"]["manager_certificate"]
