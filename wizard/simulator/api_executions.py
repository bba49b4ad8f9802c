"""The execution and event routes: list, start, get and cancel executions; the /events query.
Split from api.py to keep it small; registered on import by api.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import render, render_identity
from .api import _tenants_for, _user, route
from .auth import require_tenant
from .errors import bad_parameters, not_found
from .executions import cancel_execution, start_deployment_execution
from .listing import list_items, query_bool, query_values
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager


@route("GET", "/executions")
def get_executions(mgr: Manager, req: Request) -> Response:
    """GET /executions (system workflows only with _include_system_workflows=true)."""
    system = query_bool(req.query, "_include_system_workflows")
    with mgr.lock:
        tenants = _tenants_for(mgr, req)
        rows = [
            e
            for e in mgr.inv.executions.values()
            if e["tenant_name"] in tenants and (system or not e.get("is_system_workflow"))
        ]
        return Response.json(list_items(mgr, req.query, render.EXECUTIONS, rows))


@route("POST", "/executions", json_body=True)
def post_execution(mgr: Manager, req: Request) -> Response:
    """POST /executions: start a deployment workflow (201)."""
    tenant = require_tenant(req.tenant)
    exe = start_deployment_execution(mgr, _user(req)["username"], tenant, req.json_body())
    with mgr.lock:
        return Response.json(render.render_execution(mgr, exe), 201)


@route("GET", "/executions/<id>")
def get_execution(mgr: Manager, req: Request) -> Response:
    """GET /executions/<id>."""
    with mgr.lock:
        exe = mgr.inv.executions.get(req.params["id"])
        if exe is None or exe["tenant_name"] != req.tenant:
            raise not_found("Execution", req.params["id"])
        from .listing import includes, project

        return Response.json(
            project(render.render_execution(mgr, exe), includes(req.query, render.execution_fields(mgr)))
        )


@route("POST", "/executions/<id>", json_body=True)
def post_execution_action(mgr: Manager, req: Request) -> Response:
    """POST /executions/<id> {"action": "cancel" ...}."""
    body = req.json_body()
    if "action" not in body:
        raise bad_parameters("Missing action in json request body")
    exe = cancel_execution(mgr, require_tenant(req.tenant), req.params["id"], str(body["action"]))
    with mgr.lock:
        return Response.json(render.render_execution(mgr, exe))


EVENT_FILTERS = (
    "execution_id",
    "execution_group_id",
    "deployment_id",
    "blueprint_id",
    "node_instance_id",
    "node_name",
    "event_type",
    "level",
    "operation",
    "message",
    "type",
    "logger",
    "workflow_id",
)


@route("GET", "/events")
def get_events(mgr: Manager, req: Request) -> Response:
    """GET /events: execution-scoped events and logs (pagination key order size/offset/total, no filtered)."""
    filters: dict[str, list[str]] = {}
    for key, value in req.query:
        if key.startswith("_"):
            continue
        if key not in EVENT_FILTERS:
            raise bad_parameters(f"Unknown field to filter by: {key}. Allowed values: {list(EVENT_FILTERS)}")
        filters.setdefault(key, []).append(value)
    from .listing import pagination

    offset, size, _ = pagination(req.query, 10000)
    sorts = [s for v in query_values(req.query, "_sort") for s in v.split(",") if s]
    with mgr.lock:
        tenants = _tenants_for(mgr, req)
        if "execution_id" in filters:
            rows = [ev for eid in filters.pop("execution_id") for ev in mgr.inv.events_by_exec.get(eid, [])]
        else:
            rows = list(mgr.inv.events)
        rows = [ev for ev in rows if ev.get("_tenant") in tenants]
        for key, wanted in filters.items():
            rows = [ev for ev in rows if str(ev.get(key)) in wanted]
        for s in reversed(sorts):
            name = s.lstrip("-").lstrip("@")

            def by_field(ev: dict[str, Any], n: str = name) -> tuple[str, int]:
                return (str(ev.get(n) or ""), int(ev["_storage_id"]))

            rows.sort(key=by_field, reverse=s.startswith("-"))
        total = len(rows)
        page = [render_identity.render_event(ev) for ev in rows[offset : offset + size]]
    return Response.json(
        {"metadata": {"pagination": {"size": size, "offset": offset, "total": total}}, "items": page}
    )
