"""Executions: creation with the real validations, the pending->started->ended lifecycle, events, cancel.

This module keeps the API entry points (start with the real validations, cancel); the shared lifecycle
lives in execution_lifecycle.py and the deployment-workflow runner in execution_runner.py, both
re-exported here so ``from .executions import X`` keeps working."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import iso
from .errors import ApiError, bad_parameters, not_found
from .execution_lifecycle import (
    ACTIVE,
    ENDED,
    PENDING_DELAY,
    RUN_TIME,
    SYSTEM_BLOCKING,
    WAITING,
    _set_latest,
    active_executions,
    assert_no_running,
    emit,
    failure_traceback,
    log,
    mark_ended,
    mark_started,
    new_execution,
    system_running,
)
from .execution_runner import (
    _blocked,
    _cancel_requested,
    _generic_steps,
    _install_effects,
    deployment_workflow,
)
from .inventory import Record
from .listing import parse_bool
from .types_catalog import deployment_workflows

if TYPE_CHECKING:
    from .manager import Manager

# Every name, including those that moved to execution_lifecycle/execution_runner (re-exported).
__all__ = [
    "ACTIVE",
    "ENDED",
    "PENDING_DELAY",
    "RUN_TIME",
    "SYSTEM_BLOCKING",
    "WAITING",
    "Record",
    "_blocked",
    "_cancel_requested",
    "_execution_repr",
    "_generic_steps",
    "_install_effects",
    "_instances_state",
    "_set_latest",
    "active_executions",
    "assert_no_running",
    "cancel_execution",
    "deployment_workflow",
    "emit",
    "failure_traceback",
    "log",
    "mark_ended",
    "mark_started",
    "new_execution",
    "start_deployment_execution",
    "system_running",
    "workflow_available",
]


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
