"""GET /execution-schedules (5.2+, tenant-scoped, ``_all_tenants``), and changes made on a manager
after its snapshot: ``POST /_sim/actions`` and the ``after_snapshot`` fault rule run the same
actions a person would run through the API at that moment.

Actions (JSON ``{"action": ..., "deployment": ..., "tenant": ...}``; tenant default_tenant):

- ``install``: start the ``install`` workflow on an existing deployment (as POST /executions);
- ``deploy``: create a deployment (a copy of the first deployment's nodes, uninitialized) with a
  terminated create_deployment_environment execution;
- ``upload``: upload a blueprint (a copy of the first blueprint under a new id).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from . import render
from .agent_shapes import render_schedule, schedule_fields
from .api import _tenants_for, route
from .clock import iso
from .errors import ApiError, bad_parameters, not_found
from .executions import new_execution, start_deployment_execution
from .listing import list_items
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager

SCHEDULES = render.View("ExecutionSchedule", schedule_fields, render_schedule)
ACTIONS = ("install", "deploy", "upload")


@route("GET", "/execution-schedules", exists=lambda m: m.profile.at_least(5, 2))
def get_execution_schedules(mgr: Manager, req: Request) -> Response:
    """GET /execution-schedules."""
    with mgr.lock:
        tenants = _tenants_for(mgr, req)
        rows = [r for r in mgr.inv.execution_schedules.values() if r["tenant_name"] in tenants]
        return Response.json(list_items(mgr, req.query, SCHEDULES, rows))


def apply_action(mgr: Manager, spec: dict[str, Any]) -> dict[str, Any]:
    """Run one action (see the module docstring); returns what it made."""
    action = str(spec.get("action") or "")
    tenant = str(spec.get("tenant") or "default_tenant")
    name = str(spec.get("deployment") or spec.get("blueprint") or "")
    if action not in ACTIONS:
        raise bad_parameters(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
    if not name:
        raise bad_parameters(f"action {action} needs a deployment (or blueprint) name")
    if action == "install":
        exe = start_deployment_execution(
            mgr, "admin", tenant, {"deployment_id": name, "workflow_id": "install"}
        )
        return {"execution_id": exe["id"]}
    with mgr.lock:
        if action == "upload":
            return _upload(mgr, tenant, name)
        return _deploy(mgr, tenant, name)


def _upload(mgr: Manager, tenant: str, bp_id: str) -> dict[str, Any]:
    template = next((b for b in mgr.inv.blueprints.values() if b["tenant_name"] == tenant), None)
    if template is None:
        raise not_found("Blueprint", "(any)")
    now = iso()
    mgr.inv.blueprints[(tenant, bp_id)] = {**template, "id": bp_id, "created_at": now, "updated_at": now}
    return {"blueprint": bp_id}


def _deploy(mgr: Manager, tenant: str, dep_id: str) -> dict[str, Any]:
    if (tenant, dep_id) in mgr.inv.deployments:
        raise ApiError(409, "conflict_error", f"<Deployment id=`{dep_id}` tenant=`{tenant}`> already exists")
    template = next((d for d in mgr.inv.deployments.values() if d["tenant_name"] == tenant), None)
    if template is None:
        raise not_found("Deployment", "(any)")
    now = iso()
    dep = {**template, "id": dep_id, "display_name": dep_id, "created_at": now, "updated_at": now}
    mgr.inv.deployments[(tenant, dep_id)] = dep
    suffix = uuid.uuid4().hex[:6]
    ids = {ni["id"]: f"{ni['node_id']}_{suffix}" for ni in mgr.inv.instances_of(tenant, template["id"])}
    for node in mgr.inv.nodes_of(tenant, template["id"]):
        mgr.inv.add_node({**node, "deployment_id": dep_id, "deployment_display_name": dep_id})
    for ni in mgr.inv.instances_of(tenant, template["id"]):
        host = ids.get(str(ni.get("host_id")), ni.get("host_id"))
        mgr.inv.add_node_instance(
            {**ni, "id": ids[ni["id"]], "deployment_id": dep_id, "host_id": host, "state": "uninitialized",
             "runtime_properties": {}, "version": 1}
        )  # fmt: skip
    exe = new_execution(mgr, "create_deployment_environment", tenant, "admin", deployment=dep, parameters={})
    exe.update(status="terminated", started_at=now, ended_at=now)
    return {"deployment": dep_id, "execution_id": exe["id"]}


def after_snapshot(mgr: Manager) -> None:
    """Run the ``after_snapshot`` fault rules (once each), right after a snapshot was created."""
    for rule in mgr.faults.after_snapshot():
        try:
            apply_action(mgr, rule)
        except ApiError as exc:
            mgr.errors.append(f"after_snapshot {rule}: {exc.message}")
