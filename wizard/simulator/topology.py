"""A cluster's shape: the managers, RabbitMQ brokers and PostgreSQL DB nodes /managers, /brokers,
/db-nodes and /cluster-status report (``managers``/``brokers``/``db_nodes`` in the config; one of
each is an all-in-one manager), and the Kubernetes ("split services") runtime's /status names.

This simulator answers as the first manager. The other nodes get loopback addresses of their own,
derived from this manager's (127.<its last octet>.<kind>.<n>), so two simulators never share one.
Shapes: rest-service/manager_rest/cluster_status_manager.py::get_cluster_status (detailed),
storage/management_models.py (Manager, RabbitMQBroker, DBNodes), resources_v3_1/status.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .clock import iso

if TYPE_CHECKING:
    from .manager import Manager

KIND_OFFSET = {"manager": 0, "broker": 1, "db": 2}

#: /status display names of the Kubernetes deployment (resources_v3_1/status.py, RUNTIME_ENVIRONMENT=k8s)
K8S_SERVICES = (
    "Webserver",
    "Management Worker",
    "Manager Rest-Service",
    "Cloudify API",
    "Cloudify Execution Scheduler",
    "PostgreSQL",
    "RabbitMQ",
    "Kubernetes State Metrics",
    "SeaweedFS Master",
)

#: (unit id, display name) of the services /cluster-status lists per kind of node
_UNITS = {
    "manager": (("cloudify-restservice", "Cloudify Management Service"), ("nginx", "Webserver")),
    "broker": (("cloudify-rabbitmq", "RabbitMQ Broker"),),
    "db": (("postgresql-14", "PostgreSQL 14 database server"),),
}


def node_ip(mgr: Manager, kind: str, index: int) -> str:
    """The private IP of node `index` of a kind; a lone broker or DB node lives on the manager."""
    count = {"manager": mgr.cfg.managers, "broker": mgr.cfg.brokers, "db": mgr.cfg.db_nodes}[kind]
    if (kind == "manager" and index == 0) or (kind != "manager" and count == 1):
        return mgr.manager_ip
    last = mgr.manager_ip.rsplit(".", 1)[-1]
    return f"127.{last}.{KIND_OFFSET[kind]}.{index + 1}"


def node_name(mgr: Manager, kind: str, index: int) -> str:
    """Host names as an installer gives them: this manager's name, then numbered siblings."""
    if kind == "manager":
        return mgr.hostname if index == 0 else f"{mgr.hostname}-{index + 1}"
    count = mgr.cfg.brokers if kind == "broker" else mgr.cfg.db_nodes
    if count == 1:
        return "rabbitmq" if kind == "broker" else mgr.hostname
    return f"{'rabbitmq' if kind == 'broker' else 'postgresql'}-{index + 1}"


def running(mgr: Manager, kind: str, index: int) -> bool:
    """A node is up unless it is one of the `stopped_managers` last managers."""
    return not (kind == "manager" and index >= mgr.cfg.managers - mgr.cfg.stopped_managers)


def manager_items(mgr: Manager, base: dict[str, Any]) -> list[dict[str, Any]]:
    """/managers rows: `base` (this manager's row) and one per sibling with its own IP."""
    items = [base]
    for i in range(1, mgr.cfg.managers):
        ip = node_ip(mgr, "manager", i)
        items.append(
            {
                **base,
                "id": i + 1,
                "hostname": node_name(mgr, "manager", i),
                "private_ip": ip,
                "public_ip": ip,
                "networks": {n: ip for n in mgr.networks},
                "last_seen": base["last_seen"] if running(mgr, "manager", i) else "2024-05-01T10:00:00.000Z",
            }
        )
    return items


def broker_items(mgr: Manager, base: dict[str, Any]) -> list[dict[str, Any]]:
    """/brokers rows, one per RabbitMQ node (same networks, each on its own IP)."""
    items = []
    for i in range(mgr.cfg.brokers):
        ip = node_ip(mgr, "broker", i)
        items.append(
            {
                **base,
                "name": node_name(mgr, "broker", i),
                "host": ip,
                "management_host": ip,
                "networks": {n: ip for n in mgr.networks},
            }
        )
    return items


def db_node_items(mgr: Manager) -> list[dict[str, Any]]:
    """/db-nodes rows (name, host, is_external; node_id on 5.0.x, monitoring_* on 5.1-5.2)."""
    items = []
    for i in range(mgr.cfg.db_nodes):
        item: dict[str, Any] = {
            "name": node_name(mgr, "db", i),
            "host": node_ip(mgr, "db", i),
            "is_external": False,
        }
        if not mgr.profile.at_least(5, 1):
            item["node_id"] = f"db-{item['name']}"
        elif not mgr.profile.at_least(6, 0):
            item["monitoring_username"] = None
            item["monitoring_password"] = None
        items.append(item)
    return items


def _node(mgr: Manager, kind: str, index: int) -> dict[str, Any]:
    up = running(mgr, kind, index)
    ip = node_ip(mgr, kind, index)
    services = {
        display: {
            "status": "Active" if up else "Inactive",
            "extra_info": {
                "systemd": {
                    "instances": [
                        {"Description": display, "state": "running" if up else "stopped", "Id": unit}
                    ],
                    "display_name": display,
                    "unit_id": unit,
                }
            },
        }
        for unit, display in _UNITS[kind]
    }
    metrics = [
        {
            "last_check": iso(),
            "healthy": up,
            "metric_type": "manager_healthy" if kind == "manager" else f"{kind}_healthy",
            "metric_name": f"{'http endpoints' if kind == 'manager' else kind} on {ip}",
        }
    ]
    failures = [] if up else [f"Service {d} not active." for _u, d in _UNITS[kind]]
    return {
        "private_ip": ip,
        "public_ip": ip,
        "version": mgr.profile.reported_version,
        "services": services,
        "metrics": metrics,
        "failures": failures,
        "status": "OK" if up else "Fail",
    }


def cluster_status(mgr: Manager, *, summary: bool) -> dict[str, Any]:
    """GET /cluster-status: per kind, its nodes and OK / Degraded (quorum left) / Fail."""
    counts = {"broker": mgr.cfg.brokers, "db": mgr.cfg.db_nodes, "manager": mgr.cfg.managers}
    services: dict[str, Any] = {}
    for kind, count in counts.items():
        nodes = {node_name(mgr, kind, i): _node(mgr, kind, i) for i in range(count)}
        healthy = sum(1 for n in nodes.values() if n["status"] == "OK")
        quorum = 1 if kind == "manager" else count // 2 + 1
        status = "OK" if healthy == count else "Degraded" if healthy >= quorum else "Fail"
        if summary:
            for n in nodes.values():
                del n["services"], n["metrics"]
        services[kind] = {"is_external": False, "status": status, "nodes": nodes}
    states = {s["status"] for s in services.values()}
    overall = "Fail" if "Fail" in states else "Degraded" if "Degraded" in states else "OK"
    if summary:
        return {"status": overall, "services": {}}
    return {"status": overall, "services": services}
