"""install_new_agents: pick the deployment's agent hosts, check they are started, re-point their agents.

The events follow cloudify-common's _make_install_agents_graph: per host, "Validating agent connection.",
the validate_amqp task, "Validation done"; then "Installing new agent", create_amqp, "New agent
installed.", validate_amqp again. No agent hosts: just workflow_started and workflow_succeeded.

On success every selected agent row gets this manager's version and IP (or the ``manager_ip``
parameter when one was passed), as the real workflow re-installs agents against the new broker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import Workflow, iso
from .executions import RUN_TIME, emit, mark_ended
from .inventory import Record

if TYPE_CHECKING:
    from .manager import Manager

DEFAULT_METHODS = ("init_script", "plugin", "remote")
#: (interface operation, the task it runs), from types.yaml's cloudify_agent interface.
VALIDATE = (
    "cloudify.interfaces.cloudify_agent.validate_amqp",
    "cloudify_agent.operations.validate_agent_amqp",
)
CREATE = ("cloudify.interfaces.cloudify_agent.create_amqp", "cloudify_agent.operations.create_agent_amqp")


def _node_event(mgr: Manager, exe: Record, ni: Record, node: Record, message: str) -> None:
    """host.send_event(...) of the workflow graph."""
    emit(mgr, exe, message, event_type="workflow_node_event", node_instance_id=ni["id"], node_name=node["id"])


def _task(mgr: Manager, exe: Record, ni: Record, node: Record, op: tuple[str, str]) -> None:
    """One operation on the host's agent: sending_task, task_started, task_succeeded (events.py wording)."""
    for event_type, template in (
        ("sending_task", "Sending task '{}'"),
        ("task_started", "Task started '{}'"),
        ("task_succeeded", "Task succeeded '{}'"),
    ):
        emit(
            mgr,
            exe,
            template.format(op[1]),
            event_type=event_type,
            node_instance_id=ni["id"],
            node_name=node["id"],
            operation=op[0],
        )


def _selected_hosts(mgr: Manager, exe: Record) -> list[tuple[Record, Record]]:
    tenant = exe["tenant_name"]
    params: dict[str, Any] = exe.get("parameters") or {}
    node_ids = params.get("node_ids") or []
    ni_ids = params.get("node_instance_ids") or []
    methods = params.get("install_methods") or list(DEFAULT_METHODS)
    out = []
    for ni in mgr.inv.instances_of(tenant, exe["deployment_id"]):
        if ni["id"] != ni.get("host_id"):
            continue
        node = mgr.inv.nodes.get((tenant, ni["deployment_id"], ni["node_id"]))
        if node is None:
            continue
        if node_ids and ni["node_id"] not in node_ids:
            continue
        if ni_ids and ni["id"] not in ni_ids:
            continue
        method = node.get("properties", {}).get("agent_config", {}).get("install_method", "none")
        if method not in methods:
            continue
        out.append((ni, node))
    return out


def install_new_agents_steps(mgr: Manager, exe: Record, fault: str | None) -> Workflow:
    """The steps of one install_new_agents execution (run by the scheduler; yields base delays)."""
    params: dict[str, Any] = exe.get("parameters") or {}
    with mgr.lock:
        hosts = _selected_hosts(mgr, exe)
        not_started = [ni for ni, _ in hosts if ni["state"] != "started"]
    if not_started:
        yield RUN_TIME / 4
        with mgr.lock:
            ni = not_started[0]
            mark_ended(
                mgr,
                exe,
                failure=f"Node {ni['id']} is not started (state: {ni['state']})",
                exc_type="RuntimeError",
            )
        return
    target_ip = params.get("manager_ip") or mgr.manager_ip
    validate = params.get("validate", True) is not False
    install = params.get("install", True) is not False
    with mgr.lock:
        # cloudify-agent operations.py validate_agent_amqp/_validate_agent: a host whose agent was
        # never installed (no cloudify_agent runtime property) fails the workflow, as measured
        agentless = [ni for ni, _ in hosts if "cloudify_agent" not in (ni.get("runtime_properties") or {})]
    if agentless and (validate or install):
        yield RUN_TIME / 4
        with mgr.lock:
            mark_ended(
                mgr,
                exe,
                failure="cloudify_agent key not available in runtime_properties",
                exc_type="cloudify.exceptions.NonRecoverableError",
            )
        return
    if validate:
        # _add_validate_to_task_graph: per host, an event, the validate_amqp task, an event
        for ni, node in hosts:
            yield RUN_TIME / max(1, len(hosts)) / 2
            with mgr.lock:
                _node_event(mgr, exe, ni, node, "Validating agent connection.")
                _task(mgr, exe, ni, node, VALIDATE)
                _node_event(mgr, exe, ni, node, "Validation done")
    if fault is not None:
        yield RUN_TIME / 4
        with mgr.lock:
            mark_ended(mgr, exe, failure=fault)
        return
    for ni, node in hosts if install else []:
        yield RUN_TIME / max(1, len(hosts)) / 2
        with mgr.lock:
            tenant = exe["tenant_name"]
            agent_cfg = node.get("properties", {}).get("agent_config", {})
            agent = mgr.inv.agents.get((tenant, ni["id"]))
            if agent is None:
                agent = {
                    "id": ni["id"],
                    "host_id": ni["id"],
                    "node_instance_id": ni["id"],
                    "ip": node.get("properties", {}).get("ip"),
                    "install_method": agent_cfg.get("install_method"),
                    "system": "centos core",
                    "node": ni["node_id"],
                    "deployment": ni["deployment_id"],
                    "tenant_name": tenant,
                    "created_at": iso(),
                    "created_by": exe["created_by"],
                    "visibility": "tenant",
                    "rabbitmq_exchange": ni["id"],
                    "rabbitmq_username": f"rabbitmq_user_{ni['id']}",
                    "rabbitmq_password": "<hidden>",
                    "_network": agent_cfg.get("network", "default"),
                }
                mgr.inv.agents[(tenant, ni["id"])] = agent
            agent["version"] = mgr.profile.reported_version
            agent["state"] = "started"
            agent["_manager_ip"] = target_ip
            agent["_old_agent_stopped"] = bool(params.get("stop_old_agent"))
            ni.setdefault("runtime_properties", {}).setdefault("cloudify_agent", {}).update(
                {"version": mgr.profile.reported_version, "broker_config": {"broker_ip": [target_ip]}}
            )
            _node_event(mgr, exe, ni, node, "Installing new agent")
            _task(mgr, exe, ni, node, CREATE)
            _node_event(mgr, exe, ni, node, "New agent installed.")
            _task(mgr, exe, ni, node, VALIDATE)
    if not hosts:
        yield RUN_TIME / 2
    with mgr.lock:
        exe["total_operations"] = exe["finished_operations"] = (int(validate) + 2 * int(install)) * len(hosts)
        mark_ended(mgr, exe)
