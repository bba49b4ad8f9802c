"""The rows a seeded manager is made of: users, tenants, blueprints and the executions of its past."""

from __future__ import annotations

from typing import Any

from .inventory import Inventory, Record


def user_record(
    username: str, role: str, password_hash: str, tenants: dict[str, str], created: str
) -> Record:
    """A user row (the hash is stored, never the password)."""
    return {
        "username": username,
        "role": role,
        "password_hash": password_hash,
        "tenants": dict(tenants),
        "active": True,
        "created_at": created,
        "first_login_at": None,
        "last_login_at": None,
        "is_locked": False,
        "show_getting_started": True,
        "group_system_roles": {},
    }


def tenant_record(name: str) -> Record:
    """A tenant row."""
    return {
        "name": name,
        "rabbitmq_username": f"rabbitmq_user_{name}",
        "rabbitmq_vhost": f"rabbitmq_vhost_{name}",
    }


def blueprint_record(tenant: str, bp_id: str, era: str, ts: str) -> Record:
    """An uploaded blueprint row (`era`: the types.yaml it imports, which decides its workflows)."""
    return {
        "id": bp_id,
        "created_at": ts,
        "updated_at": ts,
        "visibility": "tenant",
        "main_file_name": "blueprint.yaml",
        "plan": {"description": None, "_types_era": era},
        "requirements": {"parent_capabilities": [], "secrets": []},
        "description": None,
        "is_hidden": False,
        "state": "uploaded",
        "error": None,
        "error_traceback": None,
        "tenant_name": tenant,
        "created_by": "admin",
        "labels": [],
        "_types_era": era,
    }


def history_execution(
    inv: Inventory,
    exec_id: str,
    workflow: str,
    tenant: str,
    dep_id: str,
    bp_id: str,
    ts: str,
    params: dict[str, Any],
) -> None:
    """A finished execution of the seeded past (create_deployment_environment, install)."""
    inv.executions[exec_id] = {
        "id": exec_id,
        "workflow_id": workflow,
        "status": "terminated",
        "error": "",
        "parameters": params,
        "is_system_workflow": False,
        "is_dry_run": False,
        "allow_custom_parameters": False,
        "created_at": ts,
        "started_at": ts,
        "ended_at": ts,
        "scheduled_for": None,
        "deployment_id": dep_id,
        "blueprint_id": bp_id,
        "total_operations": 0,
        "finished_operations": 0,
        "resume": False,
        "visibility": "tenant",
        "tenant_name": tenant,
        "created_by": "admin",
    }
