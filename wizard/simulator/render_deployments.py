"""How deployments and blueprints look on the wire for a given manager version.

Split from render.py (one module per resource family); render.py re-exports every name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .render_executions import render_execution
from .render_view import Record, View, _res
from .types_catalog import deployment_workflows, workflow_shape

if TYPE_CHECKING:
    from .manager import Manager


# -- deployments ----------------------------------------------------------------------------------
def deployment_fields(mgr: Manager) -> list[str]:
    """Deployment keys per version."""
    p = mgr.profile
    if p.at_least(6, 0):
        seven = p.at_least(7, 0)
        out = ["created_at", "id", "visibility", "description"]
        for name in ("inputs", "groups"):
            out += [f"{name}_p", name] if seven else [name]
        out.append("permalink")
        for name in ("policy_triggers", "policy_types", "outputs", "capabilities", "scaling_groups"):
            out += [f"{name}_p", name] if seven else [name]
        out.append("updated_at")
        out += ["workflows_p", "workflows"] if seven else ["workflows"]
        out += [
            "runtime_only_evaluation",
            "installation_status",
            "deployment_status",
            "sub_services_status",
            "sub_environments_status",
            "sub_services_count",
            "sub_environments_count",
            "display_name",
        ]
        if p.at_least(6, 4):
            out += ["resource_tags", "drifted_instances", "unavailable_instances"]
        out += [
            "latest_execution",
            "latest_execution_finished_operations",
            "latest_execution_total_operations",
            "latest_execution_workflow_id",
            "create_execution",
            "blueprint_id",
            "site_name",
            "latest_execution_status",
            "environment_type",
            "has_sub_deployments",
            "tenant_name",
            "created_by",
            "resource_availability",
            "private_resource",
            "workdir_zip",
            "labels",
            "deployment_groups",
        ]
        return out
    out = [
        "created_at",
        "id",
        "visibility",
        "description",
        "inputs",
        "groups",
        "permalink",
        "policy_triggers",
        "policy_types",
        "outputs",
        "capabilities",
        "scaling_groups",
        "updated_at",
        "workflows",
    ]
    if p.at_least(5, 0):
        out += ["runtime_only_evaluation", "blueprint_id", "site_name"]
    else:
        out += ["blueprint_id"]
    out += ["tenant_name", "created_by", "resource_availability", "private_resource"]
    if p.at_least(5, 1):
        out.append("labels")
    return out


def _installation_status(mgr: Manager, rec: Record) -> str:
    return mgr.inv.installation_status(rec["tenant_name"], rec["id"])


def _deployment_status(mgr: Manager, rec: Record) -> str:
    if rec.get("latest_execution_status") == "in_progress":
        return "in_progress"
    if rec.get("latest_execution_status") == "failed":
        return "requires_attention"
    return "good"


def _workflows_for(mgr: Manager, rec: Record, *, listing: bool) -> list[Record]:
    p = mgr.profile
    if listing and p.at_least(7, 0):
        # Recorded quirk (7.x): the list endpoint marshals workflows as all-null objects.
        keys = [
            "name",
            "plugin",
            "operation",
            "parameters",
            "is_cascading",
            "is_available",
            "availability_rules",
        ]
        return [dict.fromkeys(keys)]
    return [workflow_shape(w, p.at_least(6, 4), p.at_least(6, 0)) for w in deployment_workflows(rec)]


def render_deployment(mgr: Manager, rec: Record, *, listing: bool = False) -> Record:
    """A deployment row (GET by id shows the workflows; the 7.x list shows null ones)."""
    base: dict[str, Any] = dict(rec)
    base.update(_res(rec))
    base["workflows"] = _workflows_for(mgr, rec, listing=listing)
    base["installation_status"] = _installation_status(mgr, rec)
    base["deployment_status"] = _deployment_status(mgr, rec)
    base.update(
        {
            "sub_services_status": None,
            "sub_environments_status": None,
            "sub_services_count": 0,
            "sub_environments_count": 0,
            "drifted_instances": 0,
            "unavailable_instances": 0,
            "environment_type": "",
            "has_sub_deployments": False,
            "workdir_zip": None,
            "deployment_groups": [],
        }
    )
    return {k: base.get(k) for k in deployment_fields(mgr)}


def deployment_filter_fields(mgr: Manager) -> list[str]:
    """The Deployment model's columns: response-only keys (labels, workdir_zip, deployment_groups)
    are not filterable, and deployment_group_id sits after unavailable_instances (recorded on 7.1)."""
    out = [f for f in deployment_fields(mgr) if f not in ("workdir_zip", "labels", "deployment_groups")]
    if "unavailable_instances" in out:
        out.insert(out.index("unavailable_instances") + 1, "deployment_group_id")
    else:
        out.append("deployment_group_id")
    return out


DEPLOYMENTS = View(
    "Deployment",
    deployment_fields,
    lambda m, r: render_deployment(m, r, listing=True),
    computed={"installation_status": _installation_status, "deployment_status": _deployment_status},
    extra_filters=("deployment_group_id",),
    filters=deployment_filter_fields,
)


# -- blueprints -----------------------------------------------------------------------------------
def blueprint_fields(mgr: Manager) -> list[str]:
    """Blueprint keys per version."""
    p = mgr.profile
    if p.at_least(6, 0):
        out = ["created_at", "id", "visibility", "main_file_name"]
        out += ["plan_p", "plan"] if p.at_least(7, 0) else ["plan"]
        out += [
            "requirements",
            "updated_at",
            "description",
            "is_hidden",
            "state",
            "error",
            "error_traceback",
            "tenant_name",
            "created_by",
            "resource_availability",
            "private_resource",
            "labels",
            "upload_execution",
        ]
        return out
    out = ["created_at", "id", "visibility", "main_file_name", "plan", "updated_at", "description"]
    if p.at_least(5, 0):
        out += ["is_hidden"]
    out += ["tenant_name", "created_by", "resource_availability", "private_resource"]
    if p.at_least(5, 1):
        out += ["state", "error", "error_traceback", "labels"]
    return out


def render_blueprint(mgr: Manager, rec: Record) -> Record:
    """A blueprint row; ``upload_execution`` is a synthetic finished upload."""
    base: dict[str, Any] = dict(rec)
    base.update(_res(rec))
    base["plan"] = {k: v for k, v in rec.get("plan", {}).items() if not k.startswith("_")}
    upload = {
        "id": f"upload-{rec['id']}",
        "workflow_id": "upload_blueprint",
        "status": "terminated",
        "error": "",
        "parameters": {"blueprint_id": rec["id"]},
        "is_system_workflow": False,
        "created_at": rec["created_at"],
        "started_at": rec["created_at"],
        "ended_at": rec["created_at"],
        "deployment_id": None,
        "blueprint_id": None,
        "tenant_name": rec["tenant_name"],
        "created_by": "admin",
        "visibility": "tenant",
        "allow_custom_parameters": True,
    }
    base["upload_execution"] = render_execution(mgr, upload)
    return {k: base.get(k) for k in blueprint_fields(mgr)}


BLUEPRINTS = View("Blueprint", blueprint_fields, render_blueprint)
