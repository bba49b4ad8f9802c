"""Maintenance mode: status, activate/deactivate (304 on repeats) and the allow-list gate (503)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import iso
from .errors import ApiError
from .executions import ACTIVE

if TYPE_CHECKING:
    from .manager import Manager


class NotModified(Exception):
    """Answer 304 with an empty body (activate when active, deactivate when inactive)."""


def _running(mgr: Manager) -> list[dict[str, Any]]:
    return [
        {
            "id": e["id"],
            "deployment_id": e.get("deployment_id"),
            "workflow_id": e["workflow_id"],
            "tenant_name": e["tenant_name"],
            "status": e["status"],
        }
        for e in mgr.inv.executions.values()
        if e["status"] in ACTIVE
    ]


def refresh(mgr: Manager) -> None:
    """activating -> activated once no execution runs (the real manager does it on the next request)."""
    with mgr.lock:
        if mgr.maintenance["status"] == "activating" and not _running(mgr):
            mgr.maintenance["status"] = "activated"
            mgr.maintenance["activated_at"] = iso()
            mgr.maintenance["remaining_executions"] = None


def status(mgr: Manager) -> dict[str, Any]:
    """GET /maintenance."""
    refresh(mgr)
    with mgr.lock:
        out = dict(mgr.maintenance)
        if out["status"] == "activating":
            out["remaining_executions"] = _running(mgr)
        elif out["status"] == "activated":
            out["remaining_executions"] = None
        return out


def activate(mgr: Manager, user: str) -> dict[str, Any]:
    """POST /maintenance/activate."""
    with mgr.lock:
        if mgr.maintenance["status"] != "deactivated":
            raise NotModified()
        now = iso()
        running = _running(mgr)
        mgr.maintenance.update(
            {
                "status": "activating" if running else "activated",
                "activation_requested_at": now,
                "activated_at": "" if running else now,
                "requested_by": user,
            }
        )
        mgr.maintenance_log.append({"action": "activate", "at": now, "by": user})
        out = dict(mgr.maintenance)
        out["remaining_executions"] = running if running else [[]]
        return out


def deactivate(mgr: Manager) -> dict[str, Any]:
    """POST /maintenance/deactivate (the body still shows the old activated_at)."""
    with mgr.lock:
        if mgr.maintenance["status"] == "deactivated":
            raise NotModified()
        mgr.maintenance["status"] = "deactivated"
        mgr.maintenance["remaining_executions"] = None
        mgr.maintenance_log.append({"action": "deactivate", "at": iso()})
        return dict(mgr.maintenance)


def gate(mgr: Manager, segment: str, method: str, bypass: bool) -> None:
    """Refuse a request the way maintenance mode does (503), unless allowed or bypassed."""
    state = mgr.maintenance["status"]
    if state == "deactivated" or bypass:
        return
    if state == "activating":
        refresh(mgr)
        state = mgr.maintenance["status"]
    if state == "activated" and segment not in mgr.profile.maintenance_allowed:
        raise ApiError(
            503,
            "maintenance_mode_active",
            "Your request was rejected since Cloudify manager is currently in maintenance mode",
            "NoneType: None\n",
        )
    if (
        state == "activating"
        and method in ("PUT", "POST", "PATCH")
        and segment in ("snapshots", "executions", "deployments", "deployment-modifications")
    ):
        raise ApiError(
            503,
            "entering_maintenance_mode",
            "Your request was rejected since Cloudify manager is entering maintenance mode",
            "NoneType: None\n",
        )
