"""``/_sim/state``: a JSON picture of the simulated manager for tests, the demo and benchmarks.

It never contains a password (only whether the admin's is the installed one or the one a
restored snapshot brought).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from .render import status_display

if TYPE_CHECKING:
    from .manager import Manager


def build_state(mgr: Manager) -> dict[str, Any]:
    """Everything observable about the manager, read under the lock."""
    with mgr.lock:
        inv = mgr.inv
        tenants: dict[str, Any] = {
            name: {"blueprints": [], "deployments": [], "node_instances": 0} for name in inv.tenants
        }
        for (tenant, _), bp in inv.blueprints.items():
            tenants.setdefault(tenant, {"blueprints": [], "deployments": [], "node_instances": 0})
            tenants[tenant]["blueprints"].append(bp["id"])
        ni_counts = Counter(t for (t, _) in inv.node_instances)
        for (tenant, dep_id), dep in inv.deployments.items():
            tenants.setdefault(tenant, {"blueprints": [], "deployments": [], "node_instances": 0})
            tenants[tenant]["deployments"].append(
                {
                    "id": dep_id,
                    "blueprint_id": dep["blueprint_id"],
                    "installation_status": inv.installation_status(tenant, dep_id),
                    "types_era": dep.get("_types_era"),
                    "has_compute": dep.get("_has_compute", True),
                }
            )
        for tenant, count in ni_counts.items():
            if tenant in tenants:
                tenants[tenant]["node_instances"] = count
        agents = [
            {
                "id": a["id"],
                "deployment": a["deployment"],
                "tenant": a["tenant_name"],
                "install_method": a.get("install_method"),
                "ip": a.get("ip"),
                "state": a.get("state"),
                "network": a.get("_network", "default"),
                "manager_ip": a.get("_manager_ip"),
                "version": a.get("version"),
                "old_agent_stopped": a.get("_old_agent_stopped", False),
            }
            for a in inv.agents.values()
        ]
        executions = [
            {
                "id": e["id"],
                "workflow_id": e["workflow_id"],
                "deployment_id": e.get("deployment_id"),
                "tenant": e["tenant_name"],
                "status": e["status"],
                "status_display": status_display(e["status"]),
                "parameters": e.get("parameters"),
                "created_at": e["created_at"],
                "started_at": e.get("started_at"),
                "ended_at": e.get("ended_at"),
                "error": e.get("error"),
                "is_system_workflow": e.get("is_system_workflow", False),
            }
            for e in inv.executions.values()
        ]
        snapshots = [
            {
                "id": s["id"],
                "tenant": s["tenant_name"],
                "status": s["status"],
                "size": s.get("_size", 0),
                "error": s.get("error", ""),
                "created_at": s["created_at"],
            }
            for s in mgr.snapshots.values()
        ]
        return {
            "version": mgr.profile.reported_version,
            "edition": mgr.profile.edition,
            "hostname": mgr.hostname,
            "manager_ip": mgr.manager_ip,
            "port": mgr.listener.port if mgr.listener is not None else None,
            "networks": list(mgr.networks),
            "time_scale": mgr.cfg.time_scale,
            "tenants": sorted(inv.tenants),
            "users": sorted(inv.users),
            "per_tenant": tenants,
            "counts": {
                "tenants": len(inv.tenants),
                "blueprints": len(inv.blueprints),
                "deployments": len(inv.deployments),
                "node_instances": len(inv.node_instances),
                "agents": len(inv.agents),
                "executions": len(inv.executions),
                "events": len(inv.events),
                "snapshots": len(mgr.snapshots),
            },
            "agents": agents,
            "execution_schedules": [
                {"id": r["id"], "tenant": t, "deployment": r["deployment_id"], "enabled": r["enabled"]}
                for (t, _), r in inv.execution_schedules.items()
            ],
            "executions": executions,
            "snapshots": snapshots,
            "admin_password": mgr.admin_password_source,
            "snapshot_restoring": mgr.snapshot_restoring,
            "restore_history": [dict(h) for h in mgr.restore_history],
            "maintenance": mgr.maintenance["status"],
            "maintenance_log": [dict(m) for m in mgr.maintenance_log],
            "outage_active": mgr.outage_active,
            "certificates_restored": mgr.certificates_restored,
            "reboots": mgr.reboots,
            "faults": mgr.faults.describe(),
            "requests": {"total": mgr.requests_total, "by_route": dict(mgr.requests_by_route)},
            "errors": list(mgr.errors),
        }
