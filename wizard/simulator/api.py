"""The REST routes of the simulated manager (``/api/v3.1/...``) and the ``/_sim/...`` control routes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import licence_gate, maintenance
from .auth import authenticate, resolve_tenant, visible_tenants
from .errors import HTML_404, ApiError
from .listing import query_bool
from .state import build_state
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager
    from .server import SimHandler

Handler = Callable[["Manager", Request], Response]
API_VERSIONS = ("v1", "v2", "v2.1", "v3", "v3.1")


@dataclass
class Route:
    """One endpoint: method, path pattern, handler and its gates."""

    method: str
    pattern: re.Pattern[str]
    name: str
    func: Handler
    auth: bool = True
    json_body: bool = False
    exists: Callable[[Manager], bool] = lambda m: True


ROUTES: list[Route] = []


def route(
    method: str,
    path: str,
    *,
    auth: bool = True,
    json_body: bool = False,
    exists: Callable[[Manager], bool] = lambda m: True,
) -> Callable[[Handler], Handler]:
    """Register a handler for ``METHOD /path/<param>``."""
    regex = re.compile("^" + re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", path) + "$")

    def deco(func: Handler) -> Handler:
        ROUTES.append(Route(method, regex, f"{method} {path}", func, auth, json_body, exists))
        return func

    return deco


def _html_404() -> Response:
    return Response(404, HTML_404.encode(), "text/html; charset=utf-8")


def _error(mgr: Manager, err: ApiError) -> Response:
    if err.traceback is None and err.status < 500 and mgr.profile.traceback_on_4xx and err.has_traceback_key:
        err.traceback = (
            'Traceback (most recent call last):\n  File "/opt/manager/env/lib/python2.7/site-packages/'
            'manager_rest/rest/rest_decorators.py", line 71, in wrapper\n    return func(*args, **kwargs)\n'
            f"{type(err).__name__}: {err.message}\n"
        )
    return Response.json(err.body(), err.status)


def handle_api(mgr: Manager, req: Request) -> Response:
    """Route one /api request through auth, tenant, maintenance and content-type gates."""
    path = req.path
    if path == "/api/version":
        rest = "/version"
    else:
        m = re.match(r"^/api/(v[0-9.]+)(/.*)$", path)
        if not m or m.group(1) not in API_VERSIONS:
            mgr.count_request("404")
            return _html_404()
        rest = m.group(2).rstrip("/") or "/"
    method = "GET" if req.method == "HEAD" else req.method
    matched = [(r, mm) for r in ROUTES if (mm := r.pattern.match(rest)) and r.exists(mgr)]
    if not matched:
        mgr.count_request("404")
        return _html_404()
    chosen = next(((r, mm) for r, mm in matched if r.method == method), None)
    if chosen is None:
        mgr.count_request("405")
        return Response.json(
            {
                "message": "The method is not allowed for the requested URL.",
                "error_code": "method_not_allowed_error",
                "server_traceback": None,
            },
            405,
        )
    rt, mm = chosen
    mgr.count_request(rt.name)
    req.params = mm.groupdict()
    try:
        if rt.auth:
            req.user = authenticate(mgr, req.headers.get("Authorization"))
            req.tenant = resolve_tenant(mgr, req.user, req.headers.get("Tenant"))
        segment = rest.strip("/").split("/")[0]
        bypass = (
            bool(req.headers.get("X-BYPASS-MAINTENANCE"))
            and bool(req.user)
            and req.user is not None
            and req.user.get("role") == "sys_admin"
        )
        licence_gate.gate(mgr, segment, method)
        maintenance.gate(mgr, segment, method, bypass)
        if rt.json_body and "application/json" not in (req.headers.get("Content-Type") or ""):
            raise ApiError(415, "unsupported_content_type_error", "Content type must be application/json")
        return rt.func(mgr, req)
    except ApiError as err:
        return _error(mgr, err)
    except maintenance.NotModified:
        return Response(304, b"", None)


def _user(req: Request) -> dict[str, Any]:
    assert req.user is not None
    return req.user


def _tenants_for(mgr: Manager, req: Request) -> set[str]:
    return visible_tenants(mgr, _user(req), req.tenant, query_bool(req.query, "_all_tenants"))


# -- /_sim control routes ---------------------------------------------------------------------------
def handle_sim(mgr: Manager, method: str, path: str, handler: SimHandler) -> Response:
    """``/_sim/state``, ``/_sim/faults``, ``/_sim/actions``, ``/_sim/requests/reset`` (no auth, never
    faulted)."""
    try:
        if path == "/_sim/state" and method in ("GET", "HEAD"):
            return Response.json(build_state(mgr))
        if path == "/_sim/faults":
            if method == "GET":
                return Response.json({"faults": mgr.faults.describe()})
            if method == "DELETE":
                mgr.faults.clear()
                return Response.json({"faults": []})
            if method in ("POST", "PUT"):
                raw = handler.read_body().decode("utf-8", errors="replace").strip()
                try:
                    spec: Any = json.loads(raw) if raw[:1] in ("{", "[", '"') else raw
                    mgr.faults.replace(spec)
                except ValueError as exc:
                    return Response.json({"error": str(exc)}, 400)
                return Response.json({"faults": mgr.faults.describe()})
        if path == "/_sim/actions" and method == "POST":
            from .api_changes import apply_action

            try:
                spec = json.loads(handler.read_body().decode("utf-8", errors="replace") or "{}")
            except ValueError as exc:
                return Response.json({"error": str(exc)}, 400)
            return Response.json(apply_action(mgr, spec if isinstance(spec, dict) else {}))
        if path == "/_sim/requests/reset" and method == "POST":
            mgr.reset_counters()
            return Response.json({"requests": {"total": 0, "by_route": {}}})
    except ApiError as err:
        return Response.json(err.body(), err.status)
    return _html_404()


# Route modules register on import, in this order (the order the routes had when they lived here).
# isort: off
from . import (  # noqa: E402,F401
    api_manager,
    api_resources,
    api_executions,
    api_maintenance,
    api_snapshots,
    api_archive,
    api_identity,
    api_changes,
    api_config,
    licence,
)

# isort: on
from .api_executions import (  # noqa: E402
    EVENT_FILTERS,
    get_events,
    get_execution,
    get_executions,
    post_execution,
    post_execution_action,
)
from .api_maintenance import (  # noqa: E402
    get_maintenance,
    post_maintenance_activate,
    post_maintenance_deactivate,
)
from .api_manager import (  # noqa: E402
    _SERVICES,
    get_brokers,
    get_cluster_status,
    get_db_nodes,
    get_managers,
    get_ok,
    get_provider_context,
    get_status,
    get_tenants,
    get_user,
    get_users,
    get_version,
)
from .api_resources import (  # noqa: E402
    get_agents,
    get_blueprint,
    get_deployment,
    get_node_instance,
    get_node_instances,
    get_nodes,
)
from .api_snapshots import (  # noqa: E402
    delete_snapshot_one,
    get_snapshot_one,
    get_snapshot_status,
    get_snapshots,
    post_restore,
    put_snapshot,
)

# Every name, including the handlers that moved to the api_*.py route modules (re-exported).
__all__ = [
    "API_VERSIONS",
    "EVENT_FILTERS",
    "ROUTES",
    "_SERVICES",
    "Handler",
    "Route",
    "_error",
    "_html_404",
    "_tenants_for",
    "_user",
    "delete_snapshot_one",
    "get_agents",
    "get_blueprint",
    "get_brokers",
    "get_cluster_status",
    "get_db_nodes",
    "get_deployment",
    "get_events",
    "get_execution",
    "get_executions",
    "get_maintenance",
    "get_managers",
    "get_node_instance",
    "get_node_instances",
    "get_nodes",
    "get_ok",
    "get_provider_context",
    "get_snapshot_one",
    "get_snapshot_status",
    "get_snapshots",
    "get_status",
    "get_tenants",
    "get_user",
    "get_users",
    "get_version",
    "handle_api",
    "handle_sim",
    "post_execution",
    "post_execution_action",
    "post_maintenance_activate",
    "post_maintenance_deactivate",
    "post_restore",
    "put_snapshot",
    "route",
]
