"""Load the recorded real-manager exchanges (the repo copy) and compare shapes: same keys, same types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real-responses"

#: Subtrees whose content is free-form (inputs, plans, parameters...): only the container type is compared.
FREE_FORM = {
    "parameters",
    "inputs",
    "outputs",
    "plan",
    "policy_triggers",
    "policy_types",
    "runtime_properties",
    "properties",
    "operations",
    "plugins",
    "plugins_to_install",
    "services",
    "context",
    "config",
    "capabilities",
    "groups",
    "scaling_groups",
    "requirements",
    "system_properties",
    "upload_execution",
    "relationships",
    "resource_tags",
    "networks",
    "tenants",
    "workflows",
    "error_causes",
}


def exchange(name: str, index: int = 0) -> dict[str, Any]:
    """One recorded exchange of a fixture file."""
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data["exchanges"][index]  # type: ignore[no-any-return]


def recorded(name: str, index: int = 0) -> tuple[int, Any]:
    """(status, JSON body or text) of a recorded exchange."""
    resp = exchange(name, index)["response"]
    body = resp["body"]
    if body is None:
        return resp["status"], None
    return resp["status"], body.get("json", body.get("text"))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def compare(real: Any, sim: Any, path: str = "$") -> list[str]:
    """Differences in keys and value types between a recorded body and the simulator's."""
    problems: list[str] = []
    if isinstance(real, dict) and isinstance(sim, dict):
        if set(real) != set(sim):
            problems.append(
                f"{path}: keys differ: missing {sorted(set(real) - set(sim))}, "
                f"extra {sorted(set(sim) - set(real))}"
            )
        for key in set(real) & set(sim):
            if key in FREE_FORM:
                if real[key] is not None and sim[key] is not None and _kind(real[key]) != _kind(sim[key]):
                    problems.append(f"{path}.{key}: {_kind(real[key])} != {_kind(sim[key])}")
                continue
            problems += compare(real[key], sim[key], f"{path}.{key}")
        return problems
    if isinstance(real, list) and isinstance(sim, list):
        if real and sim:
            problems += compare(real[0], sim[0], f"{path}[0]")
        return problems
    if real is not None and sim is not None and _kind(real) != _kind(sim):
        problems.append(f"{path}: {_kind(real)} != {_kind(sim)}")
    return problems
