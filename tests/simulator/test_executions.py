"""Executions and install_new_agents: declared parameters, availability, agents moving, faults, cancel."""

from __future__ import annotations

from tests.simulator.helpers import Api, deployments_by, execution_done


def _start(api: Api, dep: str, wf: str = "install_new_agents", **body: object):
    return api.post("/executions", json={"deployment_id": dep, "workflow_id": wf, **body})


def _api_for(sim, dep):
    return Api(sim, tenant=dep["tenant"])


def test_install_new_agents_moves_agents(make_simulator):
    sim = make_simulator(profile="7.0.4", host="127.0.0.21", deployments=10, installed=10, seed=3)
    dep = next(
        d for d in deployments_by(sim, types_era="7.0", has_compute=True, installation_status="active")
    )
    api = _api_for(sim, dep)
    before = api.get(f"/agents?deployment_id={dep['id']}").json()["items"]
    r = _start(
        api,
        dep["id"],
        parameters={"stop_old_agent": True, "manager_ip": "127.0.0.22"},
        allow_custom_parameters="false",
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "pending" and body["error"] is None and body["status_display"] == "pending"
    assert body["parameters"]["install_agent_timeout"] == 300 and body["parameters"]["stop_old_agent"] is True
    assert list(body["parameters"])[:2] == ["stop_old_agent", "manager_ip"]
    done = execution_done(sim, body["id"])
    assert done["status"] == "terminated" and done["error"] == ""
    agents = [
        a for a in sim.state()["agents"] if a["deployment"] == dep["id"] and a["tenant"] == dep["tenant"]
    ]
    assert len(agents) == len(before)
    for agent in agents:
        assert (
            agent["manager_ip"] == "127.0.0.22" and agent["version"] == "7.0.4" and agent["old_agent_stopped"]
        )
    events = api.get(f"/events?execution_id={body['id']}&_sort=reported_timestamp").json()
    assert "filtered" not in events["metadata"]
    assert list(events["metadata"]["pagination"]) == ["size", "offset", "total"]
    types = [e.get("event_type") for e in events["items"]]
    assert types[0] == "workflow_started" and types[-1] == "workflow_succeeded"
    got = api.get(f"/executions/{body['id']}").json()
    assert got["status_display"] == "completed"


def test_43_types_reject_new_parameters(make_simulator):
    sim = make_simulator(profile="6.4.2", deployments=12, installed=12)
    dep = deployments_by(sim, types_era="4.3", has_compute=True)[0]
    api = _api_for(sim, dep)
    r = _start(api, dep["id"], parameters={"stop_old_agent": True})
    assert r.status_code == 400
    assert r.json() == {
        "error_code": "illegal_execution_parameters_error",
        "server_traceback": None,
        "message": 'Workflow "install_new_agents" does not have the following parameters '
        "declared: stop_old_agent. Remove these parameters or use the flag for "
        "allowing custom parameters",
    }
    declared = api.get(f"/deployments/{dep['id']}").json()["workflows"]
    params = next(w for w in declared if w["name"] == "install_new_agents")["parameters"]
    assert "stop_old_agent" not in params and "manager_ip" not in params
    r = _start(api, dep["id"], parameters={"stop_old_agent": True}, allow_custom_parameters=True)
    assert r.status_code == 201
    execution_done(sim, r.json()["id"])


def test_availability_needs_compute_and_started_hosts(make_simulator):
    sim = make_simulator(profile="7.0.4", deployments=14, installed=7)
    no_compute = [d for d in deployments_by(sim, has_compute=False) if d["types_era"] in ("6.4", "7.0")]
    not_installed = [
        d
        for d in deployments_by(sim, installation_status="inactive", has_compute=True)
        if d["types_era"] in ("6.4", "7.0")
    ]
    for dep in (no_compute + not_installed)[:2]:
        r = _start(_api_for(sim, dep), dep["id"])
        assert r.status_code == 400
        assert r.json()["error_code"] == "unavailable_workflow_error"
        assert r.json()["message"] == "Workflow not available: install_new_agents"
    assert no_compute or not_installed


def test_old_types_not_started_host_fails_at_run_time(make_simulator):
    sim = make_simulator(profile="5.2.7", deployments=8, installed=0)
    dep = deployments_by(sim, has_compute=True)[0]
    api = _api_for(sim, dep)
    nodes = api.get(f"/node-instances?deployment_id={dep['id']}&_include=id,host_id").json()["items"]
    host = next(n for n in nodes if n["id"] == n["host_id"])
    r = _start(api, dep["id"], parameters={"install_methods": ["remote", "init_script", "plugin", "none"]})
    if dep["types_era"] == "4.3":
        r = _start(
            api,
            dep["id"],
            parameters={"install_methods": ["remote", "init_script", "plugin", "none"]},
            allow_custom_parameters=True,
        )
    assert r.status_code == 201
    done = execution_done(sim, r.json()["id"])
    assert done["status"] == "failed"
    assert (
        done["error"]
        .strip()
        .endswith(f"RuntimeError: Node {host['id']} is not started (state: uninitialized)")
    )


def test_seeded_failure_and_second_execution(make_simulator):
    sim = make_simulator(profile="6.4.2", deployments=6, installed=6, time_scale=0.1)
    dep = next(d for d in deployments_by(sim, has_compute=True) if d["types_era"] in ("6.4", "4.6"))
    sim.set_faults(f"fail_execution:workflow=install_new_agents,deployment={dep['id']},message=boom")
    api = _api_for(sim, dep)
    first = _start(api, dep["id"])
    assert first.status_code == 201
    second = _start(api, dep["id"])
    assert second.status_code == 400
    assert second.json()["error_code"] == "existing_running_execution_error"
    prefix = "The following executions are currently running for this deployment: [<Execution id="
    assert second.json()["message"].startswith(f"{prefix}`{first.json()['id']}`")
    snap = api.put("/snapshots/s1", json={})
    assert snap.status_code == 400
    assert snap.json()["message"] == (
        "Cannot start execution because there are other executions running e.g.: " + first.json()["id"]
    )
    done = execution_done(sim, first.json()["id"])
    assert done["status"] == "failed" and done["error"].strip().endswith("NonRecoverableError: boom")
    agents = [a for a in sim.state()["agents"] if a["deployment"] == dep["id"]]
    assert all(a["manager_ip"] == sim.host for a in agents)
    assert api.get(f"/deployments/{dep['id']}").json()["latest_execution_status"] == "failed"


def test_unknown_workflow_and_deployment(make_simulator):
    sim = make_simulator(profile="7.0.4")
    api = Api(sim)
    dep = api.get("/deployments").json()["items"][0]["id"]
    r = _start(api, dep, "no_such_workflow")
    assert r.status_code == 400
    assert r.json()["message"] == f"Workflow no_such_workflow does not exist in the deployment {dep}"
    r = _start(api, "nope", "install")
    assert r.status_code == 404
    assert r.json()["message"] == "Requested `Deployment` with ID `nope` was not found"


def test_cancel_and_lists(make_simulator):
    sim = make_simulator(profile="6.4.2", time_scale=0.5)
    api = Api(sim)
    dep = api.get("/deployments").json()["items"][0]["id"]
    exe = _start(api, dep, "execute_operation", parameters={"operation": "op"}).json()
    r = api.post(f"/executions/{exe['id']}", json={"action": "cancel"})
    assert r.status_code == 200
    assert execution_done(sim, exe["id"])["status"] == "cancelled"
    listed = api.get(f"/executions?deployment_id={dep}&_include_system_workflows=false").json()
    assert exe["id"] in [e["id"] for e in listed["items"]]
    system = api.get("/executions?_include_system_workflows=true&workflow_id=create_snapshot").json()
    assert system["metadata"]["pagination"]["total"] == 0
