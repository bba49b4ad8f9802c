"""The agents census (the official CLI's rule and what it cannot move), the waves, the ledger's
time reading, and the decommissioning verdict built from a journal alone."""

from __future__ import annotations

from pathlib import Path

from wizard.cloudify.models import Agent, Deployment, NodeInstance
from wizard.migration.census import MANUAL, MOVE, NOTHING, classify
from wizard.migration.ledger import parse_time
from wizard.migration.state import AgentRecord, Journal
from wizard.migration.steps import StepId
from wizard.migration.verdict import decommission_advice
from wizard.migration.waves import assign_waves, wave_result


def _host(ident: str, dep: str, state: str = "started", tenant: str = "t") -> NodeInstance:
    return NodeInstance(ident, dep, ident.split("_")[0], ident, state, tenant)


def _agent(host: str, dep: str, method: str = "remote", state: str = "started", tenant: str = "t") -> Agent:
    return Agent(host, dep, host, host, install_method=method, state=state, tenant_name=tenant)


def test_census_follows_the_official_rule_and_names_what_cannot_move() -> None:
    deps = [Deployment(f"d{i}", "t", "bp") for i in range(1, 9)]
    instances = [
        _host("vm_1", "d1"),
        NodeInstance("app_1", "d1", "app", "vm_1", "configured", "t"),  # inactive, host started: moves
        _host("vm_2", "d2", "uninitialized"),  # never installed
        NodeInstance("svc_3", "d3", "svc", "", "started", "t"),  # no Compute host
        _host("vm_4", "d4"),
        _host("vm2_4", "d4", "deleted"),  # partly installed, with a live agent on vm_4
        _host("vm_5", "d5"),  # provided agent
        _host("vm_6", "d6"),  # install_method none: no agent row
        _host("vm_7", "d7", "stopped"),  # stopped, its agent stopped too
        _host("vm_8", "d8"),  # an agent whose node instance is not a host here
    ]
    agents = [
        _agent("vm_1", "d1"),
        _agent("vm_4", "d4", "init_script"),
        _agent("vm_5", "d5", "provided"),
        _agent("vm_7", "d7", state="stopped"),
        _agent("vm_8", "d8"),
        _agent("ghost_8", "d8"),
    ]
    census = classify(deps, instances, agents)
    by = {r.deployment: r for r in census.rows}
    assert by["d1"].category == MOVE and by["d1"].runs and by["d1"].moving == 1
    assert by["d2"].category == NOTHING and "not installed" in by["d2"].reason
    assert by["d3"].category == NOTHING and "no Compute host" in by["d3"].reason and not by["d3"].runs
    assert by["d4"].category == MANUAL and "partly installed" in by["d4"].reason and not by["d4"].runs
    assert by["d5"].category == MANUAL and "provided" in by["d5"].reason and by["d5"].runs
    assert by["d5"].moving == 0
    assert by["d6"].category == MOVE and "install_method none" in by["d6"].reason
    assert by["d7"].category == NOTHING
    assert by["d8"].category == MANUAL and "without a Compute host: ghost_8" in by["d8"].reason
    counts = census.counts()["t"]
    assert counts == {MOVE: 2, NOTHING: 3, MANUAL: 3, "agents": 2}  # d1 and d8's vm_8


def test_census_without_agents_listing_and_with_a_tenant_filter() -> None:
    deps = [Deployment("d1", "a", "bp"), Deployment("d2", "b", "bp")]
    instances = [_host("vm_1", "d1", tenant="a"), _host("vm_2", "d2", tenant="b")]
    census = classify(deps, instances, None, tenants=("a",))
    by = {r.deployment: r for r in census.rows}
    assert not census.agents_known
    assert by["d1"].category == MOVE and by["d1"].agents == 1  # a started host stands for an agent
    assert by["d2"].category == MANUAL and "--agent-tenants" in by["d2"].reason


def test_waves_put_one_deployment_per_blueprint_first() -> None:
    records = [AgentRecord("t", f"d{i}", blueprint=f"bp{i % 3}") for i in range(50)]
    assign_waves(records, concurrency=2)
    assert [r.deployment for r in records if r.wave == 0] == ["d0", "d1", "d2"]
    assert {r.wave for r in records} == {0, 1, 2, 3}  # 47 more in waves of 20
    records[0].status, records[1].status, records[2].status = "failed", "failed", "succeeded"
    result = wave_result(records, 0, 0.5)
    assert result.too_many and result.remaining == 47 and "2 of 3 failed" in result.describe()
    assert not wave_result(records, 0, 0.7).too_many


def test_parse_time_reads_every_manager_format() -> None:
    a = parse_time("2024-05-01T10:00:00.123Z")
    assert a is not None and a == parse_time("2024-05-01 10:00:00.123+00:00")
    assert parse_time("2024-05-01T10:00:00Z") is not None and parse_time("garbage") is None


def _journal(tmp_path: Path) -> Journal:
    j = Journal.create(tmp_path, "m1", "https://old:443", "https://new:443", {})
    for step in (StepId.VERIFY_INVENTORY, StepId.INSTALL_AGENTS):
        j.finish_step(step, "done")
    j.state.agents.planned_at = "2024-05-01T10:00:00Z"
    j.state.agents.deployments = {"t/d1": AgentRecord("t", "d1", "succeeded")}
    j.state.ledger.read_at = "2024-05-01T11:00:00Z"
    return j


def test_verdict_yes_only_when_proven(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    assert decommission_advice(j.state)["allowed"] is True
    # a change on the old manager since the snapshot: no, naming it; acknowledged: yes
    j.state.ledger.changes = [
        {"kind": "execution", "tenant": "t", "what": "install on deployment d9", "at": "x"}
    ]
    advice = decommission_advice(j.state)
    assert advice["allowed"] is False and "install on deployment d9" in advice["text"]
    j.acknowledge("old.changed", "redone by hand", 1)
    assert decommission_advice(j.state)["allowed"] is True
    # a second change is not covered by an acknowledgement of one
    j.state.ledger.changes.append(
        {"kind": "blueprint", "tenant": "t", "what": "blueprint bp9 uploaded", "at": "y"}
    )
    assert decommission_advice(j.state)["allowed"] is False
    j.state.ledger.changes = []
    # a deployment that cannot move automatically: no, naming it and why
    j.state.agents.manual = [{"tenant": "t", "deployment": "d2", "reason": "install_method provided on vm_2"}]
    advice = decommission_advice(j.state)
    assert advice["allowed"] is False and "t/d2: install_method provided" in advice["text"]
    j.state.agents.manual = []
    # the ledger could not be read: no
    j.state.ledger.error = "connection refused"
    assert "were not read (connection refused)" in decommission_advice(j.state)["text"]
    j.state.ledger.error = ""
    # one deployment still running: no
    j.state.agents.deployments["t/d3"] = AgentRecord("t", "d3", "running")
    advice = decommission_advice(j.state)
    assert advice["allowed"] is False and advice["pending"] == ["t/d3 (running)"]
