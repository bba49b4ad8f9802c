"""The snapshot routes (list, get, create, delete, restore, /snapshot-status); the archive transfer
routes are in api_archive.py. Split from api.py to keep it small; registered on import by api.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import render
from .api import _tenants_for, _user, route
from .auth import require_tenant
from .listing import list_items
from .restore import start_restore
from .snapshots import create_snapshot, delete_snapshot, get_snapshot
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager


@route("GET", "/snapshots")
def get_snapshots(mgr: Manager, req: Request) -> Response:
    """GET /snapshots."""
    with mgr.lock:
        tenants = _tenants_for(mgr, req)
        rows = [s for s in mgr.snapshots.values() if s["tenant_name"] in tenants]
        return Response.json(list_items(mgr, req.query, render.SNAPSHOTS, rows))


@route("GET", "/snapshots/<id>")
def get_snapshot_one(mgr: Manager, req: Request) -> Response:
    """GET /snapshots/<id>."""
    from .listing import includes, project

    with mgr.lock:
        rec = get_snapshot(mgr, req.tenant, req.params["id"])
        return Response.json(
            project(render.render_snapshot(mgr, rec), includes(req.query, render.SNAPSHOT_FIELDS))
        )


@route("PUT", "/snapshots/<id>", json_body=True)
def put_snapshot(mgr: Manager, req: Request) -> Response:
    """PUT /snapshots/<id>: 201 with the create_snapshot execution."""
    tenant = require_tenant(req.tenant)
    exe = create_snapshot(mgr, _user(req)["username"], tenant, req.params["id"], req.json_body())
    with mgr.lock:
        return Response.json(render.render_execution(mgr, exe), 201)


@route("DELETE", "/snapshots/<id>")
def delete_snapshot_one(mgr: Manager, req: Request) -> Response:
    """DELETE /snapshots/<id>: 200 with the deleted row."""
    rec = delete_snapshot(mgr, require_tenant(req.tenant), req.params["id"])
    return Response.json(render.render_snapshot(mgr, rec))


@route("POST", "/snapshots/<id>/restore", json_body=True)
def post_restore(mgr: Manager, req: Request) -> Response:
    """POST /snapshots/<id>/restore: 200 with the short execution shape."""
    tenant = require_tenant(req.tenant)
    exe = start_restore(mgr, _user(req), tenant, req.params["id"], req.json_body())
    with mgr.lock:
        return Response.json(render.render_execution_short(mgr, exe))


@route("GET", "/snapshot-status", auth=False, exists=lambda m: m.profile.has_snapshot_status)
def get_snapshot_status(mgr: Manager, req: Request) -> Response:
    """GET /snapshot-status (5.0.5+, no auth)."""
    return Response.json({"status": "running" if mgr.snapshot_restoring else "not-running"})
