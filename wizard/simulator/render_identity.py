"""Wire shapes of tenants, users and events (split from render.py, which re-exports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .inventory import Record
from .render import View

if TYPE_CHECKING:
    from .manager import Manager


TENANT_FIELDS = [
    "name",
    "groups",
    "users",
    "user_roles",
    "rabbitmq_username",
    "rabbitmq_password",
    "rabbitmq_vhost",
]


def render_tenant(mgr: Manager, rec: Record) -> Record:
    """A tenant row (member counts, as without ``_get_data``)."""
    users = sum(1 for u in mgr.inv.users.values() if rec["name"] in u.get("tenants", {}))
    return {
        "name": rec["name"],
        "groups": 0,
        "users": users,
        "user_roles": None,
        "rabbitmq_username": None,
        "rabbitmq_password": None,
        "rabbitmq_vhost": None,
    }


TENANTS = View("Tenant", lambda m: list(TENANT_FIELDS), render_tenant)

USER_FIELDS = [
    "username",
    "tenants",
    "tenant_roles",
    "groups",
    "role",
    "group_system_roles",
    "active",
    "created_at",
    "first_login_at",
    "last_login_at",
    "is_locked",
    "show_getting_started",
    "password_hash",
]


def render_user(mgr: Manager, rec: Record) -> Record:
    """A user row: tenants/groups are counts, the password hash is never shown."""
    out = {k: rec.get(k) for k in USER_FIELDS}
    out["tenants"] = len(rec.get("tenants", {}))
    out["tenant_roles"] = None
    out["groups"] = 0
    out["password_hash"] = None
    return out


USERS = View("User", lambda m: list(USER_FIELDS), render_user)

EVENT_FIELDS = [
    "_storage_id",
    "timestamp",
    "reported_timestamp",
    "blueprint_id",
    "deployment_id",
    "deployment_display_name",
    "execution_id",
    "execution_group_id",
    "workflow_id",
    "message",
    "error_causes",
    "operation",
    "source_id",
    "target_id",
    "manager_name",
    "agent_name",
    "node_instance_id",
    "node_name",
    "type",
]


def render_event(rec: Record) -> Record:
    """An event or log row (events add event_type; logs add logger and level)."""
    out = {k: rec.get(k) for k in EVENT_FIELDS[:11]}
    if rec["type"] == "cloudify_event":
        out["event_type"] = rec.get("event_type")
    for k in EVENT_FIELDS[11:]:
        out[k] = rec.get(k)
    if rec["type"] == "cloudify_log":
        out["logger"] = rec.get("logger")
        out["level"] = rec.get("level")
    return out
