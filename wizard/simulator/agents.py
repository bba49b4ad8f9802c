"""install_new_agents: pick the deployment's agent hosts, check they are started, re-point their agents.

On success every selected agent row gets this manager's version and IP (or the ``manager_ip``
parameter when one was passed), as the real workflow re-installs agents against the new broker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import Workflow, iso
from .executions import RUN_TIME, emit, log, mark_ended
from .inventory import Record

if TYPE_CHECKING:
    from .manager import Manager

DEFAULT_METHODS = ("init_script", "plugin", "remote")


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
    for ni, node in hosts:
        yield RUN_TIME / max(1, len(hosts)) / 2
        with mgr.lock:
            emit(
                mgr,
                exe,
                "Validating agent connection to the new manager",
                event_type="sending_task",
                node_instance_id=ni["id"],
                node_name=node["id"],
            )
            log(mgr, exe, f"Agent {ni['id']}: validated AMQP connection to {target_ip}")
    if fault is not None:
        yield RUN_TIME / 4
        with mgr.lock:
            mark_ended(mgr, exe, failure=fault)
        return
    for ni, node in hosts:
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
            emit(
                mgr,
                exe,
                "Task succeeded 'cloudify_agent.operations.create_agent_amqp'",
                event_type="task_succeeded",
                node_instance_id=ni["id"],
                node_name=node["id"],
            )
    if not hosts:
        yield RUN_TIME / 2
    with mgr.lock:
        exe["total_operations"] = exe["finished_operations"] = 2 * len(hosts)
        mark_ended(mgr, exe)
