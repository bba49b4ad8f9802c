"""Typed views of a manager's inventory: blueprints, deployments, node instances and agents.
Split from models.py (one module per family); models.py re-exports every name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.cloudify.models_fields import _dict, _obj, _opt_str, _str


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
