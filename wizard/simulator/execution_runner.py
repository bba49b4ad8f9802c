"""The runner of a deployment execution (queued -> pending -> started -> steps -> end) and the effects
of the generic workflows on node instances and agents. Split from executions.py (which schedules it
and re-exports every name)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .clock import Real, Workflow, iso
from .execution_lifecycle import (
    ACTIVE,
    PENDING_DELAY,
    RUN_TIME,
    emit,
    mark_ended,
    mark_started,
    system_running,
)
from .inventory import Record

if TYPE_CHECKING:
    from .manager import Manager


def _cancel_requested(exe: Record) -> bool:
    return exe["status"] in ("cancelling", "force_cancelling", "kill_cancelling")


def _blocked(mgr: Manager, exe: Record) -> bool:
    if system_running(mgr):
        return True
    return any(
        e is not exe
        and e.get("deployment_id") == exe["deployment_id"]
        and e["tenant_name"] == exe["tenant_name"]
        and e["status"] in ACTIVE
        and e["created_at"] <= exe["created_at"]
        for e in mgr.inv.executions.values()
    )


def deployment_workflow(mgr: Manager, exe: Record) -> Workflow:
    """The life of a deployment execution: (queued) -> pending -> started -> work -> end."""
    from .agents import install_new_agents_steps

    while True:
        with mgr.lock:
            if exe["status"] == "cancelled":
                return
            if exe["status"] != "queued" or not _blocked(mgr, exe):
                if exe["status"] == "queued":
                    exe["status"] = "pending"
                break
        yield Real(0.02)
    yield PENDING_DELAY
    with mgr.lock:
        if _cancel_requested(exe) or exe["status"] == "cancelled":
            if exe["status"] != "cancelled":
                mark_ended(mgr, exe, cancelled=True)
            return
        mark_started(mgr, exe)
        fault = mgr.faults.execution_failure(exe["workflow_id"], exe.get("deployment_id"))
    if exe["workflow_id"] == "install_new_agents":
        steps = install_new_agents_steps(mgr, exe, fault)
    else:
        steps = _generic_steps(mgr, exe, fault)
    for delay in steps:
        with mgr.lock:
            if _cancel_requested(exe):
                mark_ended(mgr, exe, cancelled=True)
                return
        yield delay


def _generic_steps(mgr: Manager, exe: Record, fault: str | None) -> Workflow:
    wf = exe["workflow_id"]
    tenant = exe["tenant_name"]
    dep_id = exe["deployment_id"]
    with mgr.lock:
        instances = mgr.inv.instances_of(tenant, dep_id)
    for ni in instances:
        yield RUN_TIME / max(1, len(instances))
        with mgr.lock:
            if wf in ("install", "start", "restart", "heal"):
                emit(
                    mgr,
                    exe,
                    "Node instance started",
                    event_type="workflow_node_event",
                    node_instance_id=ni["id"],
                    node_name=ni["node_id"],
                )
            elif wf in ("uninstall", "stop"):
                emit(
                    mgr,
                    exe,
                    f"Node instance {'deleted' if wf == 'uninstall' else 'stopped'}",
                    event_type="workflow_node_event",
                    node_instance_id=ni["id"],
                    node_name=ni["node_id"],
                )
    if not instances:
        yield RUN_TIME
    with mgr.lock:
        if fault is not None:
            mark_ended(mgr, exe, failure=fault)
            return
        if wf in ("install", "start", "restart", "heal"):
            _install_effects(mgr, exe, instances)
        elif wf in ("uninstall", "stop"):
            for ni in instances:
                ni["state"] = "deleted" if wf == "uninstall" else "stopped"
                if wf == "uninstall":
                    mgr.inv.agents.pop((tenant, ni["id"]), None)
        exe["total_operations"] = exe["finished_operations"] = len(instances)
        mark_ended(mgr, exe)


def _install_effects(mgr: Manager, exe: Record, instances: list[Record]) -> None:
    tenant = exe["tenant_name"]
    for ni in instances:
        ni["state"] = "started"
        node = mgr.inv.nodes.get((tenant, ni["deployment_id"], ni["node_id"]))
        if node is None or ni["id"] != ni.get("host_id"):
            continue
        agent_cfg = node.get("properties", {}).get("agent_config", {})
        method = agent_cfg.get("install_method", "none")
        if method in ("none", "provided"):
            continue
        ip = node.get("properties", {}).get("ip", "127.0.100.1")
        mgr.inv.agents[(tenant, ni["id"])] = {
            "id": ni["id"],
            "host_id": ni["id"],
            "node_instance_id": ni["id"],
            "ip": ip,
            "install_method": method,
            "system": "centos core",
            "version": mgr.profile.reported_version,
            "node": ni["node_id"],
            "deployment": ni["deployment_id"],
            "tenant_name": tenant,
            "created_at": iso(),
            "created_by": exe["created_by"],
            "visibility": "tenant",
            "state": "started",
            "rabbitmq_exchange": ni["id"],
            "rabbitmq_username": f"rabbitmq_user_{ni['id']}",
            "rabbitmq_password": "<hidden>",
            "_manager_ip": mgr.manager_ip,
            "_network": agent_cfg.get("network", "default"),
        }
