"""Typed views of the manager-level facts a migration must see before it bites: the cluster's
DB nodes and health (/db-nodes, /cluster-status), the licence (/license), the LDAP settings
(/config, /ldap) and the plugins' wagons (/plugins). Tolerant like every model here: a missing
field never raises; a body that is not an object raises ProtocolError."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wizard.cloudify.models_fields import _dict, _obj, _str

#: the /config entries that describe the LDAP connection; ldap_username and ldap_password are
#: deliberately absent (admin_only secrets, never read into memory)
LDAP_KEYS = (
    "ldap_server",
    "ldap_domain",
    "ldap_is_active_directory",
    "ldap_base_dn",
    "ldap_dn_extra",
    "ldap_group_dn",
    "ldap_user_filter",
)


@dataclass(frozen=True)
class DBNode:
    """GET /db-nodes item (5.0.5+): a PostgreSQL node of the cluster (`is_external`: managed
    outside Cloudify). Source: rest-service/manager_rest/storage/management_models.py::DBNodes."""

    name: str
    host: str
    is_external: bool = False

    @classmethod
    def from_api(cls, data: object) -> DBNode:
        d = _obj(data, "db node")
        return cls(_str(d, "name"), _str(d, "host"), d.get("is_external") is True)


@dataclass(frozen=True)
class ClusterNode:
    """One node of one service kind in /cluster-status (`status` OK or Fail)."""

    name: str
    private_ip: str
    version: str
    status: str
    failures: tuple[str, ...] = ()

    @property
    def healthy(self) -> bool:
        """The node reports OK."""
        return self.status == "OK"


@dataclass(frozen=True)
class ClusterService:
    """/cluster-status for one kind (manager, broker, db): OK, Degraded or Fail, and its nodes."""

    kind: str
    status: str
    is_external: bool = False
    nodes: tuple[ClusterNode, ...] = ()


@dataclass(frozen=True)
class ClusterStatus:
    """GET /cluster-status (5.0.5+), the detailed shape of
    rest-service/manager_rest/cluster_status_manager.py::get_cluster_status:
    {"status", "services": {"manager"|"broker"|"db": {"is_external", "status", "nodes": {...}}}}."""

    status: str
    services: dict[str, ClusterService] = field(default_factory=dict)

    def kind(self, name: str) -> ClusterService | None:
        """The service of one kind (manager, broker, db), if reported."""
        return self.services.get(name)

    @classmethod
    def from_api(cls, data: object) -> ClusterStatus:
        d = _obj(data, "cluster status")
        services: dict[str, ClusterService] = {}
        for kind, raw in _dict(d, "services").items():
            if not isinstance(raw, Mapping):
                continue
            nodes = []
            for name, node in _dict(raw, "nodes").items():
                if not isinstance(node, Mapping):
                    continue
                failures = node.get("failures")
                nodes.append(
                    ClusterNode(
                        str(name),
                        _str(node, "private_ip"),
                        _str(node, "version"),
                        _str(node, "status"),
                        tuple(str(f) for f in failures) if isinstance(failures, list) else (),
                    )
                )
            services[str(kind)] = ClusterService(
                str(kind), _str(raw, "status"), raw.get("is_external") is True, tuple(nodes)
            )
        return cls(_str(d, "status"), services)


@dataclass(frozen=True)
class LicenceInfo:
    """GET /license item (premium): who it belongs to, until when, and whether it has expired.
    Source: rest-service/manager_rest/rest/responses_v3.py::License."""

    customer_id: str
    expiration_date: str = ""
    edition: str = ""
    trial: bool = False
    cloudify_version: str = ""
    expired: bool = False

    @classmethod
    def from_api(cls, data: object) -> LicenceInfo:
        d = _obj(data, "license")
        return cls(
            _str(d, "customer_id"),
            _str(d, "expiration_date"),
            _str(d, "license_edition"),
            d.get("trial") is True,
            _str(d, "cloudify_version"),
            d.get("expired") is True,
        )

    def to_json(self) -> dict[str, Any]:
        """For the journal and the report (a customer id is not a secret)."""
        return {
            "customer_id": self.customer_id,
            "expiration_date": self.expiration_date,
            "edition": self.edition,
            "trial": self.trial,
            "cloudify_version": self.cloudify_version,
            "expired": self.expired,
        }


@dataclass(frozen=True)
class LdapSettings:
    """Whether a manager authenticates users against LDAP, and against which server.

    From /config (5.0.5+: the `ldap_*` rows of the `config` table, which a legacy restore keeps
    from the NEW manager) or, on older managers, GET /ldap ("enabled"/"disabled"). The bind user
    and password are never read."""

    enabled: bool
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def server(self) -> str:
        """The LDAP server URL ('' when none)."""
        return self.settings.get("ldap_server", "")

    @classmethod
    def from_config(cls, data: object) -> LdapSettings:
        """From GET /config's body: {"metadata": {}, "items": [{"name", "value", ...}]}."""
        d = _obj(data, "config")
        items = d.get("items")
        values: dict[str, str] = {}
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, Mapping):
                continue
            name = _str(item, "name")
            if name in LDAP_KEYS and item.get("value") not in (None, ""):
                values[name] = str(item.get("value"))
        return cls(bool(values.get("ldap_server")), values)

    def to_json(self) -> dict[str, Any]:
        """For the journal (no credentials are ever held here)."""
        return {"enabled": self.enabled, "settings": dict(self.settings)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LdapSettings:
        """Inverse of to_json."""
        raw = data.get("settings")
        settings = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}
        return cls(bool(data.get("enabled")), settings)


@dataclass(frozen=True)
class PluginInfo:
    """GET /plugins item: one uploaded wagon, its Python versions and platform (what decides
    whether the manager's mgmtworker can install it: cloudify-common
    cloudify/plugin_installer.py::_is_plugin_supported and version_for_plugin)."""

    id: str
    package_name: str
    package_version: str = ""
    tenant_name: str = ""
    supported_platform: str = ""
    supported_py_versions: tuple[str, ...] = ()
    distribution: str = ""
    distribution_release: str = ""
    wheels: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: object) -> PluginInfo:
        d = _obj(data, "plugin")
        py = d.get("supported_py_versions")
        wheels = d.get("wheels")
        return cls(
            _str(d, "id"),
            _str(d, "package_name"),
            _str(d, "package_version"),
            _str(d, "tenant_name"),
            _str(d, "supported_platform"),
            tuple(str(v) for v in py) if isinstance(py, list) else (),
            _str(d, "distribution"),
            _str(d, "distribution_release"),
            tuple(str(w) for w in wheels) if isinstance(wheels, list) else (),
        )

    def to_json(self) -> dict[str, Any]:
        """For the journal and the report."""
        return {
            "id": self.id,
            "package_name": self.package_name,
            "package_version": self.package_version,
            "tenant_name": self.tenant_name,
            "supported_platform": self.supported_platform,
            "supported_py_versions": list(self.supported_py_versions),
            "distribution": self.distribution,
            "distribution_release": self.distribution_release,
            "wheels": list(self.wheels),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PluginInfo:
        """Inverse of to_json (the same keys as the API's)."""
        return cls.from_api(dict(data))
