"""The agents' hard cases as seed switches (provided agents, partly installed deployments, split
hosts, execution schedules) and changes made after a snapshot (/_sim/actions, after_snapshot)."""

from __future__ import annotations

import requests

from tests.simulator.helpers import Api, execution_done, make_snapshot, wait_for


def _deps(sim) -> dict[str, dict]:
    return {d["id"]: d for t in sim.state()["per_tenant"].values() for d in t["deployments"]}


def test_switches_shape_the_installed_deployments(make_simulator) -> None:
    sim = make_simulator(
        profile="6.4.2", host="127.0.0.21", provided_agents=1, split_hosts=1, partly_installed=1
    )
    deps = _deps(sim)
    agents = {a["deployment"]: a for a in sim.state()["agents"]}
    assert agents["dep-1"]["install_method"] == "provided"  # the first installed deployment
    assert deps["dep-3"]["installation_status"] == "inactive"  # split host: a second host never started
    assert deps["dep-4"]["installation_status"] == "inactive"  # partly: a software node not started
    api = Api(sim)
    hosts = [
        ni
        for ni in api.get("/node-instances?deployment_id=dep-3&_include=id,host_id,state").json()["items"]
        if ni["id"] == ni["host_id"]
    ]
    assert sorted(ni["state"] for ni in hosts) == ["started", "uninitialized"]
    api1 = Api(sim, tenant="tenant-1")
    four = api1.get("/node-instances?deployment_id=dep-4&_include=id,host_id,state").json()["items"]
    assert [ni["state"] for ni in four if ni["id"] == ni["host_id"]] == ["started"]
    assert "dep-4" in agents and agents["dep-4"]["state"] == "started"


def test_install_new_agents_leaves_a_provided_agent_alone(make_simulator) -> None:
    sim = make_simulator(profile="6.4.2", host="127.0.0.21", provided_agents=1)
    api = Api(sim)
    r = api.post(
        "/executions",
        json={
            "deployment_id": "dep-1",
            "workflow_id": "install_new_agents",
            "parameters": {"manager_ip": "127.0.0.9"},
            "allow_custom_parameters": True,  # dep-1's blueprint imports 4.3 types
        },
    )
    assert r.status_code == 201, r.text
    assert execution_done(sim, r.json()["id"])["status"] == "terminated"
    agent = next(a for a in sim.state()["agents"] if a["deployment"] == "dep-1")
    assert agent["manager_ip"] == "127.0.0.21"  # not re-pointed


def test_execution_schedules_are_served_from_5_2(make_simulator) -> None:
    sim = make_simulator(profile="6.4.2", host="127.0.0.21", schedules=2)
    api = Api(sim)
    body = api.get("/execution-schedules?_all_tenants=true").json()
    assert body["metadata"]["pagination"]["total"] == 2
    first = body["items"][0]
    assert first["id"] == "nightly-heal-1" and first["deployment_id"] == "dep-1" and first["enabled"] is True
    assert {"rule", "next_occurrence", "workflow_id", "tenant_name", "all_next_occurrences"} <= set(first)
    only = api.get("/execution-schedules").json()["items"]  # the Tenant header alone
    assert [s["tenant_name"] for s in only] == ["default_tenant"]
    old = make_simulator(profile="4.6", host="127.0.0.22", schedules=2)
    assert Api(old).get("/execution-schedules").status_code == 404


def test_sim_actions_change_the_manager_like_a_person(make_simulator) -> None:
    sim = make_simulator(profile="6.4.2", host="127.0.0.21")
    r = requests.post(f"{sim.url}/_sim/actions", json={"action": "install", "deployment": "dep-5"}, timeout=5)
    assert r.status_code == 200, r.text
    assert execution_done(sim, r.json()["execution_id"])["status"] == "terminated"
    assert _deps(sim)["dep-5"]["installation_status"] == "active"
    made = requests.post(
        f"{sim.url}/_sim/actions", json={"action": "deploy", "deployment": "late"}, timeout=5
    )
    assert made.status_code == 200 and _deps(sim)["late"]["installation_status"] == "inactive"
    bp = requests.post(
        f"{sim.url}/_sim/actions", json={"action": "upload", "blueprint": "bp-late"}, timeout=5
    )
    assert bp.status_code == 200 and "bp-late" in sim.state()["per_tenant"]["default_tenant"]["blueprints"]
    bad = requests.post(f"{sim.url}/_sim/actions", json={"action": "explode", "deployment": "x"}, timeout=5)
    assert bad.status_code == 400


def test_after_snapshot_rule_changes_the_manager_once_the_snapshot_exists(make_simulator) -> None:
    sim = make_simulator(
        profile="6.4.2", host="127.0.0.21", faults="after_snapshot:action=install,deployment=dep-5"
    )
    assert _deps(sim)["dep-5"]["installation_status"] == "inactive"
    make_snapshot(Api(sim), "s1")
    wait_for(lambda: _deps(sim)["dep-5"]["installation_status"] == "active")
    snap = next(s for s in sim.state()["snapshots"] if s["id"] == "s1")
    install = next(
        e
        for e in sim.state()["executions"]
        if e["workflow_id"] == "install" and e["deployment_id"] == "dep-5"
    )
    assert install["created_at"] > snap["created_at"]
    make_snapshot(Api(sim), "s2")  # fires once
    installs = [
        e
        for e in sim.state()["executions"]
        if e["workflow_id"] == "install" and e["deployment_id"] == "dep-5"
    ]
    assert len(installs) == 1
