"""Our client and the official one (cloudify-common 7.0.5) read the same values from one manager.

The simulator shares no code with either client; if both agree on every value here, neither has
quietly misread a shape the other understands.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cloudify_rest_client import CloudifyClient

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.simulator import RunningSimulator

PASSWORD = "Same-Values-Pw"


def _official(sim: RunningSimulator) -> CloudifyClient:
    return CloudifyClient(
        host=sim.host, port=sim.port, protocol="http", username="admin", password=PASSWORD,
        tenant="default_tenant",
    )  # fmt: skip


def _ours(sim: RunningSimulator) -> ManagerClient:
    return ManagerClient(Endpoint.parse(sim.url), Credentials("admin", PASSWORD, "default_tenant"))


def _items(listing: Any) -> list[Any]:
    return list(listing.items if hasattr(listing, "items") else listing)


@pytest.mark.parametrize("profile", ["4.6", "5.2.7", "6.4.2", "7.0.4"])
def test_both_clients_read_the_same_values(
    make_simulator: Callable[..., RunningSimulator], tmp_path: Path, profile: str
) -> None:
    sim = make_simulator(profile=profile, host="127.0.0.41", tenants=3, deployments=9, installed=5,
                         admin_password=PASSWORD)  # fmt: skip
    official, ours = _official(sim), _ours(sim)

    version = official.manager.get_version()
    mine = ours.version()
    assert (mine.version, mine.edition) == (version["version"], version["edition"])
    assert ours.status().status == official.manager.get_status()["status"]

    if profile != "4.6":
        theirs = [(m.hostname, m.private_ip, dict(m.networks)) for m in official.manager.get_managers()]
        assert [(m.hostname, m.private_ip, m.networks) for m in ours.managers()] == theirs
        assert ours.snapshot_restore_running() is (official.snapshots.get_status()["status"] == "running")
    else:
        context = official.manager.get_context()["context"]["cloudify"]["cloudify_agent"]
        assert ours.managers()[0].private_ip == context["broker_ip"]

    user = official.users.get_self()
    assert (ours.current_user().username, ours.current_user().role) == (user.username, user.role)
    assert sorted(t.name for t in ours.tenants()) == sorted(t.name for t in official.tenants.list())

    def pairs(rows: list[Any], *keys: str) -> list[tuple[Any, ...]]:
        # our models read a missing string as "" (documented in wizard/cloudify/models.py)
        def value(row: Any, key: str) -> Any:
            v = row[key] if isinstance(row, dict) else getattr(row, key)
            return v or ""

        return sorted(tuple(value(row, k) for k in keys) for row in rows)

    assert pairs(list(ours.blueprints()), "id", "tenant_name") == pairs(
        _items(official.blueprints.list(_all_tenants=True, _get_all_results=True)), "id", "tenant_name"
    )
    their_deployments = _items(official.deployments.list(_all_tenants=True, _get_all_results=True))
    assert pairs(list(ours.deployments()), "id", "tenant_name", "blueprint_id") == pairs(
        their_deployments, "id", "tenant_name", "blueprint_id"
    )
    if profile in ("6.4.2", "7.0.4"):
        assert pairs(list(ours.deployments()), "id", "installation_status") == pairs(
            their_deployments, "id", "installation_status"
        )
    their_instances = _items(official.node_instances.list(_all_tenants=True, _get_all_results=True))
    assert pairs(list(ours.node_instances()), "id", "deployment_id", "host_id", "state") == pairs(
        their_instances, "id", "deployment_id", "host_id", "state"
    )
    if profile != "4.6":
        their_agents = _items(official.agents.list(_all_tenants=True))
        assert pairs(list(ours.agents()), "id", "install_method", "ip") == pairs(
            their_agents, "id", "install_method", "ip"
        )

    # an execution started by ours is seen the same way by both, events included
    dep = next(d for d in ours.deployments(all_tenants=False))
    started = ours.start_execution(dep.id, "install_new_agents", parameters={"install_agent_timeout": 300},
                                   allow_custom_parameters=True)  # fmt: skip
    theirs_exe = official.executions.get(started.id)
    assert (started.workflow_id, started.deployment_id) == (theirs_exe.workflow_id, theirs_exe.deployment_id)
    for _ in range(200):
        if ours.get_execution(started.id).finished:
            break
        time.sleep(0.02)
    final = ours.get_execution(started.id)
    assert final.status == official.executions.get(started.id).status == "terminated"
    their_events = [e["message"] for e in official.events.list(execution_id=started.id, include_logs=True,
                                                                _sort="reported_timestamp")]  # fmt: skip
    assert [e.message for e in ours.events(started.id, size=1000).items] == their_events

    assert ours.maintenance().status == official.maintenance_mode.status().status

    # a snapshot: created by the official client, read and downloaded by ours, same bytes
    exe = official.snapshots.create("snap-same", include_credentials=True, include_logs=True,
                                    include_events=True)  # fmt: skip
    for _ in range(400):
        if ours.get_snapshot("snap-same").status == "created":
            break
        time.sleep(0.02)
    assert ours.get_snapshot("snap-same").status == official.snapshots.get("snap-same").status == "created"
    assert ours.get_execution(exe.id).workflow_id == "create_snapshot"
    theirs_file = tmp_path / "theirs.zip"
    official.snapshots.download("snap-same", str(theirs_file))
    result = ours.download_snapshot("snap-same", tmp_path / "ours.zip")
    assert (tmp_path / "ours.zip").read_bytes() == theirs_file.read_bytes()
    assert result.size == theirs_file.stat().st_size
    assert [s.id for s in ours.list_snapshots()] == [s.id for s in official.snapshots.list()]
    ours.close()
