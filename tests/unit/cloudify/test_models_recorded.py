"""Every model parses what a real manager answered (tests/fixtures/real-responses)."""

from __future__ import annotations

import pytest

from tests.unit.cloudify.recorded import bodies, body
from wizard.cloudify.client import parse_page
from wizard.cloudify.errors import ProtocolError
from wizard.cloudify.models import (
    Agent,
    Blueprint,
    Broker,
    CurrentUser,
    Deployment,
    Event,
    Execution,
    MaintenanceState,
    ManagerNode,
    ManagerStatus,
    NodeInstance,
    Snapshot,
    Tenant,
    VersionInfo,
)


def test_version_both_urls() -> None:
    for data in bodies("version.json"):
        info = VersionInfo.from_api(data)
        assert info.version == "7.1.0.dev1"
        assert info.edition == "community"
        assert info.distribution == "debian"
        assert str(info.parsed) == "7.1.0"


def test_status_dict_shape_fail_with_inactive_services() -> None:
    status = ManagerStatus.from_api(body("status.json"))
    assert status.status == "Fail"
    assert not status.healthy
    assert "Webserver" in status.inactive_services
    assert "RabbitMQ" not in status.inactive_services
    summary = ManagerStatus.from_api(body("status.json", 1))
    assert summary.services == ()


def test_status_4x_list_shape() -> None:
    data = {
        "status": "running",
        "services": [
            {
                "display_name": "Cloudify Console",
                "unit_id": "cloudify-stage.service",
                "instances": [{"state": "running", "ActiveState": "active", "SubState": "running"}],
            },
            {
                "display_name": "",
                "unit_id": "cloudify-restservice.service",
                "instances": [{"ActiveState": "active"}],
            },
            {"display_name": "RabbitMQ", "instances": [{"state": "dead"}]},
            "junk",
        ],
    }
    status = ManagerStatus.from_api(data)
    assert [s.name for s in status.services] == [
        "Cloudify Console",
        "cloudify-restservice.service",
        "RabbitMQ",
    ]
    assert status.inactive_services == ("RabbitMQ",)
    assert not status.healthy
    assert ManagerStatus.from_api({"status": "running", "services": []}).healthy


def test_status_5x_healthy() -> None:
    data = {"status": "OK", "services": {"Webserver": {"status": "Active", "is_remote": False}}}
    assert ManagerStatus.from_api(data).healthy


def test_managers_and_brokers() -> None:
    page = parse_page(body("managers.json"), "managers")
    (node,) = [ManagerNode.from_api(i) for i in page.items]
    assert node.hostname == "feas-manager"
    assert node.private_ip == "127.0.0.1"
    assert node.networks == {"default": "127.0.0.1"}
    assert node.version == "7.1.0.dev1"
    (broker,) = [Broker.from_api(i) for i in body("brokers.json")["items"]]
    assert broker.name == "rabbitmq"
    assert broker.networks == {"default": "127.0.0.1"}


def test_provider_context_recorded_and_4x_shape() -> None:
    empty = ManagerNode.from_provider_context(body("provider_context.json"))
    assert empty.private_ip == ""
    data = {
        "name": "provider",
        "context": {
            "cloudify": {
                "cloudify_agent": {
                    "broker_ip": "10.0.0.4",
                    "networks": {"default": "10.0.0.4", "ext": "1.2.3.4"},
                }
            }
        },
    }
    node = ManagerNode.from_provider_context(data)
    assert node.private_ip == "10.0.0.4"
    assert node.networks == {"default": "10.0.0.4", "ext": "1.2.3.4"}


def test_current_user_and_tenants() -> None:
    user = CurrentUser.from_api(body("user_self.json"))
    assert user.username == "admin"
    assert user.is_admin
    assert user.active
    assert [Tenant.from_api(t).name for t in body("tenants_list.json")["items"]] == ["default_tenant"]


@pytest.mark.parametrize(
    "name", ["deployments_list.json", "deployments_list_all_tenants.json", "deployments_list_size1.json"]
)
def test_deployment_lists(name: str) -> None:
    page = parse_page(body(name), name)
    (dep,) = [Deployment.from_api(i) for i in page.items]
    assert dep.id == "dep1"
    assert dep.tenant_name == "default_tenant"
    assert dep.blueprint_id == "bp1"
    assert dep.installation_status == "active"
    assert page.total == 1


def test_deployment_include_projection_and_workflows() -> None:
    only_status, with_id = (
        Deployment.from_api(b["items"][0]) for b in bodies("deployments_list_include.json")
    )
    assert only_status.id == "" and only_status.installation_status == "active"
    assert with_id.id == "dep1"
    full = Deployment.from_api(body("deployment_get.json"))
    assert "install_new_agents" in full.workflows
    assert full.declares("install_new_agents", "stop_old_agent") is True
    assert full.declares("install_new_agents", "no_such_param") is False
    assert Deployment.from_api({"id": "d"}).declares("install", "x") is None


def test_size1_page_metadata() -> None:
    page = parse_page(body("deployments_list_size1.json"), "deployments")
    assert (page.total, page.size, page.offset) == (1, 1, 0)


def test_node_instances() -> None:
    instances = [NodeInstance.from_api(i) for i in body("node_instances_list.json")["items"]]
    hosts = [i for i in instances if i.is_host]
    assert [h.id for h in hosts] == ["server_1dybrk"]
    assert all(i.state == "started" and i.deployment_id == "dep1" for i in instances)


def test_agents_empty_and_full_row() -> None:
    for data in bodies("agents_list.json"):
        assert parse_page(data, "agents").items == []
    row = {
        "id": "vm_1",
        "host_id": "vm_1",
        "node_instance_id": "vm_1",
        "ip": "10.0.0.9",
        "install_method": "remote",
        "system": "centos",
        "version": "6.4.2",
        "node": "vm",
        "deployment": "dep1",
        "tenant_name": "t1",
        "state": "started",
        "rabbitmq_password": "x",
    }
    agent = Agent.from_api(row)
    assert (agent.deployment, agent.ip, agent.state, agent.tenant_name) == (
        "dep1",
        "10.0.0.9",
        "started",
        "t1",
    )


def test_executions() -> None:
    for data in bodies("executions_list.json"):
        executions = [Execution.from_api(i) for i in data["items"]]
        assert {e.workflow_id for e in executions} >= {"install"}
        assert all(e.finished and e.succeeded for e in executions)
    created = Execution.from_api(body("snapshot_create_201.json"))
    assert created.workflow_id == "create_snapshot"
    assert created.status == "pending"
    assert created.is_system_workflow
    assert created.parameters["snapshot_id"] == "snapA"
    assert not created.finished


def test_restore_short_execution() -> None:
    execution = Execution.from_api(body("restore_200.json"))
    assert execution.id == "db52485e-5b9f-4e56-88c4-fd51d154a896"
    assert execution.status == "pending"
    assert execution.workflow_id == ""
    assert execution.error == ""


def test_events_pages() -> None:
    page = parse_page(body("events_list.json"), "events")
    events = [Event.from_api(i) for i in page.items]
    assert page.total == 14 and page.size == 100
    assert events[0].event_type == "workflow_started"
    assert events[0].message == "Starting 'install' workflow execution"
    assert all(e.timestamp for e in events)
    paging = parse_page(body("events_paging.json"), "events")
    assert (paging.offset, paging.size, paging.total, len(paging.items)) == (2, 2, 14, 2)
    logs = [Event.from_api(i) for i in body("events_list_client.json")["items"]]
    assert any(e.type == "cloudify_log" and e.level for e in logs) or all(e.type for e in logs)


def test_event_pre_v3_nested_message() -> None:
    event = Event.from_api({"timestamp": "t", "type": "cloudify_log", "message": {"text": "hello"}})
    assert event.message == "hello"


def test_snapshots() -> None:
    full, projected = (Snapshot.from_api(b) for b in bodies("snapshot_get.json"))
    assert (full.id, full.status, full.error, full.tenant_name) == ("snapA", "created", "", "default_tenant")
    assert projected.status == "created"
    listed = [Snapshot.from_api(i) for i in body("snapshots_list.json")["items"]]
    assert "snapA" in {s.id for s in listed}
    uploaded = [Snapshot.from_api(b) for b in bodies("snapshot_upload.json", method="PUT")]
    assert uploaded[0].status == "uploaded"
    assert any(s.id == "" for s in uploaded)  # 7.x: upload onto an existing id answers all-null
    deleted = Snapshot.from_api(bodies("snapshot_delete.json", method="DELETE")[0])
    assert deleted.id


def test_maintenance_states() -> None:
    states = [MaintenanceState.from_api(b) for b in bodies("maintenance.json", path_suffix="maintenance")]
    assert [s.status for s in states] == ["deactivated", "activated", "activated", "deactivated"]
    assert states[1].active and not states[0].active
    activate = bodies("maintenance.json", method="POST", path_suffix="activate")
    assert MaintenanceState.from_api(activate[0]).status == "activated"
    assert not MaintenanceState.from_api(body("maintenance_status.json")).active


def test_blueprints_from_list() -> None:
    (bp,) = [Blueprint.from_api(i) for i in body("after_restore_lists.json")["items"]]
    assert bp.id == "bp1"
    assert bp.tenant_name == "default_tenant"


@pytest.mark.parametrize("bad", [[], "text", 3, None])
def test_non_object_body_is_protocol_error(bad: object) -> None:
    with pytest.raises(ProtocolError):
        Snapshot.from_api(bad)
    with pytest.raises(ProtocolError):
        parse_page(bad, "snapshots")


def test_page_without_items_is_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        parse_page({"metadata": {}}, "config")
    page = parse_page({"items": [{"a": 1}], "metadata": {}}, "config")
    assert (page.total, page.offset) == (1, 0)


def test_the_cause_of_a_manager_error_keeps_its_whole_message() -> None:
    """A real 7.1 community manager's new-format snapshot error spans two lines; a traceback's
    cause is its last exception line."""
    from wizard.cloudify.models import error_cause

    premium = (
        "404: This feature exists only in the premium edition of Cloudify.\n"
        "Please contact sales for additional info."
    )
    assert error_cause(premium) == premium.replace("\n", " ")
    traceback = (
        'Traceback (most recent call last):\n  File "operations.py", line 587, in validate_agent_amqp\n'
        "    raise NonRecoverableError(\ncloudify.exceptions.NonRecoverableError: cloudify_agent key not "
        "available in runtime_properties\n"
    )
    assert error_cause(traceback) == (
        "cloudify.exceptions.NonRecoverableError: cloudify_agent key not available in runtime_properties"
    )
    assert error_cause("  \n") == "" and error_cause("plain words") == "plain words"
