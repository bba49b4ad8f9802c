"""Typed views of executions and their states, events, snapshots and the maintenance state.
Split from models.py (one module per family); models.py re-exports every name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.cloudify.models_fields import _dict, _obj, _str

#: execution states after which nothing more happens (cloudify ExecutionState.END_STATES)
END_STATES = frozenset({"terminated", "failed", "cancelled"})
#: states in which an execution is alive or waiting to run
ACTIVE_STATES = frozenset(
    {"pending", "started", "cancelling", "force_cancelling", "kill_cancelling", "queued", "scheduled"}
)


_CAUSE = re.compile(r"^[A-Za-z0-9_][\w.]*:\s")


def error_cause(text: str) -> str:
    """The cause in a manager's error text (see Execution.error_summary), on one line."""
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    start = next((i for i in range(len(lines) - 1, -1, -1) if _CAUSE.match(lines[i])), None)
    if start is None:
        return lines[-1].strip() if lines else ""
    return " ".join(line.strip() for line in lines[start:])


@dataclass(frozen=True)
class Execution:
    """An execution (full shape from /executions, or the short shape that restore returns)."""

    id: str
    status: str
    workflow_id: str = ""
    deployment_id: str = ""
    tenant_name: str = ""
    error: str = ""
    created_at: str = ""
    started_at: str = ""
    ended_at: str = ""
    is_system_workflow: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """In an end state (terminated, failed, cancelled)."""
        return self.status in END_STATES

    @property
    def succeeded(self) -> bool:
        """Ended well (status terminated, shown as `completed`)."""
        return self.status == "terminated"

    @property
    def error_summary(self) -> str:
        """The cause in `error`: the last exception line of a traceback with the lines that follow
        it (a manager's message may span two: "404: This feature exists only in the premium
        edition of Cloudify." then "Please contact sales for additional info.")."""
        return error_cause(self.error)

    @classmethod
    def from_api(cls, data: object) -> Execution:
        d = _obj(data, "execution")
        return cls(
            id=_str(d, "id"),
            status=_str(d, "status"),
            workflow_id=_str(d, "workflow_id"),
            deployment_id=_str(d, "deployment_id"),
            tenant_name=_str(d, "tenant_name"),
            error=_str(d, "error"),
            created_at=_str(d, "created_at"),
            started_at=_str(d, "started_at"),
            ended_at=_str(d, "ended_at"),
            is_system_workflow=d.get("is_system_workflow") is True,
            parameters=_dict(d, "parameters"),
        )


@dataclass(frozen=True)
class Event:
    """GET /events item (event or log) reduced to what a person reads."""

    timestamp: str
    type: str
    message: str
    event_type: str = ""
    level: str = ""
    deployment_id: str = ""
    node_instance_id: str = ""
    execution_id: str = ""

    @classmethod
    def from_api(cls, data: object) -> Event:
        d = _obj(data, "event")
        message = d.get("message")
        if isinstance(message, Mapping):  # pre-v3 nested format
            message = message.get("text")
        return cls(
            timestamp=_str(d, "reported_timestamp") or _str(d, "timestamp"),
            type=_str(d, "type"),
            message="" if message is None else str(message),
            event_type=_str(d, "event_type"),
            level=_str(d, "level"),
            deployment_id=_str(d, "deployment_id"),
            node_instance_id=_str(d, "node_instance_id"),
            execution_id=_str(d, "execution_id"),
        )


@dataclass(frozen=True)
class Snapshot:
    """GET /snapshots/<id>: status is creating, created, failed or uploaded."""

    id: str
    status: str
    error: str = ""
    created_at: str = ""
    tenant_name: str = ""

    @classmethod
    def from_api(cls, data: object) -> Snapshot:
        d = _obj(data, "snapshot")
        return cls(
            _str(d, "id"), _str(d, "status"), _str(d, "error"), _str(d, "created_at"), _str(d, "tenant_name")
        )


@dataclass(frozen=True)
class ExecutionSchedule:
    """GET /execution-schedules item (5.2+): a workflow the manager starts by itself on a rule."""

    id: str
    deployment_id: str = ""
    workflow_id: str = ""
    tenant_name: str = ""
    enabled: bool = True
    next_occurrence: str = ""
    created_at: str = ""

    @classmethod
    def from_api(cls, data: object) -> ExecutionSchedule:
        d = _obj(data, "execution schedule")
        return cls(
            _str(d, "id"),
            _str(d, "deployment_id"),
            _str(d, "workflow_id"),
            _str(d, "tenant_name"),
            d.get("enabled") is not False,
            _str(d, "next_occurrence"),
            _str(d, "created_at"),
        )


@dataclass(frozen=True)
class MaintenanceState:
    """GET /maintenance: deactivated, activating or activated."""

    status: str

    @property
    def active(self) -> bool:
        """Activated or on its way there."""
        return self.status in {"activated", "activating"}

    @classmethod
    def from_api(cls, data: object) -> MaintenanceState:
        return cls(_str(_obj(data, "maintenance"), "status"))
