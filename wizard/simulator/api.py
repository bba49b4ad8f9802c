"""The REST routes of the simulated manager (``/api/v3.1/...``) and the ``/_sim/...`` control routes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import maintenance, render, render_identity
from .auth import authenticate, require_tenant, resolve_tenant, visible_tenants
from .clock import iso
from .errors import HTML_404, ApiError, bad_parameters, not_found
from .executions import cancel_execution, start_deployment_execution
from .listing import envelope, list_items, query_bool, query_one, query_values
from .restore import start_restore
from .snapshots import create_snapshot, delete_snapshot, get_snapshot
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


# -- identity ---------------------------------------------------------------------------------------
@route("GET", "/version")
def get_version(mgr: Manager, req: Request) -> Response:
    """GET /api/version and /api/v3.1/version."""
    dist, release = mgr.profile.distribution
    return Response.json(
        {
            "edition": mgr.profile.edition,
            "version": mgr.profile.reported_version,
            "build": None,
            "date": None,
            "commit": None,
            "distribution": dist,
            "distro_release": release,
        }
    )


_SERVICES = [
    ("Webserver", "nginx.service"),
    ("Management Worker", "cloudify-mgmtworker.service"),
    ("Manager Rest-Service", "cloudify-restservice.service"),
    ("Cloudify API", "cloudify-api.service"),
    ("Cloudify Execution Scheduler", "cloudify-execution-scheduler.service"),
    ("AMQP-Postgres", "cloudify-amqp-postgres.service"),
    ("PostgreSQL", "postgresql-14.service"),
    ("RabbitMQ", "cloudify-rabbitmq.service"),
]


@route("GET", "/status")
def get_status(mgr: Manager, req: Request) -> Response:
    """GET /status: a list of systemd units on 4.x, a dict of services from 5.0.5."""
    if mgr.profile.status_is_list:
        services = [
            {
                "display_name": name,
                "unit_id": unit,
                "instances": [
                    {
                        "LoadState": "loaded",
                        "Description": name,
                        "state": "running",
                        "MainPID": 1000 + i,
                        "Id": unit,
                        "ActiveState": "active",
                        "SubState": "running",
                    }
                ],
            }
            for i, (name, unit) in enumerate(_SERVICES)
        ]
        return Response.json({"status": "running", "services": services})
    if query_bool(req.query, "summary"):
        return Response.json({"status": "OK", "services": {}})
    services_d: dict[str, Any] = {}
    for name, _ in _SERVICES:
        if name == "AMQP-Postgres" and mgr.profile.at_least(7, 1):
            continue  # 7.x sends events through REST; 7.1 lists no amqp-postgres service
        services_d[name] = {"status": "Active", "is_remote": False, "extra_info": {}}
        if name == "RabbitMQ" and mgr.profile.at_least(7, 1):
            services_d[name]["extra_info"] = {"connection_check": "OK"}
    return Response.json({"status": "OK", "services": services_d})


@route("GET", "/ok", auth=False, exists=lambda m: m.profile.has_ok)
def get_ok(mgr: Manager, req: Request) -> Response:
    """GET /ok (6.0+, no auth)."""
    return Response.json("OK")


def _ca_cert_content(mgr: Manager) -> str:
    """The manager's CA certificate (PEM, ~1.1 KB as on a real one: it makes /managers gzip)."""
    if mgr.cfg.tls_cert:
        try:
            with open(mgr.cfg.tls_cert, encoding="ascii") as fh:
                return fh.read()
        except (OSError, UnicodeDecodeError):
            pass
    line = "MIIDSimulatedCertificateAuthorityForCfyMigrateOnLoopbackOnlyNotARealKey"[:64]
    return "-----BEGIN CERTIFICATE-----\n" + (line + "\n") * 16 + "-----END CERTIFICATE-----\n"


def _manager_item(mgr: Manager) -> dict[str, Any]:
    dist, release = mgr.profile.distribution
    nets = {n: mgr.manager_ip for n in mgr.networks}
    item: dict[str, Any] = {
        "id": 1,
        "hostname": mgr.hostname,
        "private_ip": mgr.manager_ip,
        "public_ip": mgr.manager_ip,
        "version": mgr.profile.reported_version,
        "edition": mgr.profile.edition,
        "distribution": dist,
        "distro_release": release,
        "fs_sync_node_id": None,
        "networks": nets,
        "last_seen": iso(),
        "status_report_frequency": 0,
        "ca_cert_content": _ca_cert_content(mgr),
    }
    if not mgr.profile.at_least(6, 0):
        item["monitoring_username"] = None
        item["monitoring_password"] = None
    if not mgr.profile.at_least(5, 1):
        item["node_id"] = f"node-{mgr.hostname}"
    return item


@route("GET", "/managers", exists=lambda m: m.profile.has_managers)
def get_managers(mgr: Manager, req: Request) -> Response:
    """GET /managers (5.0.5+): this manager's identity and IPs."""
    item = _manager_item(mgr)
    items = [item] if query_one(req.query, "hostname") in (None, mgr.hostname) else []
    return Response.json(envelope(mgr, items, len(items), 1000, 0))


@route("GET", "/brokers")
def get_brokers(mgr: Manager, req: Request) -> Response:
    """GET /brokers: the RabbitMQ node with the same networks as the manager."""
    item = {
        "name": "rabbitmq",
        "host": mgr.manager_ip,
        "management_host": mgr.manager_ip,
        "port": 5671,
        "username": "cloudify",
        "password": "<simulated>",
        "params": None,
        "networks": {n: mgr.manager_ip for n in mgr.networks},
        "is_external": False,
        "ca_cert_content": _ca_cert_content(mgr),
    }
    return Response.json(envelope(mgr, [item], 1, 1000, 0))


@route("GET", "/db-nodes")
def get_db_nodes(mgr: Manager, req: Request) -> Response:
    """GET /db-nodes."""
    item = {
        "name": mgr.hostname,
        "node_id": f"db-{mgr.hostname}",
        "host": mgr.manager_ip,
        "is_external": False,
    }
    return Response.json(envelope(mgr, [item], 1, 1000, 0))


@route("GET", "/provider/context")
def get_provider_context(mgr: Manager, req: Request) -> Response:
    """GET /provider/context: broker_ip and networks (how a 4.x client finds the manager IP)."""
    agent = {
        "broker_ip": mgr.manager_ip,
        "networks": {n: mgr.manager_ip for n in mgr.networks},
        "min_workers": 0,
        "max_workers": 5,
        "broker_port": 5671,
    }
    return Response.json(
        {"id": "CONTEXT", "name": "provider", "context": {"cloudify": {"cloudify_agent": agent}}}
    )


@route("GET", "/cluster-status", exists=lambda m: m.profile.at_least(5, 0, 5))
def get_cluster_status(mgr: Manager, req: Request) -> Response:
    """GET /cluster-status (summary shape)."""
    return Response.json({"status": "OK", "services": {}})


@route("GET", "/user")
def get_user(mgr: Manager, req: Request) -> Response:
    """GET /user: the caller."""
    with mgr.lock:
        return Response.json(render_identity.render_user(mgr, _user(req)))


@route("GET", "/users")
def get_users(mgr: Manager, req: Request) -> Response:
    """GET /users (premium only)."""
    if not mgr.profile.premium:
        raise ApiError(
            404,
            "missing_premium_package_error",
            "This feature exists only in the premium edition of "
            "Cloudify.\nPlease contact sales for additional info.",
        )
    with mgr.lock:
        return Response.json(list_items(mgr, req.query, render_identity.USERS, list(mgr.inv.users.values())))


@route("GET", "/tenants")
def get_tenants(mgr: Manager, req: Request) -> Response:
    """GET /tenants: all for sys_admin, the user's own otherwise."""
    user = _user(req)
    with mgr.lock:
        rows = [
            t
            for name, t in mgr.inv.tenants.items()
            if user.get("role") == "sys_admin" or name in user.get("tenants", {})
        ]
        return Response.json(list_items(mgr, req.query, render_identity.TENANTS, rows))


# -- resources --------------------------------------------------------------------------------------
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


# -- executions and events --------------------------------------------------------------------------
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


# -- maintenance ------------------------------------------------------------------------------------
@route("GET", "/maintenance")
def get_maintenance(mgr: Manager, req: Request) -> Response:
    """GET /maintenance."""
    return Response.json(maintenance.status(mgr))


@route("POST", "/maintenance/activate")
def post_maintenance_activate(mgr: Manager, req: Request) -> Response:
    """POST /maintenance/activate (304 if already on)."""
    if _user(req).get("role") != "sys_admin":
        raise ApiError(
            403,
            "forbidden_error",
            f"User `{_user(req)['username']}` is not permitted to perform the action maintenance_mode_set",
        )
    return Response.json(maintenance.activate(mgr, _user(req)["username"]))


@route("POST", "/maintenance/deactivate")
def post_maintenance_deactivate(mgr: Manager, req: Request) -> Response:
    """POST /maintenance/deactivate (304 if already off)."""
    if _user(req).get("role") != "sys_admin":
        raise ApiError(
            403,
            "forbidden_error",
            f"User `{_user(req)['username']}` is not permitted to perform the action maintenance_mode_set",
        )
    return Response.json(maintenance.deactivate(mgr))


# -- snapshots --------------------------------------------------------------------------------------
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


# -- /_sim control routes ---------------------------------------------------------------------------
def handle_sim(mgr: Manager, method: str, path: str, handler: SimHandler) -> Response:
    """``/_sim/state``, ``/_sim/faults``, ``/_sim/requests/reset`` (no auth, never faulted)."""
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
        if path == "/_sim/requests/reset" and method == "POST":
            mgr.reset_counters()
            return Response.json({"requests": {"total": 0, "by_route": {}}})
    except ApiError as err:
        return Response.json(err.body(), err.status)
    return _html_404()


from . import api_archive, api_identity  # noqa: E402,F401  (register the archive and identity routes)
