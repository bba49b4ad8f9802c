"""Small typed views of the manager's JSON, tolerant of missing and extra fields (4.x to 7.x).

Each `from_api` takes one JSON object as the manager sent it and never raises on a missing or
unexpected field: missing strings become "", missing optionals None. A body that is not an
object at all raises ProtocolError (the caller asked the wrong URL).

The models live in models_manager, models_inventory and models_executions (the shared readers in
models_fields); this module keeps the generic page and transfer results and re-exports every name,
so ``from wizard.cloudify.models import X`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from wizard.cloudify.models_executions import (
    ACTIVE_STATES,
    END_STATES,
    Event,
    Execution,
    ExecutionSchedule,
    MaintenanceState,
    Snapshot,
    error_cause,
)
from wizard.cloudify.models_fields import _dict, _obj, _opt_str, _str
from wizard.cloudify.models_inventory import (
    Agent,
    Blueprint,
    Deployment,
    NodeInstance,
)
from wizard.cloudify.models_manager import (
    Broker,
    CurrentUser,
    ManagerNode,
    ManagerStatus,
    ServiceStatus,
    Tenant,
    VersionInfo,
    parse_manager_version,
)

# Every name, including those that moved to the models_*.py modules (re-exported).
__all__ = [
    "ACTIVE_STATES",
    "END_STATES",
    "Agent",
    "Blueprint",
    "Broker",
    "CurrentUser",
    "Deployment",
    "Event",
    "Execution",
    "ExecutionSchedule",
    "MaintenanceState",
    "ManagerNode",
    "ManagerStatus",
    "NodeInstance",
    "Page",
    "ServiceStatus",
    "Snapshot",
    "Tenant",
    "TransferProgress",
    "TransferResult",
    "VersionInfo",
    "_dict",
    "_obj",
    "_opt_str",
    "_str",
    "error_cause",
    "parse_manager_version",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list endpoint, with the server's pagination metadata."""

    items: list[T]
    total: int
    size: int
    offset: int


@dataclass(frozen=True)
class TransferResult:
    """What a download or upload moved: bytes and the sha256 of the whole file."""

    size: int
    sha256: str
    resumed_from: int = 0
    attempts: int = 1


@dataclass(frozen=True)
class TransferProgress:
    """A progress report during a transfer (done/total bytes; total 0 when unknown)."""

    done: int
    total: int
