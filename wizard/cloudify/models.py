"""Small typed views of the manager's JSON, tolerant of missing and extra fields (4.x to 7.x).

Each `from_api` takes one JSON object as the manager sent it and never raises on a missing or
unexpected field: missing strings become "", missing optionals None. A body that is not an
object at all raises ProtocolError (the caller asked the wrong URL).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from packaging.version import Version

from wizard.cloudify.errors import ProtocolError

T = TypeVar("T")

#: execution states after which nothing more happens (cloudify ExecutionState.END_STATES)
END_STATES = frozenset({"terminated", "failed", "cancelled"})
#: states in which an execution is alive or waiting to run
ACTIVE_STATES = frozenset(
    {"pending", "started", "cancelling", "force_cancelling", "kill_cancelling", "queued", "scheduled"}
)


def _obj(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ProtocolError(f"expected a JSON object for {what}, got {type(data).__name__}")
    return data


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _dict(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return dict(value) if isinstance(value, Mapping) else {}


def parse_manager_version(text: str) -> Version:
    """Parse a manager version the way Cloudify's ManagerVersion does.

    "7.1.0.dev1" -> 7.1.0, "4.6" -> 4.6.0, "6.4.2-ga" -> 6.4.2: split on '-', keep the integer
    components, pad to three. Raises ValueError when no number is there at all.
    """
    head = text.strip().split("-")[0]
    parts = [p for p in head.split(".") if re.fullmatch(r"\d+", p)]
    if not parts:
        raise ValueError(f"not a manager version: {text!r}")
    while len(parts) < 3:
        parts.append("0")
    return Version(".".join(parts[:3]))


@dataclass(frozen=True)
class VersionInfo:
    """GET /version: which product and release a manager runs."""

    version: str
    edition: str
    distribution: str = ""
    distro_release: str = ""

    @property
    def parsed(self) -> Version:
        """The comparable version (raises ValueError for an unparseable string)."""
        return parse_manager_version(self.version)

    @classmethod
    def from_api(cls, data: object) -> VersionInfo:
        d = _obj(data, "version")
        return cls(_str(d, "version"), _str(d, "edition"), _str(d, "distribution"), _str(d, "distro_release"))


@dataclass(frozen=True)
class ServiceStatus:
    """One service line of /status, the same for the 4.x list shape and the 5.x+ dict shape."""

    name: str
    active: bool
    detail: str = ""


@dataclass(frozen=True)
class ManagerStatus:
    """GET /status normalised: 4.x {"status":"running","services":[...]}, 5.x+ {"status":"OK",...}."""

    status: str
    services: tuple[ServiceStatus, ...] = ()

    @property
    def healthy(self) -> bool:
        """True when the manager says it is fine (OK on 5.x+, running on 4.x) and no service is down."""
        return self.status in {"OK", "running"} and all(s.active for s in self.services)

    @property
    def inactive_services(self) -> tuple[str, ...]:
        """Names of the services that are not active."""
        return tuple(s.name for s in self.services if not s.active)

    @classmethod
    def from_api(cls, data: object) -> ManagerStatus:
        d = _obj(data, "status")
        raw = d.get("services")
        services: list[ServiceStatus] = []
        if isinstance(raw, Mapping):
            for name, info in raw.items():
                state = _str(info, "status") if isinstance(info, Mapping) else str(info)
                services.append(ServiceStatus(str(name), state == "Active", state))
        elif isinstance(raw, list):
            for item in raw:
                if not isinstance(item, Mapping):
                    continue
                name = _str(item, "display_name") or _str(item, "unit_id")
                instances = item.get("instances")
                states = [
                    _str(i, "state") or _str(i, "ActiveState")
                    for i in (instances if isinstance(instances, list) else [])
                    if isinstance(i, Mapping)
                ]
                active = bool(states) and all(s in {"running", "active"} for s in states)
                services.append(ServiceStatus(name, active, ",".join(states)))
        return cls(_str(d, "status"), tuple(services))


@dataclass(frozen=True)
class ManagerNode:
    """One manager of a cluster (GET /managers on 5.0.5+, or built from the provider context on 4.x)."""

    hostname: str
    private_ip: str
    public_ip: str = ""
    version: str = ""
    edition: str = ""
    networks: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_api(cls, data: object) -> ManagerNode:
        d = _obj(data, "manager")
        networks = {str(k): str(v) for k, v in _dict(d, "networks").items()}
        return cls(
            _str(d, "hostname"),
            _str(d, "private_ip"),
            _str(d, "public_ip"),
            _str(d, "version"),
            _str(d, "edition"),
            networks,
        )

    @classmethod
    def from_provider_context(cls, data: object) -> ManagerNode:
        """4.x has no /managers: the IP and networks are in provider context's cloudify_agent."""
        d = _obj(data, "provider context")
        agent = _dict(_dict(_dict(d, "context"), "cloudify"), "cloudify_agent")
        networks = {str(k): str(v) for k, v in _dict(agent, "networks").items()}
        ip = _str(agent, "broker_ip") or networks.get("default", "")
        return cls(hostname="", private_ip=ip, networks=networks)


@dataclass(frozen=True)
class Broker:
    """GET /brokers: a RabbitMQ node (its networks matter for the restore's network check)."""

    name: str
    host: str
    networks: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_api(cls, data: object) -> Broker:
        d = _obj(data, "broker")
        networks = {str(k): str(v) for k, v in _dict(d, "networks").items()}
        return cls(_str(d, "name"), _str(d, "host"), networks)


@dataclass(frozen=True)
class CurrentUser:
    """GET /user: who we are logged in as, and the system role (sys_admin is needed)."""

    username: str
    role: str
    active: bool = True

    @property
    def is_admin(self) -> bool:
        """sys_admin (or the pre-4.2 name `admin`)."""
        return self.role in {"sys_admin", "admin"}

    @classmethod
    def from_api(cls, data: object) -> CurrentUser:
        d = _obj(data, "user")
        active = d.get("active")
        return cls(_str(d, "username"), _str(d, "role"), active is not False)


@dataclass(frozen=True)
class Tenant:
    """GET /tenants item."""

    name: str

    @classmethod
    def from_api(cls, data: object) -> Tenant:
        return cls(_str(_obj(data, "tenant"), "name"))


@dataclass(frozen=True)
class Blueprint:
    """GET /blueprints item (only what the wizard needs)."""

    id: str
    tenant_name: str = ""

    @classmethod
    def from_api(cls, data: object) -> Blueprint:
        d = _obj(data, "blueprint")
        return cls(_str(d, "id"), _str(d, "tenant_name"))


@dataclass(frozen=True)
class Deployment:
    """GET /deployments item; installation_status is None before 6.0 (compute it from instances)."""

    id: str
    tenant_name: str = ""
    blueprint_id: str = ""
    installation_status: str | None = None
    #: workflow name -> its declared parameters (names -> declaration), when the list included them
    workflows: dict[str, dict[str, Any]] = field(default_factory=dict)

    def declares(self, workflow: str, parameter: str) -> bool | None:
        """Whether `workflow` declares `parameter`; None when the workflows were not fetched."""
        if not self.workflows:
            return None
        return parameter in self.workflows.get(workflow, {})

    @classmethod
    def from_api(cls, data: object) -> Deployment:
        d = _obj(data, "deployment")
        workflows: dict[str, dict[str, Any]] = {}
        raw = d.get("workflows")
        if isinstance(raw, list):
            for wf in raw:
                if isinstance(wf, Mapping) and wf.get("name"):
                    workflows[str(wf["name"])] = _dict(wf, "parameters")
        elif isinstance(raw, Mapping):
            for name, wf in raw.items():
                workflows[str(name)] = _dict(wf, "parameters") if isinstance(wf, Mapping) else {}
        return cls(
            _str(d, "id"),
            _str(d, "tenant_name"),
            _str(d, "blueprint_id"),
            _opt_str(d, "installation_status"),
            workflows,
        )


@dataclass(frozen=True)
class NodeInstance:
    """GET /node-instances item: a host is an instance whose id equals its host_id."""

    id: str
    deployment_id: str = ""
    node_id: str = ""
    host_id: str = ""
    state: str = ""
    tenant_name: str = ""

    @property
    def is_host(self) -> bool:
        """True for a Compute host instance (id == host_id), as the CLI decides."""
        return bool(self.id) and self.id == self.host_id

    @classmethod
    def from_api(cls, data: object) -> NodeInstance:
        d = _obj(data, "node instance")
        return cls(
            _str(d, "id"),
            _str(d, "deployment_id"),
            _str(d, "node_id"),
            _str(d, "host_id"),
            _str(d, "state"),
            _str(d, "tenant_name"),
        )


@dataclass(frozen=True)
class Agent:
    """GET /agents item."""

    id: str
    deployment: str = ""
    node_instance_id: str = ""
    host_id: str = ""
    ip: str = ""
    install_method: str = ""
    version: str = ""
    state: str = ""
    tenant_name: str = ""

    @classmethod
    def from_api(cls, data: object) -> Agent:
        d = _obj(data, "agent")
        return cls(
            _str(d, "id"),
            _str(d, "deployment"),
            _str(d, "node_instance_id"),
            _str(d, "host_id"),
            _str(d, "ip"),
            _str(d, "install_method"),
            _str(d, "version"),
            _str(d, "state"),
            _str(d, "tenant_name"),
        )


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
        """The last non-empty line of `error` (the exception line of a traceback)."""
        lines = [line.strip() for line in self.error.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""

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
        return cls(_str(d, "id"), _str(d, "status"), _str(d, "error"), _str(d, "created_at"),
                   _str(d, "tenant_name"))


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
