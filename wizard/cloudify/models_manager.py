"""Typed views of what the manager says about itself: version, status, manager and broker nodes,
the current user and tenants. Split from models.py (one module per family); models.py re-exports
every name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from packaging.version import Version

from wizard.cloudify.models_fields import _dict, _obj, _str


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
    #: the manager's internal CA (what its agents verify it with), 5.0.5+
    ca_cert_content: str = ""

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
            _str(d, "ca_cert_content"),
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
    is_external: bool = False

    @classmethod
    def from_api(cls, data: object) -> Broker:
        d = _obj(data, "broker")
        networks = {str(k): str(v) for k, v in _dict(d, "networks").items()}
        return cls(_str(d, "name"), _str(d, "host"), networks, d.get("is_external") is True)


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
