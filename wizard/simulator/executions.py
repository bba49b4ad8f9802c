"""Executions: creation with the real validations, the pending->started->ended lifecycle, events, cancel."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from .clock import Real, Workflow, iso
from .errors import ApiError, bad_parameters, not_found
from .inventory import Record
from .listing import parse_bool
from .types_catalog import deployment_workflows

if TYPE_CHECKING:
    from .manager import Manager

ACTIVE = ("pending", "started", "cancelling", "force_cancelling", "kill_cancelling")
WAITING = ("queued", "scheduled")
ENDED = ("terminated", "failed", "cancelled")
SYSTEM_BLOCKING = ("create_snapshot", "restore_snapshot")

#: Base seconds an execution waits in ``pending`` before it starts.
PENDING_DELAY = 0.4
#: Base seconds of work between ``started`` and the end, for deployment workflows.
RUN_TIME = 1.0


def new_execution(
    mgr: Manager,
    workflow_id: str,
    tenant: str,
    user: str,
    *,
    deployment: Record | None = None,
    parameters: dict[str, Any] | None = None,
    system: bool = False,
    allow_custom: bool = False,
    dry_run: bool = False,
    status: str = "pending",
    visibility: str = "tenant",
) -> Record:
    """Insert an execution row (caller holds the lock)."""
    exec_id = str(uuid.uuid4())
    rec: Record = {
        "id": exec_id,
        "workflow_id": workflow_id,
        "status": status,
        "error": None,
        "parameters": parameters or {},
        "is_system_workflow": system,
        "is_dry_run": dry_run,
        "allow_custom_parameters": allow_custom,
        "created_at": iso(),
        "started_at": None,
        "ended_at": None,
        "scheduled_for": None,
        "deployment_id": deployment["id"] if deployment else None,
        "blueprint_id": deployment["blueprint_id"] if deployment else None,
        "total_operations": 0,
        "finished_operations": 0,
        "resume": False,
        "visibility": visibility,
        "tenant_name": tenant,
        "created_by": user,
    }
    mgr.inv.executions[exec_id] = rec
    return rec


def emit(
    mgr: Manager,
    exe: Record,
    message: str,
    *,
    event_type: str | None = None,
    level: str | None = None,
    node_instance_id: str | None = None,
    node_name: str | None = None,
    error_causes: list[dict[str, Any]] | None = None,
    operation: str | None = None,
) -> None:
    """Record an event (``event_type`` given) or a log line (``level`` given) of an execution."""
    now = iso()
    rec: Record = {
        "timestamp": now,
        "reported_timestamp": now,
        "blueprint_id": exe.get("blueprint_id"),
        "deployment_id": exe.get("deployment_id"),
        "deployment_display_name": exe.get("deployment_id"),
        "execution_id": exe["id"],
        "execution_group_id": None,
        "workflow_id": exe["workflow_id"],
        "message": message,
        "error_causes": error_causes,
        "operation": operation,
        "source_id": None,
        "target_id": None,
        "manager_name": mgr.hostname,
        "agent_name": None,
        "node_instance_id": node_instance_id,
        "node_name": node_name,
        "_tenant": exe["tenant_name"],
    }
    if event_type is not None:
        rec["type"] = "cloudify_event"
        rec["event_type"] = event_type
    else:
        rec["type"] = "cloudify_log"
        rec["logger"] = f"ctx.{exe['id']}"
        rec["level"] = level or "info"
    mgr.inv.add_event(rec)


def log(mgr: Manager, exe: Record, message: str, level: str = "info") -> None:
    """A cloudify_log line of an execution."""
    emit(mgr, exe, message, level=level)


def failure_traceback(message: str, exc_type: str = "cloudify.exceptions.NonRecoverableError") -> str:
    """The ``error`` text of a failed execution: a worker traceback ending in the exception line."""
    return (
        "Traceback (most recent call last):\n"
        '  File "/opt/mgmtworker/env/lib/python3.11/site-packages/cloudify/dispatch.py", line 1094, '
        "in _remote_workflow_child_thread\n"
        "    workflow_result = self._execute_workflow_function()\n"
        '  File "/opt/mgmtworker/env/lib/python3.11/site-packages/cloudify/dispatch.py", line 1132, '
        "in _execute_workflow_function\n"
        "    result = self.func(*self.args, **self.kwargs)\n"
        f"{exc_type}: {message}\n"
    )


def _set_latest(mgr: Manager, exe: Record, summary: str) -> None:
    dep_id = exe.get("deployment_id")
    if not dep_id:
        return
    dep = mgr.inv.deployments.get((exe["tenant_name"], dep_id))
    if dep is None:
        return
    dep["latest_execution"] = exe["id"]
    dep["latest_execution_status"] = summary
    dep["latest_execution_workflow_id"] = exe["workflow_id"]
    dep["latest_execution_total_operations"] = exe.get("total_operations", 0)
    dep["latest_execution_finished_operations"] = exe.get("finished_operations", 0)


def mark_started(mgr: Manager, exe: Record) -> None:
    """pending -> started; ``error`` becomes "" and workflow_started is emitted (lock held)."""
    exe["status"] = "started"
    exe["started_at"] = iso()
    exe["error"] = ""
    emit(mgr, exe, f"Starting '{exe['workflow_id']}' workflow execution", event_type="workflow_started")
    _set_latest(mgr, exe, "in_progress")


def mark_ended(
    mgr: Manager,
    exe: Record,
    *,
    failure: str | None = None,
    exc_type: str = "cloudify.exceptions.NonRecoverableError",
    cancelled: bool = False,
) -> None:
    """started -> terminated / failed / cancelled with the matching final event (lock held)."""
    exe["ended_at"] = iso()
    wf = exe["workflow_id"]
    if cancelled:
        exe["status"] = "cancelled"
        emit(mgr, exe, f"'{wf}' workflow execution cancelled", event_type="workflow_cancelled")
        _set_latest(mgr, exe, "cancelled")
    elif failure is not None:
        exe["status"] = "failed"
        exe["error"] = failure_traceback(failure, exc_type)
        short = exc_type.rsplit(".", 1)[-1]
        emit(
            mgr,
            exe,
            f"'{wf}' workflow execution failed: {failure}",
            event_type="workflow_failed",
            error_causes=[{"message": failure, "traceback": exe["error"], "type": short}],
        )
        _set_latest(mgr, exe, "failed")
    else:
        exe["status"] = "terminated"
        exe["error"] = ""
        emit(mgr, exe, f"'{wf}' workflow execution succeeded", event_type="workflow_succeeded")
        _set_latest(mgr, exe, "completed")


def active_executions(mgr: Manager) -> list[Record]:
    """Executions not yet ended (any tenant), queued ones included."""
    return [e for e in mgr.inv.executions.values() if e["status"] in ACTIVE or e["status"] in WAITING]


def system_running(mgr: Manager) -> bool:
    """A blocking system workflow (snapshot create/restore) is active."""
    return any(
        e["is_system_workflow"]
        and e["workflow_id"] in SYSTEM_BLOCKING
        and e["status"] in ACTIVE
        and e.get("_blocking", True)
        for e in mgr.inv.executions.values()
    )


def assert_no_running(mgr: Manager) -> None:
    """What a blocking system workflow needs: no other active execution anywhere (else the real 400)."""
    running = [e["id"] for e in active_executions(mgr)]
    if running:
        raise ApiError(
            400,
            "existing_running_execution_error",
            "Cannot start execution because there are other executions running e.g.: " + ", ".join(running),
        )


def _execution_repr(exe: Record) -> str:
    return (
        f"<Execution id=`{exe['id']}` tenant=`{exe['tenant_name']}` status=`{exe['status']}` "
        f"workflow_id=`{exe['workflow_id']}`>"
    )


def _instances_state(instances: list[Record]) -> str:
    started = sum(1 for ni in instances if ni["state"] == "started")
    if instances and started == len(instances):
        return "all"
    if started == 0:
        return "none"
    return "partial"


def workflow_available(mgr: Manager, dep: Record, decl: dict[str, Any]) -> bool:
    """The 6.4+ availability rules (node_types_required, node_instances_active)."""
    rules = decl.get("availability_rules")
    if not rules or not mgr.profile.at_least(6, 4):
        return True
    tenant = dep["tenant_name"]
    required = rules.get("node_types_required")
    if required:
        nodes = mgr.inv.nodes_of(tenant, dep["id"])
        if not any(t in n.get("type_hierarchy", []) for n in nodes for t in required):
            return False
    active = rules.get("node_instances_active")
    if active:
        instances = mgr.inv.instances_of(tenant, dep["id"])
        if instances and _instances_state(instances) not in active:
            return False
    return True


def start_deployment_execution(mgr: Manager, user: str, tenant: str, body: dict[str, Any]) -> Record:
    """POST /executions: validate like the real manager, create the row, schedule the workflow."""
    for key in ("deployment_id", "workflow_id"):
        if key not in body:
            raise bad_parameters(f"Missing {key} in json request body")
    dep_id = str(body["deployment_id"])
    wf_id = str(body["workflow_id"])
    params = body.get("parameters")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise bad_parameters("parameters: parameters must be a dict")
    allow_custom = parse_bool(body.get("allow_custom_parameters", False), "allow_custom_parameters")
    force = parse_bool(body.get("force", False), "force")
    dry_run = parse_bool(body.get("dry_run", False), "dry_run")
    queue = parse_bool(body.get("queue", False), "queue")
    with mgr.lock:
        dep = mgr.inv.deployments.get((tenant, dep_id))
        if dep is None:
            raise not_found("Deployment", dep_id)
        decl = next((w for w in deployment_workflows(dep) if w["name"] == wf_id), None)
        if decl is None:
            raise ApiError(
                400,
                "nonexistent_workflow_error",
                f"Workflow {wf_id} does not exist in the deployment {dep_id}",
            )
        declared: dict[str, Any] = decl.get("parameters") or {}
        undeclared = [k for k in params if k not in declared]
        if undeclared and not allow_custom:
            raise ApiError(
                400,
                "illegal_execution_parameters_error",
                f'Workflow "{wf_id}" does not have the following parameters declared: '
                f"{','.join(undeclared)}. Remove these parameters or use the flag for allowing "
                "custom parameters",
            )
        missing = [
            k for k, v in declared.items() if isinstance(v, dict) and "default" not in v and k not in params
        ]
        if missing:
            raise ApiError(
                400,
                "illegal_execution_parameters_error",
                f'Workflow "{wf_id}" must be provided with the following parameters to execute: '
                f"{','.join(missing)}",
            )
        if not force and not workflow_available(mgr, dep, decl):
            raise ApiError(400, "unavailable_workflow_error", f"Workflow not available: {wf_id}")
        running = [
            e
            for e in mgr.inv.executions.values()
            if e.get("deployment_id") == dep_id
            and e["tenant_name"] == tenant
            and (e["status"] in ACTIVE or e["status"] in WAITING)
        ]
        status = "pending"
        if running and not force:
            if not queue:
                raise ApiError(
                    400,
                    "existing_running_execution_error",
                    "The following executions are currently running for this deployment: ["
                    + ", ".join(_execution_repr(e) for e in running)
                    + ']. To execute this workflow anyway, pass "force=true" as a query parameter '
                    "to this request",
                )
            status = "queued"
        if system_running(mgr):
            status = "queued"
        merged = dict(params)
        for k, v in declared.items():
            if k not in merged and isinstance(v, dict) and "default" in v:
                merged[k] = v["default"]
        exe = new_execution(
            mgr,
            wf_id,
            tenant,
            user,
            deployment=dep,
            parameters=merged,
            allow_custom=allow_custom,
            dry_run=dry_run,
            status=status,
        )
        _set_latest(mgr, exe, "in_progress")
    mgr.scheduler.spawn(deployment_workflow(mgr, exe))
    return exe


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


def cancel_execution(mgr: Manager, tenant: str, exec_id: str, action: str) -> Record:
    """POST /executions/<id> {"action": ...}: request a cancel (the workflow ends it at its next step)."""
    if action not in ("cancel", "force-cancel", "kill", "resume", "force-resume", "requeue"):
        raise bad_parameters(
            f"Unknown action: {action}. Valid actions are: cancel, force-cancel, kill, resume, "
            "force-resume, requeue"
        )
    with mgr.lock:
        exe = mgr.inv.executions.get(exec_id)
        if exe is None or exe["tenant_name"] != tenant:
            raise not_found("Execution", exec_id)
        if action in ("cancel", "force-cancel", "kill"):
            if exe["status"] in ENDED:
                raise ApiError(
                    400,
                    "illegal_action_error",
                    f"Can't {action} execution {exec_id} because it's in status {exe['status']}",
                )
            if exe["status"] in ("pending", "queued", "scheduled"):
                exe["ended_at"] = iso()
                exe["status"] = "cancelled"
                _set_latest(mgr, exe, "cancelled")
            else:
                exe["status"] = {
                    "cancel": "cancelling",
                    "force-cancel": "force_cancelling",
                    "kill": "kill_cancelling",
                }[action]
        return exe
