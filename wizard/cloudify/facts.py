"""The manager-level calls of ManagerClient: cluster topology and health, licence, LDAP settings,
plugins, and the maintenance-mode bypass header. Apart from client.py to keep each module
readable; ManagerClient inherits them unchanged.

Every call here is read-only. Where an endpoint does not exist on a manager version (404), the
call says so with None or an empty list instead of raising, so the checks can tell "not there"
from "could not ask".
"""

from __future__ import annotations

from typing import Any

from wizard.cloudify.errors import BadParametersError, NotFoundError
from wizard.cloudify.listing import ListCalls
from wizard.cloudify.models_topology import ClusterStatus, DBNode, LdapSettings, LicenceInfo, PluginInfo

#: the plugin fields a compatibility check needs (nothing else is fetched)
PLUGIN_FIELDS = (
    "id",
    "package_name",
    "package_version",
    "tenant_name",
    "supported_platform",
    "supported_py_versions",
    "distribution",
    "distribution_release",
    "wheels",
)

#: the header with which an admin's requests pass maintenance mode
#: (rest-service/manager_rest/utils.py::is_bypass_maintenance_mode)
BYPASS_HEADER = "X-BYPASS-MAINTENANCE"


class FactsCalls(ListCalls):
    """Manager-level endpoints (see the module docstring)."""

    def bypass_maintenance(self, on: bool = True) -> None:
        """Send (or stop sending) X-BYPASS-MAINTENANCE with every request of this client: an admin's
        reads then pass the maintenance mode a migration put on the old manager."""
        if on:
            self._session.headers[BYPASS_HEADER] = "true"
        else:
            self._session.headers.pop(BYPASS_HEADER, None)

    def db_nodes(self) -> list[DBNode] | None:
        """GET /db-nodes (5.0.5+); None where the endpoint does not exist."""
        try:
            return [DBNode.from_api(item) for item in self.iter_items("db-nodes")]
        except NotFoundError:
            return None

    def cluster_status(self) -> ClusterStatus | None:
        """GET /cluster-status (5.0.5+, detailed); None where the endpoint does not exist."""
        try:
            return ClusterStatus.from_api(self._json("GET", "/cluster-status"))
        except NotFoundError:
            return None

    def licences(self) -> list[LicenceInfo] | None:
        """GET /license (premium; served even without a licence); None where the edition has no
        such endpoint (community answers 404 missing_premium_package_error)."""
        try:
            return [LicenceInfo.from_api(item) for item in self.iter_items("license")]
        except NotFoundError:
            return None

    def ldap_settings(self) -> LdapSettings | None:
        """The LDAP settings: the `ldap_*` rows of GET /config?scope=rest (5.0.5+), else GET /ldap
        ("enabled"/"disabled"; 4.x's /config has no rows); None where neither exists. The bind
        credentials are never kept."""
        try:
            body = self._json("GET", "/config", params=[("scope", "rest")])
            if isinstance(body, dict) and isinstance(body.get("items"), list):
                return LdapSettings.from_config(body)
            # 4.x: /config holds the authorization settings only
        except NotFoundError:
            pass
        try:
            status: Any = self._json("GET", "/ldap")
        except NotFoundError:
            return None
        return LdapSettings(str(status).strip().lower() == "enabled")

    def plugins(self, *, all_tenants: bool = True) -> list[PluginInfo]:
        """Every uploaded plugin (wagon) with its Python versions and platform (the whole rows
        where a version refuses one of the projected fields)."""
        try:
            items = list(self.iter_items("plugins", include=list(PLUGIN_FIELDS), all_tenants=all_tenants))
        except BadParametersError:
            items = list(self.iter_items("plugins", all_tenants=all_tenants))
        return [PluginInfo.from_api(item) for item in items]
