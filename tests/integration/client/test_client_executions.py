"""Executions, events and maintenance mode over real sockets."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.integration.client.conftest import ClientFactory
from wizard.cloudify.client import ManagerClient, RequestRecord
from wizard.cloudify.errors import BadParametersError, MaintenanceModeError, NotFoundError
from wizard.cloudify.models import Execution
from wizard.simulator import RunningSimulator

Make = Callable[..., RunningSimulator]


def wait_finished(client: ManagerClient, execution_id: str, tenant: str | None = None) -> Execution:
    deadline = time.monotonic() + 15
    while True:
        execution = client.get_execution(execution_id, tenant=tenant)
        if execution.finished or time.monotonic() > deadline:
            return execution
        time.sleep(0.02)


def test_start_get_list_and_events(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2", tenants=2, deployments=2, installed=2)
    client = make_client(sim)
    dep = next(d for d in client.deployments() if d.tenant_name == "tenant-1")
    started = client.start_execution(
        dep.id, "install_new_agents", parameters={"install_agent_timeout": 300}, tenant=dep.tenant_name
    )
    assert started.status in {"pending", "started", "queued"}
    assert started.workflow_id == "install_new_agents"
    assert started.deployment_id == dep.id
    done = wait_finished(client, started.id, tenant=dep.tenant_name)
    assert done.succeeded, done.error
    listed = list(client.executions(ids=[started.id], tenant=dep.tenant_name))
    assert [e.id for e in listed] == [started.id]
    # events, page by page, oldest first
    first = client.events(started.id, size=2, tenant=dep.tenant_name)
    assert first.total >= 2
    collected = list(first.items)
    while len(collected) < first.total:
        page = client.events(started.id, offset=len(collected), size=2, tenant=dep.tenant_name)
        assert page.items, "the server said there were more events"
        collected.extend(page.items)
    assert len(collected) == first.total
    assert collected[0].event_type == "workflow_started"
    assert collected[-1].event_type == "workflow_succeeded"
    stamps = [e.timestamp for e in collected]
    assert stamps == sorted(stamps)
    only_events = client.events(started.id, size=100, include_logs=False, tenant=dep.tenant_name)
    assert all(e.type == "cloudify_event" for e in only_events.items)


def test_execution_errors(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2", deployments=2, installed=2, tenants=1)
    client = make_client(sim)
    with pytest.raises(NotFoundError):
        client.start_execution("no-such-deployment", "install_new_agents")
    with pytest.raises(NotFoundError):
        client.get_execution("00000000-0000-0000-0000-000000000000")
    dep = next(iter(client.deployments()))
    with pytest.raises(BadParametersError) as info:
        client.start_execution(dep.id, "install_new_agents", parameters={"surely_undeclared": 1})
    assert info.value.error_code == "illegal_execution_parameters_error"
    allowed = client.start_execution(
        dep.id, "install_new_agents", parameters={"surely_undeclared": 1}, allow_custom_parameters=True
    )
    assert wait_finished(client, allowed.id).finished


def test_cancel_execution(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="7.0.4", deployments=1, installed=1, tenants=1, time_scale=1.0)
    client = make_client(sim)
    dep = next(iter(client.deployments()))
    started = client.start_execution(dep.id, "install_new_agents")
    cancelling = client.cancel_execution(started.id)
    assert cancelling.id == started.id
    assert cancelling.status in {"cancelling", "cancelled", "force_cancelling"}
    assert wait_finished(client, started.id).status == "cancelled"


def test_maintenance_mode_304_and_blocked_calls(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    records: list[RequestRecord] = []
    client = make_client(sim, records=records, retries=1)
    assert not client.maintenance().active
    assert client.activate_maintenance().active
    again = client.activate_maintenance()  # 304: not an error
    assert again.status == "activated"
    assert any(r.path.endswith("/maintenance/activate") and r.status == 304 for r in records)
    with pytest.raises(MaintenanceModeError) as info:
        list(client.deployments())
    assert info.value.status == 503
    assert info.value.error_code == "maintenance_mode_active"
    assert "maintenance" in str(info.value)
    assert client.version().version == "6.4.2"  # allowed in maintenance mode
    assert client.deactivate_maintenance().status == "deactivated"
    assert client.deactivate_maintenance().status == "deactivated"  # 304 again
    assert sum(r.status == 304 for r in records) == 2
    assert list(client.deployments())
