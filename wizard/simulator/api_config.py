"""GET /config (5.0.5+: the `config` table, filtered by ?scope=; 4.x: the authorization settings
only) and GET /ldap ("enabled" or "disabled", 4.x+). The `ldap_*` rows carry the config's
``ldap_server``; a legacy restore keeps this manager's rows (they are not in the snapshot), so LDAP
stays as it was configured here.

Shapes: rest-service/manager_rest/rest/resources_v3_1/manager_config.py (items, metadata {},
"authorization" when no scope or scope=authorization; admin_only values hidden from non-admins),
resources_v3/manager.py::LdapAuthentication.get; the item list follows the recorded 7.1 answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import _user, route
from .listing import query_one
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager

#: (name, scope, value, schema type, admin_only) of the rows served; ldap_server comes from the config
_ROWS: tuple[tuple[str, str, Any, str | None, bool], ...] = (
    ("account_lock_period", "rest", -1, "number", False),
    ("default_page_size", "rest", 1000, "integer", False),
    ("failed_logins_before_account_lock", "rest", 4, "integer", False),
    ("ldap_base_dn", "rest", None, "string", False),
    ("ldap_domain", "rest", None, "string", False),
    ("ldap_is_active_directory", "rest", None, "boolean", False),
    ("ldap_nested_levels", "rest", 1, "integer", False),
    ("ldap_password", "rest", None, "string", True),
    ("ldap_server", "rest", None, "string", False),
    ("ldap_timeout", "rest", 5.0, "number", False),
    ("ldap_username", "rest", None, "string", True),
    ("max_concurrent_workflows", "rest", 20, "integer", False),
    ("broker_port", "agent", 5671, "integer", False),
    ("max_workers", "mgmtworker", 5, "integer", False),
)


def _value(mgr: Manager, name: str, default: Any) -> Any:
    server = mgr.cfg.ldap_server
    if not server:
        return default
    configured = {
        "ldap_server": server,
        "ldap_domain": "example.local",
        "ldap_is_active_directory": True,
        "ldap_username": "cfy-bind",
        "ldap_password": "<simulated ldap bind password>",
    }
    return configured.get(name, default)


@route("GET", "/config")
def get_config(mgr: Manager, req: Request) -> Response:
    """GET /config[?scope=S]; 4.x serves the authorization settings only (no rows)."""
    if not mgr.profile.at_least(5, 0, 5):
        return Response.json({"authorization": {"roles": [], "permissions": {}}})
    scope = query_one(req.query, "scope")
    admin = _user(req).get("role") == "sys_admin"
    items = []
    for name, row_scope, default, kind, admin_only in _ROWS:
        if scope and row_scope != scope:
            continue
        value = _value(mgr, name, default)
        items.append(
            {
                "name": name,
                "value": "********" if admin_only and not admin else value,
                "schema": {"type": kind} if kind else None,
                "is_editable": True,
                "admin_only": admin_only,
                "updated_at": None,
                "scope": row_scope,
                "updater_name": None,
            }
        )
    body: dict[str, Any] = {"metadata": {}, "items": items}
    if not scope or scope == "authorization":
        body["authorization"] = {"roles": [], "permissions": {}}
    return Response.json(body)


@route("GET", "/ldap")
def get_ldap(mgr: Manager, req: Request) -> Response:
    """GET /ldap: whether this manager authenticates against an LDAP server."""
    return Response.json("enabled" if mgr.cfg.ldap_server else "disabled")
