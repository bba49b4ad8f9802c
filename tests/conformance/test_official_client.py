"""The OFFICIAL client (cloudify-common 7.0.5 CloudifyClient) accepts the simulator, for every profile."""

from __future__ import annotations

import time

import pytest
from cloudify_rest_client import CloudifyClient
from cloudify_rest_client.exceptions import CloudifyClientError

from tests.simulator.helpers import PORTABLE_RESTORE, Api, execution_done


def _client(sim, password: str = "admin") -> CloudifyClient:
    return CloudifyClient(
        host=sim.host,
        port=sim.port,
        protocol="http",
        username="admin",
        password=password,
        tenant="default_tenant",
    )


@pytest.mark.parametrize("profile", ["4.6", "5.2.7", "6.4.2", "7.0.4", "7.1.0"])
def test_official_client_end_to_end(make_simulator, tmp_path, profile):
    old = make_simulator(profile=profile, deployments=6, installed=6, admin_password="old-pw")
    new = make_simulator(
        profile=profile, clean=True, admin_password="new-pw", restore_outage=1, post_restore_delay=2
    )
    c = _client(old, "old-pw")
    assert c.manager.get_version()["version"] == {"7.1.0": "7.1.0.dev1"}.get(profile, profile)
    assert c.manager.get_status()["status"] in ("OK", "running")
    if profile != "4.6":
        assert c.manager.get_managers()[0].private_ip == old.host
        assert c.snapshots.get_status()["status"] == "not-running"
    assert c.users.get_self().username == "admin"
    assert next(t.name for t in c.tenants.list()) == "default_tenant"
    assert len(c.blueprints.list(_all_tenants=True)) > 0
    deps = c.deployments.list(_all_tenants=True, _get_all_results=True)
    assert deps.metadata.pagination.total == 6
    assert len(c.node_instances.list(deployment_id=deps[0].id)) == 2
    assert isinstance(c.agents.list().items, list)
    dep = next(d for d in c.deployments.list() if d.id)
    exe = c.executions.start(
        dep.id, "install_new_agents", parameters={"install_agent_timeout": 300}, allow_custom_parameters=True
    )
    assert exe.status == "pending"
    execution_done(old, exe.id)
    assert c.executions.get(exe.id).status == "terminated"
    assert any(e.id == exe.id for e in c.executions.list())
    events = c.events.list(execution_id=exe.id, include_logs=True, _sort="reported_timestamp")
    assert events.items[0]["event_type"] == "workflow_started"
    assert c.maintenance_mode.status().status == "deactivated"
    assert c.maintenance_mode.activate().status == "activated"
    assert c.maintenance_mode.deactivate().status == "deactivated"
    long_run = c.executions.start(dep.id, "execute_operation", parameters={"operation": "op"})
    c.executions.cancel(long_run.id)
    execution_done(old, long_run.id)
    snap_exe = c.snapshots.create("snapA", include_credentials=True, include_logs=True, include_events=True)
    assert snap_exe.workflow_id == "create_snapshot"
    execution_done(old, snap_exe.id)
    assert c.snapshots.get("snapA").status == "created"
    assert [s.id for s in c.snapshots.list()] == ["snapA"]
    path = tmp_path / "snapA.zip"
    c.snapshots.download("snapA", str(path))
    assert path.stat().st_size > 0
    c.snapshots.delete("snapA")
    with pytest.raises(CloudifyClientError):
        c.snapshots.get("snapA")
    n = _client(new, "new-pw")
    assert n.snapshots.upload(str(path), "snapA").status == "uploaded"
    if profile in ("4.6", "5.2.7"):
        # The 7.0.5 client does not send recreate_deployments_envs, which <= 5.2.7 requires: a real 400.
        with pytest.raises(CloudifyClientError, match="recreate_deployments_envs"):
            n.snapshots.restore("snapA", force=False)
        restored = Api(new, password="new-pw").post("/snapshots/snapA/restore", json=PORTABLE_RESTORE).json()
    else:
        restored = n.snapshots.restore("snapA", force=False)
    execution_done(new, restored["id"])
    deadline = time.monotonic() + 10
    while new.state()["admin_password"] != "restored_snapshot":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    after = _client(new, "old-pw")
    assert after.deployments.list(_all_tenants=True).metadata.pagination.total == 6
    assert after.snapshots.list().items == []
