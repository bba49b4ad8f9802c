"""The manager-identity routes: version, status, /ok, managers, brokers, db-nodes, provider context,
cluster status, and the read-only user and tenant lists. Split from api.py to keep it small;
registered on import by api.py (before the other route modules, as when they lived in api.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import render_identity, topology
from .api import _user, route
from .clock import iso
from .errors import ApiError
from .listing import envelope, list_items, query_bool, query_one
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager


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
    if mgr.cfg.runtime == "k8s":
        for name in topology.K8S_SERVICES:
            services_d[name] = {"status": "Active", "is_remote": False, "extra_info": {}}
        return Response.json({"status": "OK", "services": services_d})
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
    """GET /managers (5.0.5+): this manager's identity and IPs (and its cluster siblings')."""
    wanted = query_one(req.query, "hostname")
    items = [i for i in topology.manager_items(mgr, _manager_item(mgr)) if wanted in (None, i["hostname"])]
    return Response.json(envelope(mgr, items, len(items), 1000, 0))


@route("GET", "/brokers")
def get_brokers(mgr: Manager, req: Request) -> Response:
    """GET /brokers: the RabbitMQ node(s), with the same networks as the manager."""
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
    items = topology.broker_items(mgr, item)
    return Response.json(envelope(mgr, items, len(items), 1000, 0))


@route("GET", "/db-nodes")
def get_db_nodes(mgr: Manager, req: Request) -> Response:
    """GET /db-nodes."""
    items = topology.db_node_items(mgr)
    return Response.json(envelope(mgr, items, len(items), 1000, 0))


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
    """GET /cluster-status: every node of every kind with its health; ?summary=true the short shape."""
    return Response.json(topology.cluster_status(mgr, summary=query_bool(req.query, "summary")))


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
