"""The ``pg_data`` of a simulated legacy snapshot, in the shape of a real one: a plain-SQL
``pg_dump`` whose ``COPY public.<table> (<columns>) FROM stdin;`` blocks hold one tab-separated row
per record, ended by ``\\.``. The column lists are those of a real 7.1 manager's dump (measured on
the realstack seed); columns the simulator does not model are ``\\N``. A real dump has neither a
``managers`` nor a ``rabbitmq_brokers`` table (the manager is named by the certificates in
``ssl/``), and before 6.0 ``deployments`` has no ``installation_status``.

The simulator's own restore needs more than these tables, so the whole inventory follows as one
JSON comment line (``-- cfy-sim-dump: {...}``), which a reader of the SQL ignores.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

DUMP_MARKER = "-- cfy-sim-dump: "

_TABLES: dict[str, tuple[str, ...]] = {
    "tenants": ("id", "name", "rabbitmq_password", "rabbitmq_username", "rabbitmq_vhost"),
    "blueprints": (
        "_storage_id", "id", "created_at", "main_file_name", "plan_p", "updated_at", "description",
        "_tenant_id", "_creator_id", "visibility", "is_hidden", "state", "error", "error_traceback",
        "_upload_execution_fk", "plan", "requirements",
    ),
    "deployments": (
        "_storage_id", "id", "created_at", "description", "inputs_p", "groups_p", "permalink",
        "policy_triggers_p", "policy_types_p", "outputs_p", "scaling_groups_p", "updated_at", "workflows_p",
        "_blueprint_fk", "_creator_id", "_tenant_id", "visibility", "capabilities_p", "_site_fk",
        "runtime_only_evaluation", "_create_execution_fk", "_latest_execution_fk", "installation_status",
        "deployment_status", "sub_environments_count", "sub_environments_status", "sub_services_count",
        "sub_services_status", "display_name", "resource_tags", "drifted_instances", "unavailable_instances",
        "inputs", "groups", "policy_triggers", "policy_types", "outputs", "capabilities", "scaling_groups",
        "workflows",
    ),
    "nodes": (
        "_storage_id", "id", "deploy_number_of_instances", "host_id", "max_number_of_instances",
        "min_number_of_instances", "number_of_instances", "planned_number_of_instances", "plugins_p",
        "plugins_to_install_p", "properties_p", "relationships_p", "operations_p", "type", "type_hierarchy_p",
        "_deployment_fk", "_creator_id", "_tenant_id", "visibility", "drifted_instances",
        "unavailable_instances", "plugins", "plugins_to_install", "properties", "relationships", "operations",
        "type_hierarchy",
    ),
    "node_instances": (
        "_storage_id", "id", "host_id", "relationships_p", "runtime_properties_p", "scaling_groups_p",
        "state", "version", "_node_fk", "_creator_id", "_tenant_id", "visibility", "index",
        "system_properties", "is_status_check_ok", "has_configuration_drift", "relationships",
        "runtime_properties", "scaling_groups",
    ),
    "agents": (
        "_storage_id", "id", "name", "ip", "install_method", "system", "version", "state", "visibility",
        "rabbitmq_username", "rabbitmq_password", "rabbitmq_exchange", "created_at", "updated_at",
        "_node_instance_fk", "_tenant_id", "_creator_id",
    ),
}  # fmt: skip


def _text(value: Any) -> str:
    """One value in COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _block(table: str, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> list[str]:
    lines = [f"COPY public.{table} ({', '.join(columns)}) FROM stdin;"]
    lines += ["\t".join(_text(row.get(c)) for c in columns) for row in rows]
    lines += ["\\.", ""]
    return lines


def render_pg_data(dump: dict[str, Any], *, installation_status: bool) -> str:
    """The whole ``pg_data`` text for `dump` (see the module docstring)."""
    tenant_ids = {t["name"]: n for n, t in enumerate(dump.get("tenants", []))}
    keyed: dict[str, dict[tuple[str, str], int]] = {}
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in _TABLES:
        out: list[dict[str, Any]] = []
        index: dict[tuple[str, str], int] = {}
        for n, rec in enumerate(dump.get(table, []), 1):
            tenant = rec.get("tenant_name", rec.get("name"))
            row = {k: v for k, v in rec.items() if not k.startswith("_")}
            row.update(_storage_id=n, _tenant_id=tenant_ids.get(str(tenant)), _creator_id=0)
            index[(str(tenant), str(rec.get("id")))] = n
            out.append(row)
        keyed[table], rows[table] = index, out
    for n, t in enumerate(rows["tenants"]):
        t["id"] = n
    not_started = {
        (_tenant(ni), str(ni.get("deployment_id")))
        for ni in rows["node_instances"]
        if ni.get("state") != "started"
    }
    for d in rows["deployments"]:
        # the real 6.0+ rule (inventory.installation_status): active iff every instance is started
        d["installation_status"] = "inactive" if (_tenant(d), str(d.get("id"))) in not_started else "active"
        d["_blueprint_fk"] = keyed["blueprints"].get((_tenant(d), str(d.get("blueprint_id"))))
    for node in rows["nodes"]:
        node["_deployment_fk"] = keyed["deployments"].get((_tenant(node), str(node.get("deployment_id"))))
    node_keys = {
        (_tenant(n), str(n.get("deployment_id")), str(n.get("id"))): n["_storage_id"] for n in rows["nodes"]
    }
    for ni in rows["node_instances"]:
        ni["_node_fk"] = node_keys.get((_tenant(ni), str(ni.get("deployment_id")), str(ni.get("node_id"))))
    lines = [
        "--",
        "-- PostgreSQL database dump (cfy-sim: the tables of a real 7.1 dump that inventory counts read)",
        "--",
        "",
    ]
    for table, columns in _TABLES.items():
        cols = columns if installation_status or table != "deployments" else _without_status(columns)
        lines += _block(table, cols, rows[table])
    lines.append(DUMP_MARKER + json.dumps(dump))
    return "\n".join(lines) + "\n"


def _tenant(row: dict[str, Any]) -> str:
    return str(row.get("tenant_name", ""))


def _without_status(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in columns if c not in ("installation_status", "deployment_status"))


def read_sim_dump(text: str) -> dict[str, Any] | None:
    """The simulator's own inventory from a ``pg_data`` it wrote (None for any other dump)."""
    for line in reversed(text.splitlines()):
        if line.startswith(DUMP_MARKER):
            loaded = json.loads(line[len(DUMP_MARKER) :])
            return loaded if isinstance(loaded, dict) else None
    return None
