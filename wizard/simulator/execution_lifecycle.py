"""The execution lifecycle every workflow shares: the row, its events and logs, pending -> started ->
ended, and the "nothing else may run" checks. Split from executions.py so the deployment-workflow
runner and the API entry points can both build on it; executions.py re-exports every name."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from .clock import iso
from .errors import ApiError
from .inventory import Record

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
