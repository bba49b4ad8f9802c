"""Listing over real sockets: pagination, counts, projections per version, tenants, filters."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.client.conftest import ClientFactory
from wizard.cloudify.client import RequestRecord
from wizard.cloudify.errors import NotFoundError
from wizard.simulator import RunningSimulator

Make = Callable[..., RunningSimulator]


def test_pagination_across_pages_equals_one_page(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2", deployments=7, installed=3, tenants=3)
    records: list[RequestRecord] = []
    client = make_client(sim, records=records)
    one_page = list(client.iter_items("node-instances", all_tenants=True, sort="id"))
    records.clear()
    paged = list(client.iter_items("node-instances", all_tenants=True, sort="id", page_size=3))
    assert paged == one_page
    assert len(paged) == sim.state()["counts"]["node_instances"]
    offsets = [dict(r.params)["_offset"] for r in records]
    assert offsets == [str(n) for n in range(0, len(paged), 3)]
    assert all(dict(r.params)["_size"] == "3" and dict(r.params)["_all_tenants"] == "true" for r in records)


def test_page_and_count(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="7.0.4", deployments=5, installed=2)
    client = make_client(sim)
    counts = sim.state()["counts"]
    assert client.count("deployments", all_tenants=True) == counts["deployments"]
    assert client.count("blueprints", all_tenants=True) == counts["blueprints"]
    page = client.page("deployments", offset=1, size=2, all_tenants=True, include=["id"])
    assert (page.offset, page.size, page.total) == (1, 2, counts["deployments"])
    assert len(page.items) == 2
    assert set(page.items[0]) <= {"id"}


def test_tenant_header_and_filters(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2", tenants=2, deployments=4, installed=4)
    client = make_client(sim)
    expected = {d["id"] for d in sim.state()["per_tenant"]["tenant-1"]["deployments"]}
    mine = {d.id for d in client.deployments(all_tenants=False, tenant="tenant-1")}
    assert mine == expected
    one = sorted(expected)[0]
    instances = list(client.node_instances(tenant="tenant-1", all_tenants=False, deployment_id=one))
    assert instances and {i.deployment_id for i in instances} == {one}
    assert sum(i.is_host for i in instances) == 1
    picked = list(client.iter_items("deployments", all_tenants=True, filters={"id": sorted(expected)}))
    assert {p["id"] for p in picked} == expected


@pytest.mark.parametrize(
    ("profile", "has_status"), [("4.6", False), ("5.2.7", False), ("6.4.2", True), ("7.0.4", True)]
)
def test_deployments_installation_status_per_profile(
    make_simulator: Make, make_client: ClientFactory, profile: str, has_status: bool
) -> None:
    sim = make_simulator(profile=profile, deployments=4, installed=2)
    records: list[RequestRecord] = []
    # no version() first: the client must fall back on the 400 by itself
    client = make_client(sim, records=records)
    deps = list(client.deployments())
    assert len(deps) == 4
    assert all(d.tenant_name and d.blueprint_id for d in deps)
    if has_status:
        assert sorted(d.installation_status or "" for d in deps) == [
            "active",
            "active",
            "inactive",
            "inactive",
        ]
    else:
        assert all(d.installation_status is None for d in deps)
        assert records[0].status == 400
        # once learnt, no more 400s
        records.clear()
        list(client.deployments())
        assert all(r.status == 200 for r in records)
    # with the version known, the projection is chosen up front
    after: list[RequestRecord] = []
    fresh = make_client(sim, records=after)
    fresh.version()
    list(fresh.deployments())
    assert all(r.status == 200 for r in after)
    without = list(fresh.deployments(with_installation_status=False))
    assert all(d.installation_status is None for d in without)


def test_deployments_with_workflows(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2", deployments=2, installed=2)
    deps = list(make_client(sim).deployments(with_workflows=True))
    assert all(d.declares("install_new_agents", "install_agent_timeout") for d in deps)


def test_agents_and_executions_lists(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    client = make_client(sim)
    agents = list(client.agents())
    assert len(agents) == sim.state()["counts"]["agents"]
    assert all(a.ip and a.deployment for a in agents)
    executions = list(client.executions())
    assert len(executions) == sim.state()["counts"]["executions"]
    installs = list(client.executions(workflow_id="install", statuses=["terminated", "failed"]))
    assert installs and all(e.workflow_id == "install" for e in installs)
    by_id = list(client.executions(ids=[installs[0].id]))
    assert [e.id for e in by_id] == [installs[0].id]


def test_unknown_resource_is_clear_not_found(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    with pytest.raises(NotFoundError) as info:
        list(make_client(sim).iter_items("no-such-things"))
    assert info.value.status == 404
    assert sim.url.replace("http://", "") in str(info.value)
