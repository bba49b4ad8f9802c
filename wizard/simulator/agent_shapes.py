"""Seed switches for the agents' hard cases, applied after the ordinary seed (so its random
sequence, and every existing test's data, stay as they were):

- ``provided_agents``: installed deployments whose host's install_method is ``provided`` (the agent
  row says so; install_new_agents leaves such agents alone);
- ``partly_installed``: installed deployments whose software node is not started (so
  installation_status is ``inactive``) while the Compute host is started with a live agent;
- ``split_hosts``: installed deployments with a second Compute host that never started (the official
  CLI skips them; the agent on the started host stays on the old manager);
- ``schedules``: execution schedules (5.2+) on installed deployments.

Candidates are the installed deployments with a Compute host, in seed order: provided agents take
the first ones, partly installed the last ones, split hosts the ones before those.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .inventory import Inventory, Record

if TYPE_CHECKING:
    from .config import SimulatorConfig
    from .profiles import Profile


def _host(inv: Inventory, tenant: str, dep_id: str) -> Record | None:
    return next((ni for ni in inv.instances_of(tenant, dep_id) if ni["id"] == ni.get("host_id")), None)


def _candidates(inv: Inventory) -> list[Record]:
    def order(dep: Record) -> int:
        return int(str(dep["id"]).rsplit("-", 1)[-1]) if str(dep["id"]).rsplit("-", 1)[-1].isdigit() else 0

    out = []
    for dep in sorted(inv.deployments.values(), key=order):
        host = _host(inv, dep["tenant_name"], dep["id"])
        if host is not None and host["state"] == "started":
            out.append(dep)
    return out


def apply_agent_shapes(inv: Inventory, cfg: SimulatorConfig, profile: Profile, manager_ip: str) -> None:
    """Apply the switches (see the module docstring); a no-op with every switch at 0."""
    wanted = cfg.provided_agents + cfg.partly_installed + cfg.split_hosts
    if not wanted and not cfg.schedules:
        return
    deps = _candidates(inv)
    if wanted > len(deps):
        raise ValueError(
            f"provided_agents + partly_installed + split_hosts = {wanted}, but only {len(deps)} installed "
            "deployments have a Compute host"
        )
    for dep in deps[: cfg.provided_agents]:
        _provided(inv, dep, profile, manager_ip)
    tail = deps[len(deps) - cfg.partly_installed - cfg.split_hosts :]
    for dep in tail[: cfg.split_hosts]:
        _split(inv, dep)
    for dep in tail[cfg.split_hosts :]:
        _partly(inv, dep)
    for i, dep in enumerate(deps[: cfg.schedules] if profile.at_least(5, 2) else []):
        _schedule(inv, dep, i)
    inv.reindex()


def _provided(inv: Inventory, dep: Record, profile: Profile, manager_ip: str) -> None:
    tenant, host = dep["tenant_name"], _host(inv, dep["tenant_name"], dep["id"])
    assert host is not None
    node = inv.nodes[(tenant, dep["id"], host["node_id"])]
    node["properties"].setdefault("agent_config", {})["install_method"] = "provided"
    host.setdefault("runtime_properties", {})["cloudify_agent"] = {
        "name": host["id"],
        "install_method": "provided",
        "broker_config": {"broker_ip": [manager_ip], "broker_ssl_enabled": True},
        "version": profile.reported_version,
    }
    inv.agents[(tenant, host["id"])] = {
        "id": host["id"],
        "host_id": host["id"],
        "node_instance_id": host["id"],
        "ip": node["properties"].get("ip"),
        "install_method": "provided",
        "system": "centos core",
        "version": profile.reported_version,
        "node": host["node_id"],
        "deployment": dep["id"],
        "tenant_name": tenant,
        "created_at": dep["created_at"],
        "created_by": "admin",
        "visibility": "tenant",
        "state": "started",
        "rabbitmq_exchange": host["id"],
        "rabbitmq_username": f"rabbitmq_user_{host['id']}",
        "rabbitmq_password": "<hidden>",
        "_manager_ip": manager_ip,
        "_network": node["properties"].get("agent_config", {}).get("network", "default"),
    }


def _partly(inv: Inventory, dep: Record) -> None:
    for ni in inv.instances_of(dep["tenant_name"], dep["id"]):
        if ni["id"] != ni.get("host_id"):
            ni["state"] = "configured"
            break


def _split(inv: Inventory, dep: Record) -> None:
    tenant, host = dep["tenant_name"], _host(inv, dep["tenant_name"], dep["id"])
    assert host is not None
    node = inv.nodes[(tenant, dep["id"], host["node_id"])]
    twin = {**node, "id": f"{node['id']}2", "properties": dict(node["properties"])}
    inv.add_node(twin)
    ni_id = f"{twin['id']}_{host['id'].rsplit('_', 1)[-1]}"
    inv.add_node_instance(
        {
            **host,
            "id": ni_id,
            "node_id": twin["id"],
            "host_id": ni_id,
            "state": "uninitialized",
            "runtime_properties": {},
            "version": 1,
        }
    )


def _schedule(inv: Inventory, dep: Record, index: int) -> None:
    sched_id = f"nightly-heal-{index + 1}"
    inv.execution_schedules[(dep["tenant_name"], sched_id)] = {
        "id": sched_id,
        "deployment_id": dep["id"],
        "workflow_id": "heal",
        "created_at": dep["created_at"],
        "created_by": "admin",
        "tenant_name": dep["tenant_name"],
        "visibility": "tenant",
        "next_occurrence": "2030-01-01T02:00:00.000Z",
        "since": dep["created_at"],
        "until": None,
        "rule": {"recurrence": "1 day"},
        "slip": 0,
        "parameters": {},
        "execution_arguments": {},
        "stop_on_fail": False,
        "enabled": True,
    }


def schedule_fields(mgr: Any) -> list[str]:
    """GET /execution-schedules keys (the ExecutionSchedule model's response fields)."""
    return [
        "id", "created_at", "created_by", "tenant_name", "visibility", "resource_availability",
        "private_resource", "next_occurrence", "since", "until", "rule", "slip", "workflow_id",
        "parameters", "execution_arguments", "stop_on_fail", "enabled", "deployment_id",
        "latest_execution_status", "all_next_occurrences",
    ]  # fmt: skip


def render_schedule(mgr: Any, rec: Record) -> Record:
    """One schedule on the wire."""
    vis = rec.get("visibility", "tenant")
    out: dict[str, Any] = {
        **{k: v for k, v in rec.items() if not k.startswith("_")},
        "resource_availability": vis,
        "private_resource": vis == "private",
        "latest_execution_status": None,
        "all_next_occurrences": [rec.get("next_occurrence")] if rec.get("enabled") else [],
    }
    return {k: out.get(k) for k in schedule_fields(mgr)}


__all__ = ["apply_agent_shapes", "render_schedule", "schedule_fields"]
