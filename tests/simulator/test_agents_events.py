"""install_new_agents sends the events of cloudify-common's install-agents graph, nothing invented."""

from __future__ import annotations

from typing import Any

from tests.simulator.helpers import Api, execution_done


def _run(sim: Any, dep: str) -> list[dict[str, Any]]:
    api = Api(sim, tenant=dep[0])
    r = api.post("/executions", json={"deployment_id": dep[1], "workflow_id": "install_new_agents"})
    assert r.status_code == 201, r.text
    execution_done(sim, r.json()["id"])
    return api.get(f"/events?execution_id={r.json()['id']}&_size=1000").json()["items"]  # type: ignore[no-any-return]


def test_per_host_validate_then_install_events(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0", deployments=1, installed=1)
    agent = sim.state()["agents"][0]
    events = _run(sim, (agent["tenant"], agent["deployment"]))
    got = [(e["event_type"], e["message"]) for e in events]
    validate = [
        ("sending_task", "Sending task 'cloudify_agent.operations.validate_agent_amqp'"),
        ("task_started", "Task started 'cloudify_agent.operations.validate_agent_amqp'"),
        ("task_succeeded", "Task succeeded 'cloudify_agent.operations.validate_agent_amqp'"),
    ]
    create = [(t, m.replace("validate_agent_amqp", "create_agent_amqp")) for t, m in validate]
    assert got == [
        ("workflow_started", "Starting 'install_new_agents' workflow execution"),
        ("workflow_node_event", "Validating agent connection."),
        *validate,
        ("workflow_node_event", "Validation done"),
        ("workflow_node_event", "Installing new agent"),
        *create,
        ("workflow_node_event", "New agent installed."),
        *validate,
        ("workflow_succeeded", "'install_new_agents' workflow execution succeeded"),
    ]
    assert {e["operation"] for e in events if e["event_type"] == "sending_task"} == {
        "cloudify.interfaces.cloudify_agent.validate_amqp",
        "cloudify.interfaces.cloudify_agent.create_amqp",
    }
    assert not [e for e in events if e["type"] == "cloudify_log"]  # no invented AMQP log lines
