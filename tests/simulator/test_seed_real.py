"""real_shapes: the data shapes of the measured 7.1 seed (install_method none, host_id null,
upload_blueprint executions without a deployment, seeded events)."""

from __future__ import annotations

from typing import Any

from tests.simulator.helpers import Api, execution_done


def test_real_shapes_seed(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0", edition="community", real_shapes=True)
    api = Api(sim)
    assert api.get("/agents?_all_tenants=true").json()["items"] == []
    execs = api.get("/executions?_include_system_workflows=false&_all_tenants=true").json()["items"]
    uploads = [e for e in execs if e["workflow_id"] == "upload_blueprint"]
    assert uploads and all(e["deployment_id"] is None for e in uploads)
    assert set(uploads[0]["parameters"]) >= {"blueprint_id", "app_file_name", "validate_only", "labels"}
    instances = api.get("/node-instances?_all_tenants=true&_include=id,host_id").json()["items"]
    assert any(ni["host_id"] is None for ni in instances)
    assert api.get("/events?_size=1").json()["metadata"]["pagination"]["total"] > 0
    installed = [d for d in api.get("/deployments").json()["items"] if d["installation_status"] == "active"]
    body = {"deployment_id": installed[0]["id"], "workflow_id": "install_new_agents"}
    r = api.post("/executions", json=body)
    assert r.status_code == 201 and r.json()["status"] == "pending"  # pending right after it is created
    execution_done(sim, r.json()["id"])
    events = api.get(f"/events?execution_id={r.json()['id']}").json()["items"]
    assert [e["event_type"] for e in events] == ["workflow_started", "workflow_succeeded"]


def test_default_seed_is_unchanged_without_real_shapes(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0")
    assert sim.state()["counts"]["agents"] > 0 and sim.state()["counts"]["events"] == 0
