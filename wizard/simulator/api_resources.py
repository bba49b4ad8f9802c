"""The tenant-scoped inventory routes: blueprints, deployments, secrets, plugins, nodes, node instances
and agents, as lists and single items. Split from api.py to keep it small; registered on import by api.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import render
from .api import Handler, _tenants_for, route
from .errors import not_found
from .listing import list_items, query_values
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager


def _tenant_list(table: str, view: render.View) -> Handler:
    def handler(mgr: Manager, req: Request) -> Response:
        with mgr.lock:
            tenants = _tenants_for(mgr, req)
            data: dict[Any, Any] = getattr(mgr.inv, table)
            rows = [r for r in data.values() if r["tenant_name"] in tenants]
            return Response.json(list_items(mgr, req.query, view, rows))

    handler.__doc__ = f"GET /{table}: tenant-scoped list."
    return handler


route("GET", "/blueprints")(_tenant_list("blueprints", render.BLUEPRINTS))
route("GET", "/deployments")(_tenant_list("deployments", render.DEPLOYMENTS))
route("GET", "/secrets")(_tenant_list("secrets", render.SECRETS))
route("GET", "/plugins")(_tenant_list("plugins", render.PLUGINS))


@route("GET", "/nodes")
def get_nodes(mgr: Manager, req: Request) -> Response:
    """GET /nodes."""
    with mgr.lock:
        tenants = _tenants_for(mgr, req)
        dep = query_values(req.query, "deployment_id")
        if dep and len(tenants) == 1:
            t = next(iter(tenants))
            rows = [n for d in dep for n in mgr.inv.nodes_of(t, d)]
        else:
            rows = [n for n in mgr.inv.nodes.values() if n["tenant_name"] in tenants]
        return Response.json(list_items(mgr, req.query, render.NODES, rows))


@route("GET", "/node-instances")
def get_node_instances(mgr: Manager, req: Request) -> Response:
    """GET /node-instances."""
    with mgr.lock:
        tenants = _tenants_for(mgr, req)
        dep = query_values(req.query, "deployment_id")
        if dep and len(tenants) == 1:
            t = next(iter(tenants))
            rows = [n for d in dep for n in mgr.inv.instances_of(t, d)]
        else:
            rows = [n for n in mgr.inv.node_instances.values() if n["tenant_name"] in tenants]
        return Response.json(list_items(mgr, req.query, render.NODE_INSTANCES, rows))


@route("GET", "/agents")
def get_agents(mgr: Manager, req: Request) -> Response:
    """GET /agents (``node_instance_ids`` is accepted as ``node_instance_id``)."""
    query = [("node_instance_id" if k == "node_instance_ids" else k, v) for k, v in req.query]
    with mgr.lock:
        tenants = _tenants_for(mgr, req)
        rows = [a for a in mgr.inv.agents.values() if a["tenant_name"] in tenants]
        return Response.json(list_items(mgr, query, render.AGENTS, rows))


def _one(mgr: Manager, req: Request, view: render.View, table: str, render_fn: Any = None) -> Response:
    ident = req.params["id"]
    with mgr.lock:
        rec = getattr(mgr.inv, table).get((req.tenant or "", ident))
        if rec is None:
            raise not_found(view.model, ident)
        from .listing import includes, project

        out = (render_fn or view.render)(mgr, rec)
        return Response.json(project(out, includes(req.query, view.fields(mgr))))


@route("GET", "/blueprints/<id>")
def get_blueprint(mgr: Manager, req: Request) -> Response:
    """GET /blueprints/<id>."""
    return _one(mgr, req, render.BLUEPRINTS, "blueprints")


@route("GET", "/deployments/<id>")
def get_deployment(mgr: Manager, req: Request) -> Response:
    """GET /deployments/<id> (with the declared workflows)."""
    return _one(
        mgr,
        req,
        render.DEPLOYMENTS,
        "deployments",
        lambda m, r: render.render_deployment(m, r, listing=False),
    )


@route("GET", "/node-instances/<id>")
def get_node_instance(mgr: Manager, req: Request) -> Response:
    """GET /node-instances/<id>."""
    return _one(mgr, req, render.NODE_INSTANCES, "node_instances")
