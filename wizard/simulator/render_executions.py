"""How executions and snapshots look on the wire for a given manager version.

Split from render.py (one module per resource family); render.py re-exports every name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .render_view import Record, View, _res

if TYPE_CHECKING:
    from .manager import Manager


# -- snapshots ------------------------------------------------------------------------------------
SNAPSHOT_FIELDS = [
    "created_at",
    "id",
    "visibility",
    "status",
    "error",
    "tenant_name",
    "created_by",
    "resource_availability",
    "private_resource",
]


def render_snapshot(mgr: Manager, rec: Record) -> Record:
    """A snapshot row."""
    out = {
        "created_at": rec["created_at"],
        "id": rec["id"],
        "visibility": "private",
        "status": rec["status"],
        "error": rec.get("error", ""),
    }
    out.update(_res({**rec, "visibility": "private"}))
    return out


SNAPSHOTS = View("Snapshot", lambda m: list(SNAPSHOT_FIELDS), render_snapshot)


# -- executions -----------------------------------------------------------------------------------
def execution_fields(mgr: Manager) -> list[str]:
    """Execution keys per version (7.x adds the pickle column parameters_p)."""
    p = mgr.profile
    if not p.at_least(6, 0):
        return [
            "id",
            "status",
            "status_display",
            "error",
            "parameters",
            "workflow_id",
            "is_system_workflow",
            "is_dry_run",
            "created_at",
            "started_at",
            "ended_at",
            "scheduled_for",
            "deployment_id",
            "blueprint_id",
            "visibility",
            "tenant_name",
            "created_by",
            "resource_availability",
            "private_resource",
        ]
    out = ["created_at", "visibility", "id", "ended_at", "error", "is_system_workflow"]
    if p.at_least(7, 0):
        out.append("parameters_p")
    out += [
        "parameters",
        "status",
        "workflow_id",
        "started_at",
        "scheduled_for",
        "is_dry_run",
        "resume",
        "total_operations",
        "finished_operations",
        "allow_custom_parameters",
        "blueprint_id",
    ]
    if p.at_least(6, 4):
        out.append("deployment_display_name")
    out += [
        "deployment_id",
        "status_display",
        "tenant_name",
        "created_by",
        "resource_availability",
        "private_resource",
    ]
    return out


def status_display(status: str) -> str:
    """``terminated`` shows as ``completed``; every other status shows as itself."""
    return "completed" if status == "terminated" else status


def render_execution(mgr: Manager, rec: Record) -> Record:
    """An execution row."""
    base = {
        **rec,
        "status_display": status_display(rec["status"]),
        "parameters_p": None,
        "deployment_display_name": rec.get("deployment_id"),
        **_res(rec),
    }
    base.setdefault("resume", False)
    base.setdefault("total_operations", 0)
    base.setdefault("finished_operations", 0)
    base.setdefault("allow_custom_parameters", False)
    base.setdefault("scheduled_for", None)
    base.setdefault("is_dry_run", False)
    return {k: base.get(k) for k in execution_fields(mgr)}


EXECUTIONS = View(
    "Execution",
    execution_fields,
    render_execution,
    computed={"status_display": lambda m, r: status_display(r["status"])},
    extra_filters=("_group_id",),
)


#: The restore answer: the execution marshalled with the Snapshot field set.
def render_execution_short(mgr: Manager, rec: Record) -> Record:
    """The short execution shape POST /snapshots/<id>/restore answers with."""
    return {
        "created_at": rec["created_at"],
        "id": rec["id"],
        "visibility": rec.get("visibility", "tenant"),
        "status": rec["status"],
        "error": rec.get("error"),
        **_res(rec),
    }
