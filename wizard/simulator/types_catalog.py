"""Workflow declarations per types.yaml era: what ``deployment.workflows`` carries (§8.1 of the API notes).

A deployment keeps the declarations of the types.yaml its blueprint imported, so a 4.3-era blueprint
restored onto a 7.x manager still lacks ``stop_old_agent``/``manager_ip`` for install_new_agents.
"""

from __future__ import annotations

import copy
from typing import Any

_LIFECYCLE_PARAMS: dict[str, Any] = {
    "type_names": {"default": [], "type": "list", "item_type": "node_type"},
    "node_ids": {"default": [], "type": "list", "item_type": "node_id"},
    "node_instance_ids": {"default": [], "type": "list", "item_type": "node_instance"},
}
_OLD_LIFECYCLE_PARAMS: dict[str, Any] = {
    "type_names": {"default": []},
    "node_ids": {"default": []},
    "node_instance_ids": {"default": []},
}


def install_new_agents_params(era: str) -> dict[str, Any]:
    """install_new_agents parameter declarations of a types.yaml era ('4.3', '4.6', '5.2', '6.4', '7.0')."""
    new = era in ("6.4", "7.0")
    params: dict[str, Any] = {
        "install_agent_timeout": {"default": 300},
        "node_ids": {"default": [], "type": "list", "item_type": "node_id"} if new else {"default": []},
        "node_instance_ids": (
            {"default": [], "type": "list", "item_type": "node_instance"} if new else {"default": []}
        ),
    }
    if era != "4.3":
        params["install_methods"] = {"default": None}
    params["validate"] = {"default": True, "type": "boolean"} if era != "4.3" else {"default": True}
    params["install"] = {"default": True}
    params["install_script"] = {"default": ""}
    if era != "4.3":
        params["manager_ip"] = {"default": "", "description": "The private ip of the new manager"}
        params["manager_certificate"] = {
            "default": "",
            "description": "The cloudify_internal_ca_cert.pem of the new manager",
        }
        params["stop_old_agent"] = {"default": False}
    return params


_CACHE: dict[str, list[dict[str, Any]]] = {}


def deployment_workflows(dep: dict[str, Any]) -> list[dict[str, Any]]:
    """A deployment's declared workflows: stored ones if any, else those of its blueprint's era (shared)."""
    stored = dep.get("workflows")
    if stored:
        return list(stored)
    era = str(dep.get("_types_era", "7.0"))
    if era not in _CACHE:
        _CACHE[era] = workflow_declarations(era)
    return _CACHE[era]


def workflow_declarations(era: str) -> list[dict[str, Any]]:
    """The declared workflows (name, plugin, operation, parameters, availability) of an era."""
    new = era in ("6.4", "7.0")
    life = _LIFECYCLE_PARAMS if new else _OLD_LIFECYCLE_PARAMS
    none_partial = {"node_instances_active": ["none", "partial"]}
    all_partial = {"node_instances_active": ["all", "partial"]}
    specs: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = [
        ("install", copy.deepcopy(life), none_partial),
        (
            "uninstall",
            {"ignore_failure": {"default": False, "type": "boolean"}, **copy.deepcopy(life)},
            all_partial,
        ),
        (
            "start",
            {
                "operation_parms": {"default": {}},
                "run_by_dependency_order": {"default": True},
                **copy.deepcopy(life),
            },
            none_partial,
        ),
        (
            "stop",
            {
                "operation_parms": {"default": {}},
                "run_by_dependency_order": {"default": True},
                **copy.deepcopy(life),
            },
            all_partial,
        ),
        (
            "restart",
            {
                "stop_parms": {"default": {}},
                "start_parms": {"default": {}},
                "run_by_dependency_order": {"default": True},
                **copy.deepcopy(life),
            },
            all_partial,
        ),
        (
            "heal",
            {
                "node_instance_id": {"default": None},
                "diagnose_value": {"default": "Not provided"},
                "ignore_failure": {"default": True},
            },
            all_partial,
        ),
        (
            "scale",
            {
                "scalable_entity_name": {"description": "Which node/group to scale"},
                "delta": {"default": 1},
                "scale_compute": {"default": False},
                "ignore_failure": {"default": False},
            },
            all_partial,
        ),
        (
            "execute_operation",
            {
                "operation": {},
                "operation_kwargs": {"default": {}},
                "allow_kwargs_override": {"default": None},
                "run_by_dependency_order": {"default": False},
                **copy.deepcopy(life),
            },
            None,
        ),
        (
            "install_new_agents",
            install_new_agents_params(era),
            {"node_instances_active": ["all", "partial"], "node_types_required": ["cloudify.nodes.Compute"]},
        ),
        ("update", {"update_id": {"default": None}}, None),
    ]
    out: list[dict[str, Any]] = []
    for name, params, rules in specs:
        item: dict[str, Any] = {
            "name": name,
            "plugin": "default_workflows",
            "operation": f"cloudify.plugins.workflows.{name}",
            "parameters": params,
        }
        if new:
            item["is_cascading"] = False
            item["is_available"] = True
            item["availability_rules"] = rules
        else:
            item["created_at"] = None
        out.append(item)
    return out


def workflow_shape(
    item: dict[str, Any], profile_at_least_6_4: bool, profile_at_least_6: bool
) -> dict[str, Any]:
    """One declaration as a given manager prints it (keys vary by manager version)."""
    out: dict[str, Any] = {
        "name": item["name"],
        "plugin": item.get("plugin"),
        "operation": item.get("operation"),
        "parameters": item.get("parameters"),
    }
    if profile_at_least_6:
        out["is_cascading"] = item.get("is_cascading", False)
    if profile_at_least_6_4:
        out["is_available"] = item.get("is_available", True)
        out["availability_rules"] = item.get("availability_rules")
    if not profile_at_least_6:
        out["created_at"] = item.get("created_at")
    return out
