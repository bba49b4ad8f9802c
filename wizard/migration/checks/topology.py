"""cluster.old and cluster.new: the topology of both sides (managers, RabbitMQ brokers, PostgreSQL
DB nodes, their versions and health) and the documented way to restore onto a cluster.

What the sources say:
- The HA cluster upgrade guide (docs 5.1 `ops_guides/ha_guides/ha_cluster_upgrade.md`): restore
  into a new cluster with every manager but one stopped (`cfy_manager stop`), restore on the one
  left, then start the others; several managers running at once during a restore dead-lock the DB
  (troubleshooting FAQ, 7.0).
- Only the restoring manager gets the old rest-security.conf (snapshot_restore.py::
  _restore_security_file writes /opt/manager/rest-security.conf on the node the workflow runs on).
- A legacy snapshot is refused on a distributed (Kubernetes, "split services") 7.x manager
  (mgmtworker/cloudify_system_workflows/snapshots/snapshot_restore.py::restore,
  utils.is_split_services_environment): "legacy snapshots cannot be restored on a distributed manager".
"""

from __future__ import annotations

from typing import Any

from wizard.cloudify.models_topology import ClusterNode, ClusterStatus
from wizard.migration.checks.facts import ManagerFacts
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.findings import Finding, Status


def _health(cluster: ClusterStatus | None, kind: str) -> dict[str, ClusterNode]:
    service = cluster.kind(kind) if cluster else None
    return {n.name: n for n in service.nodes} if service else {}


def _status(health: dict[str, ClusterNode], name: str, ip: str) -> str:
    """A node's status in /cluster-status, found by name, else by IP ('' when not reported)."""
    node = health.get(name) or next((n for n in health.values() if n.private_ip == ip), None)
    return node.status if node else ""


def topology(probe: ManagerProbe, facts: ManagerFacts) -> dict[str, Any]:
    """Managers, brokers and DB nodes with their IPs, versions and health (for the report)."""
    mgr, brk, db = (_health(facts.cluster, kind) for kind in ("manager", "broker", "db"))
    return {
        "managers": [
            {
                "name": n.hostname,
                "ip": n.private_ip,
                "version": n.version,
                "status": _status(mgr, n.hostname, n.private_ip),
            }
            for n in probe.nodes
        ],
        "brokers": [
            {"name": b.name, "ip": b.host, "external": b.is_external, "status": _status(brk, b.name, b.host)}
            for b in probe.brokers
        ],
        "db_nodes": [
            {"name": d.name, "ip": d.host, "external": d.is_external, "status": _status(db, d.name, d.host)}
            for d in facts.db_nodes or []
        ],
        "status": facts.cluster.status if facts.cluster else None,
        "runtime": facts.runtime,
    }


def _describe(topo: dict[str, Any]) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    mgrs = ", ".join(
        f"{m['name'] or '?'} {m['ip'] or '?'} {m['version'] or ''}".strip()
        + (f" ({m['status']})" if m["status"] else "")
        for m in topo["managers"]
    )
    parts = [
        plural(len(topo["managers"]), "manager") + (f" [{mgrs}]" if mgrs else ""),
        plural(len(topo["brokers"]), "broker"),
        plural(len(topo["db_nodes"]), "DB node"),
    ]
    if topo["status"]:
        parts.append(f"cluster status {topo['status']}")
    return "; ".join(parts)


def _is_cluster(topo: dict[str, Any]) -> bool:
    return len(topo["managers"]) > 1 or len(topo["brokers"]) > 1 or len(topo["db_nodes"]) > 1


def _problems(topo: dict[str, Any]) -> list[str]:
    """Versions that differ between managers; brokers or DB nodes that report a failure."""
    out = []
    versions = {m["version"] for m in topo["managers"] if m["version"]}
    if len(versions) > 1:
        out.append(f"the managers run different versions ({', '.join(sorted(versions))})")
    for kind, label in (("brokers", "broker"), ("db_nodes", "DB node")):
        bad = [n["name"] for n in topo[kind] if n["status"] == "Fail"]
        if bad:
            out.append(f"{label}s failing: {', '.join(bad)}")
    return out


def cluster_old(probe: ManagerProbe, facts: ManagerFacts) -> Finding:
    """cluster.old: the old side's topology (a cluster migrates as well; problems are shown)."""
    topo = topology(probe, facts)
    if not _is_cluster(topo):
        return Finding("cluster.old", Status.PASS, "The old manager is one node", _describe(topo), data=topo)
    problems = _problems(topo)
    if problems or topo["status"] not in ("OK", None):
        return Finding(
            "cluster.old",
            Status.WARN,
            "The old cluster reports problems",
            _describe(topo) + ". " + ("; ".join(problems) or "see `cfy cluster status`") + ".",
            "Fix the cluster (`cfy cluster status` on it) before the snapshot: a snapshot of a failing "
            "cluster may miss data, and its brokers must carry the agents until they move.",
            data=topo,
        )
    return Finding(
        "cluster.old",
        Status.PASS,
        "The old manager is a healthy cluster",
        _describe(topo) + ". The snapshot holds the whole database; the agents keep talking to these "
        "brokers until install_new_agents moves them.",
        data=topo,
    )


def cluster_new(probe: ManagerProbe, facts: ManagerFacts, *, legacy_restore: bool) -> Finding:
    """cluster.new: the new side's topology, and the documented cluster restore (one manager up)."""
    topo = topology(probe, facts)
    if facts.runtime == "k8s" and legacy_restore:
        return Finding(
            "cluster.new",
            Status.FAIL,
            "A distributed (Kubernetes) manager refuses legacy snapshots",
            _describe(topo) + '. Its restore says "legacy snapshots cannot be restored on a distributed '
            "manager\", and every snapshot of a manager before 7.0 (and this migration's 7.x snapshot) is "
            "a legacy one.",
            "Restore onto a manager installed on VMs (all-in-one or a cluster), then move to Kubernetes "
            "with that manager's own (new-format) snapshot.",
            data=topo,
        )
    managers = topo["managers"]
    if len(managers) <= 1:
        if _is_cluster(topo):
            problems = _problems(topo)
            return Finding(
                "cluster.new",
                Status.WARN if problems else Status.PASS,
                "The new manager uses clustered brokers or DB nodes",
                _describe(topo) + (". " + "; ".join(problems) if problems else ".") + "",
                "Fix the failing nodes before the restore." if problems else "",
                data=topo,
            )
        return Finding("cluster.new", Status.PASS, "The new manager is one node", _describe(topo), data=topo)
    health_known = any(m["status"] for m in managers)
    running = [m for m in managers if m["status"] == "OK"]
    stopped = [m for m in managers if m["status"] and m["status"] != "OK"]
    here = running[0] if len(running) == 1 else {"name": probe.hostname or "?", "ip": probe.primary_ip or "?"}
    after = (
        f"after the restore copy /opt/manager/rest-security.conf from {here['name']} ({here['ip']}) to each "
        "other manager (only the restoring manager gets the old one), then `cfy_manager start` on each: "
        "they rejoin the cluster; install_new_agents runs as usual."
    )
    if not health_known:
        return Finding(
            "cluster.new",
            Status.WARN,
            f"The new manager is a cluster of {len(managers)}: make sure only one manager runs",
            _describe(topo) + ". /cluster-status does not say which managers run.",
            "The documented cluster restore runs with one manager up: `cfy_manager stop` on every other "
            f"manager before the restore; {after}",
            data=topo,
        )
    if len(running) > 1:
        others = [m for m in running if m["ip"] != probe.primary_ip] or running[1:]
        names = ", ".join(f"{m['name']} ({m['ip']})" for m in others)
        return Finding(
            "cluster.new",
            Status.FAIL,
            f"{len(running)} managers of the new cluster are running",
            _describe(topo) + ". A restore with more than one manager running dead-locks the database and "
            "leaves the others with the wrong rest-security.conf.",
            f"The documented cluster restore, step by step: 1. run `cfy_manager stop` on {names}; "
            f"2. run cfy-migrate again (it restores onto {probe.url}); 3. {after}",
            data=topo,
        )
    names = ", ".join(f"{m['name']} ({m['ip']})" for m in stopped) or "the others"
    return Finding(
        "cluster.new",
        Status.WARN,
        f"One of the {len(managers)} managers of the new cluster runs: the restore goes there",
        _describe(topo) + f". Stopped: {names}.",
        f"Keep them stopped until the restore has ended; then {after}",
        data=topo,
    )
