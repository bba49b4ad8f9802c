"""What a manager says about itself beyond the probe, for the manager-level checks: its cluster
(DB nodes, /cluster-status, the runtime), licence, LDAP settings and (old manager) plugins.

Each read is tolerant: an endpoint the version lacks is "unknown" (None), a failed read keeps its
error (a check then says ERROR, or FAIL when the manager's licence refused it). `to_json` is what
the journal keeps of the old manager, so the checks made after the snapshot (against the archive,
before the restore) still know its LDAP, edition and plugins without asking it again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import CloudifyError, RequestCancelledError
from wizard.cloudify.models_topology import ClusterStatus, DBNode, LdapSettings, LicenceInfo, PluginInfo
from wizard.migration.checks.probe import ManagerProbe

T = TypeVar("T")

#: /status service names only the Kubernetes ("split services") deployment lists
#: (rest-service/manager_rest/rest/resources_v3_1/status.py, RUNTIME_ENVIRONMENT=k8s)
K8S_SERVICES = frozenset({"Kubernetes State Metrics", "SeaweedFS Master", "Cloudify Console Backend"})


@dataclass
class ManagerFacts:
    """One manager's cluster, licence, LDAP and plugin facts (no secrets)."""

    label: str
    edition: str = ""
    version: str = ""
    db_nodes: list[DBNode] | None = None
    cluster: ClusterStatus | None = None
    licences: list[LicenceInfo] | None = None
    ldap: LdapSettings | None = None
    plugins: list[PluginInfo] | None = None
    runtime: str = "legacy"
    #: what could not be read: fact name -> the error (LicenceError instances kept as such)
    errors: dict[str, CloudifyError] = field(default_factory=dict)

    @property
    def premium(self) -> bool:
        """The manager says it is the premium edition."""
        return self.edition == "premium"

    def to_json(self) -> dict[str, Any]:
        """The journal's copy (what the later checks need from a manager no longer asked)."""
        return {
            "edition": self.edition,
            "version": self.version,
            "runtime": self.runtime,
            "ldap": self.ldap.to_json() if self.ldap else None,
            "plugins": [p.to_json() for p in self.plugins] if self.plugins is not None else None,
            "licences": [lic.to_json() for lic in self.licences] if self.licences is not None else None,
        }

    @classmethod
    def from_json(cls, label: str, data: Mapping[str, Any] | None) -> ManagerFacts | None:
        """Inverse of to_json; None when nothing was journaled."""
        if not data:
            return None
        ldap = data.get("ldap")
        plugins = data.get("plugins")
        return cls(
            label,
            edition=str(data.get("edition") or ""),
            version=str(data.get("version") or ""),
            runtime=str(data.get("runtime") or "legacy"),
            ldap=LdapSettings.from_json(ldap) if isinstance(ldap, Mapping) else None,
            plugins=[PluginInfo.from_json(p) for p in plugins if isinstance(p, Mapping)]
            if isinstance(plugins, list)
            else None,
        )


def _read(facts: ManagerFacts, name: str, call: Callable[[], T]) -> T | None:
    try:
        return call()
    except RequestCancelledError:
        raise
    except CloudifyError as exc:
        facts.errors[name] = exc
        return None


def gather(client: ManagerClient, probe: ManagerProbe, *, plugins: bool = False) -> ManagerFacts:
    """Read one manager's facts (read-only); `plugins` also lists every uploaded wagon."""
    facts = ManagerFacts(
        probe.label,
        edition=probe.version.edition if probe.version else "",
        version=probe.version.version if probe.version else "",
    )
    if probe.status is not None and K8S_SERVICES & {s.name for s in probe.status.services}:
        facts.runtime = "k8s"
    if facts.premium:
        facts.licences = _read(facts, "licence", client.licences)
    facts.db_nodes = _read(facts, "db_nodes", client.db_nodes)
    facts.cluster = _read(facts, "cluster", client.cluster_status)
    facts.ldap = _read(facts, "ldap", client.ldap_settings)
    if plugins:
        facts.plugins = _read(facts, "plugins", lambda: client.plugins(all_tenants=True))
    return facts
