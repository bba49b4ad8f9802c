"""The migration rules, one function per finding id, over what the probes learnt.

Old manager: admin, version, active executions, inventory. New manager: bootstrap admin,
version order, clean in every tenant, plugins and secrets, agent networks. Pair: not the same
manager twice, and the IP rule (same IP: agents keep talking; different IP: the old manager must
stay online while install_new_agents runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from packaging.version import Version

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import CloudifyError, LicenceError, RequestCancelledError, TransportError
from wizard.cloudify.models import ACTIVE_STATES
from wizard.migration.census import Census, census_finding, survey
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.findings import Finding, Status
from wizard.migration.inventory import Inventory

MIN_VERSION = Version("4.0.0")


def error_finding(ident: str, what: str, exc: Exception) -> Finding:
    """The check itself could not run (ERROR), with the manager's words. A network failure is
    marked (`data["network"]`): the gate reports it as a connection error (exit 1, run again),
    not as a blocker found on the manager (exit 2). A request the user cancelled is no finding."""
    if isinstance(exc, RequestCancelledError):
        raise exc
    if isinstance(exc, LicenceError):
        # not "try again": the manager's licence refuses the request until one is uploaded
        return Finding(
            ident,
            Status.FAIL,
            f"Could not check {what}: the manager's licence refuses it",
            str(exc),
            "Upload a valid licence to that manager (`cfy license upload <file>`), then run again.",
            data={"error_code": exc.error_code},
        )
    return Finding(
        ident,
        Status.ERROR,
        f"Could not check {what}",
        str(exc),
        "Try again; if it persists, check the manager's health and logs.",
        data={"network": True} if isinstance(exc, TransportError) else {},
    )


# -- old manager ------------------------------------------------------------------------------


def old_admin(p: ManagerProbe) -> Finding:
    """old.admin: creating a snapshot needs an admin (sys_admin)."""
    user = p.user
    if user is not None and user.is_admin:
        return Finding(
            "old.admin", Status.PASS, "Admin user on the old manager", f"{user.username} is {user.role}."
        )
    who = f"{user.username} ({user.role})" if user else "this user"
    return Finding(
        "old.admin",
        Status.FAIL,
        "The old manager user is not an admin",
        f"{who} cannot create snapshots for all tenants.",
        "Use the old manager's admin user (role sys_admin) with --old-user.",
    )


def old_version(p: ManagerProbe) -> Finding:
    """old.version: readable and at least 4.0.0."""
    v = p.parsed_version
    raw = p.version.version if p.version else "?"
    if v is None:
        return Finding(
            "old.version", Status.ERROR, "Old manager version unreadable", f"GET /version said {raw!r}."
        )
    if v < MIN_VERSION:
        return Finding(
            "old.version",
            Status.FAIL,
            f"Old manager {raw} is too old",
            "Snapshots older than 4.0.0 cannot be restored on a newer manager.",
            "Upgrade the old manager to 4.x first.",
        )
    return Finding(
        "old.version", Status.PASS, f"Old manager version {raw}", f"parsed as {v}", data={"version": raw}
    )


def old_active_executions(client: ManagerClient, *, queue: bool, ignore_snapshot_id: str | None) -> Finding:
    """old.active-executions: running executions make the snapshot fail (unless queued)."""
    try:
        active = [
            e
            for e in client.executions(
                all_tenants=True,
                include_system_workflows=True,
                statuses=sorted(ACTIVE_STATES - {"scheduled"}),
            )
            if not (
                ignore_snapshot_id
                and e.workflow_id == "create_snapshot"
                and e.parameters.get("snapshot_id") == ignore_snapshot_id
            )
        ]
    except CloudifyError as exc:
        return error_finding("old.active-executions", "the old manager's executions", exc)
    if not active:
        return Finding(
            "old.active-executions",
            Status.PASS,
            "No active executions on the old manager",
            "The snapshot can start right away.",
        )
    sample = ", ".join(f"{e.workflow_id} on {e.deployment_id or 'system'} ({e.status})" for e in active[:5])
    more = f" and {len(active) - 5} more" if len(active) > 5 else ""
    if queue:
        return Finding(
            "old.active-executions",
            Status.WARN,
            f"{len(active)} executions active on the old manager",
            f"{sample}{more}. The snapshot is queued behind them.",
            "Expect the snapshot to wait; consider maintenance mode on the old manager.",
            data={"active": len(active)},
        )
    return Finding(
        "old.active-executions",
        Status.FAIL,
        f"{len(active)} executions active on the old manager",
        f"{sample}{more}. A snapshot cannot start while executions run, and their state would be "
        "caught half-way.",
        "Wait for them to finish or cancel them (`cfy executions list --include-system-workflows`), "
        "then run again.",
        data={"active": len(active)},
    )


def old_inventory(
    client: ManagerClient, agent_tenants: Iterable[str] = ()
) -> tuple[list[Finding], Inventory | None, Census | None]:
    """old.inventory: what will be migrated, counted per tenant (kept for the later comparison);
    old.agents-census: whose agents will move, have nothing to move, or cannot move by themselves
    (one pass of listings for both)."""
    try:
        inv, census = survey(client, agent_tenants)
    except CloudifyError as exc:
        return [error_finding("old.inventory", "the old manager's inventory", exc)], None, None
    found = Finding("old.inventory", Status.PASS, "Inventory to migrate", inv.summary(), data=inv.to_json())
    return [found, census_finding(census)], inv, census


# -- new manager ------------------------------------------------------------------------------


def new_bootstrap_admin(p: ManagerProbe) -> Finding:
    """new.bootstrap-admin: only the bootstrap admin may restore (practical check: `admin`, sys_admin)."""
    user = p.user
    if user is None or not user.is_admin:
        who = f"{user.username} ({user.role})" if user else "this user"
        return Finding(
            "new.bootstrap-admin",
            Status.FAIL,
            "The new manager user is not an admin",
            f"{who} may not restore snapshots; only the bootstrap admin may.",
            "Use the new manager's bootstrap admin (usually `admin`) with --new-user.",
        )
    if user.username != "admin":
        return Finding(
            "new.bootstrap-admin",
            Status.WARN,
            "Maybe not the bootstrap admin",
            f"{user.username} is sys_admin, but the restore needs the user created at install "
            "time (usually `admin`).",
            "Use the install-time admin with --new-user if the restore is refused.",
        )
    return Finding(
        "new.bootstrap-admin",
        Status.PASS,
        "Bootstrap admin on the new manager",
        f"{user.username} is {user.role}.",
    )


def new_version_order(old: ManagerProbe, new: ManagerProbe, snapshot_version: str | None = None) -> Finding:
    """new.version-order: the new manager is at least the old one (FAIL otherwise; same version WARN)."""
    ov, nv = old.parsed_version, new.parsed_version
    if nv is None:
        raw = new.version.version if new.version else "?"
        return Finding("new.version-order", Status.ERROR, "New manager version unreadable", f"{raw!r}")
    if ov is None and snapshot_version:
        from wizard.cloudify.models import parse_manager_version

        try:
            ov = parse_manager_version(snapshot_version)
        except ValueError:
            ov = None
    if ov is None:
        return Finding(
            "new.version-order",
            Status.SKIP,
            "Version order not checked",
            "The old manager's version is unknown.",
        )
    if nv < ov:
        return Finding(
            "new.version-order",
            Status.FAIL,
            "The new manager is older than the old one",
            f"old {ov} > new {nv}: a snapshot cannot be restored on an older manager.",
            f"Install a new manager of version {ov} or later.",
            data={"old": str(ov), "new": str(nv)},
        )
    if nv == ov:
        return Finding(
            "new.version-order",
            Status.WARN,
            "Both managers run the same version",
            f"{nv}: this is a move to another host, not an upgrade.",
            data={"old": str(ov), "new": str(nv)},
        )
    return Finding(
        "new.version-order",
        Status.PASS,
        "The new manager is newer",
        f"{ov} -> {nv}",
        data={"old": str(ov), "new": str(nv)},
    )


def new_clean(client: ManagerClient) -> Finding:
    """new.clean: no blueprint and no deployment in any tenant (a 7.x manager does not even check)."""
    try:
        blueprints = client.count("blueprints", all_tenants=True)
        deployments = client.count("deployments", all_tenants=True)
    except CloudifyError as exc:
        return error_finding("new.clean", "whether the new manager is clean", exc)
    if blueprints or deployments:
        return Finding(
            "new.clean",
            Status.FAIL,
            "The new manager is not clean",
            f"It has {blueprints} blueprints and {deployments} deployments (all tenants). A restore "
            "would fail, or with force DELETE them; a 7.x manager would mix the two inventories.",
            "Restore only onto a freshly installed manager: reinstall it, or delete its deployments "
            "and blueprints. Waive new.clean only if losing them is intended (force is then used).",
            data={"blueprints": blueprints, "deployments": deployments},
        )
    return Finding("new.clean", Status.PASS, "The new manager is clean", "No blueprints, no deployments.")


def new_plugins_secrets(client: ManagerClient, tenants: Iterable[str]) -> Finding:
    """new.plugins-secrets: plugins and secrets already there (WARN: they may clash)."""
    try:
        plugins = client.count("plugins", all_tenants=True)
        secrets = 0
        for tenant in tenants or ["default_tenant"]:
            # secrets are keyed by `key`, not `id`: count() (which projects on id) cannot be used
            secrets += client.page("secrets", size=1, include=["key"], tenant=tenant).total
    except CloudifyError as exc:
        return error_finding("new.plugins-secrets", "plugins and secrets on the new manager", exc)
    if plugins or secrets:
        return Finding(
            "new.plugins-secrets",
            Status.WARN,
            "The new manager already has plugins or secrets",
            f"{plugins} plugins, {secrets} secrets. The restore replaces (legacy) or clashes with "
            "(7.x format) them.",
            "Remove them if they were not meant to stay.",
            data={"plugins": plugins, "secrets": secrets},
        )
    return Finding("new.plugins-secrets", Status.PASS, "No plugins or secrets on the new manager", "")


def new_networks(old: ManagerProbe, new: ManagerProbe, archive_networks: Iterable[str] | None) -> Finding:
    """new.networks: the networks old agents use exist on the new manager and its brokers.

    From the archive's networks.json when known (FAIL on a missing one: the restore refuses it);
    before that from the old manager's network names (WARN: agents may not use them all)."""
    if archive_networks is not None:
        needed = set(archive_networks)
        source = "the snapshot's networks.json"
        status_missing = Status.FAIL
    else:
        needed = old.manager_networks | old.broker_networks
        source = "the old manager's networks"
        status_missing = Status.WARN
    if not new.nodes:
        return Finding(
            "new.networks", Status.SKIP, "Networks not compared", "The new manager lists no managers."
        )
    missing_mgr = sorted(needed - new.manager_networks)
    missing_brk = sorted(needed - new.broker_networks) if new.brokers else []
    if missing_mgr or missing_brk:
        parts = []
        if missing_mgr:
            parts.append(f"missing on the manager: {', '.join(missing_mgr)}")
        if missing_brk:
            parts.append(f"missing on the broker: {', '.join(missing_brk)}")
        return Finding(
            "new.networks",
            status_missing,
            "Agent networks missing on the new manager",
            f"From {source}: {'; '.join(parts)}. Agents on those networks could not reach the new "
            "manager, and a legacy restore refuses such a snapshot.",
            "Add the networks to the new manager (`cfy_manager add-networks`) with the same names.",
            data={"needed": sorted(needed), "missing": sorted(set(missing_mgr) | set(missing_brk))},
        )
    return Finding(
        "new.networks",
        Status.PASS,
        "Agent networks exist on the new manager",
        f"{', '.join(sorted(needed)) or 'none needed'} (from {source}).",
        data={"needed": sorted(needed)},
    )


# -- pair -------------------------------------------------------------------------------------


def _norm(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    return (
        parts.scheme,
        (parts.hostname or "").lower(),
        parts.port or (443 if parts.scheme == "https" else 80),
    )


def same_manager(old: ManagerProbe, new: ManagerProbe) -> Finding:
    """pair.same-manager: the two addresses are not one manager (same URL, or same hostname and IP)."""
    if _norm(old.url) == _norm(new.url):
        return Finding(
            "pair.same-manager",
            Status.FAIL,
            "The old and new managers are the same",
            f"Both addresses are {old.url}. Restoring a manager onto itself destroys it.",
            "Give the new manager's address with --new.",
        )
    if old.hostname and old.hostname == new.hostname and old.ips and old.ips & new.ips:
        return Finding(
            "pair.same-manager",
            Status.FAIL,
            "The old and new managers are the same",
            f"Both report host {old.hostname} and IP {', '.join(sorted(old.ips & new.ips))} "
            "(two addresses for one manager).",
            "Give the new manager's address with --new.",
        )
    if not old.nodes or not new.nodes:
        return Finding(
            "pair.same-manager",
            Status.PASS,
            "Two different addresses",
            "Identity from /managers not available on both; URLs differ.",
        )
    return Finding(
        "pair.same-manager",
        Status.PASS,
        "Two different managers",
        f"old {old.hostname or '?'} ({old.primary_ip or '?'}), new {new.hostname or '?'} "
        f"({new.primary_ip or '?'}).",
    )


def ip_rule(
    old: ManagerProbe,
    new: ManagerProbe,
    *,
    installed: int | None,
    old_reachable: bool,
    restore_certificates: bool,
) -> Finding:
    """pair.ip-rule: same IP -> agents keep talking; different IP -> agents must move, and the old
    manager must stay reachable and online while install_new_agents runs."""
    same = bool(old.ips and new.ips and old.ips & new.ips)
    data = {"old_ip": old.primary_ip, "new_ip": new.primary_ip, "same_ip": same}
    if same:
        return Finding(
            "pair.ip-rule",
            Status.PASS,
            "The new manager keeps the old IP",
            f"{', '.join(sorted(old.ips & new.ips))}: agents reconnect to the same address.",
            data=data,
        )
    if restore_certificates:
        return Finding(
            "pair.ip-rule",
            Status.FAIL,
            "Certificates can only be restored onto the same IP",
            f"old {old.primary_ip or '?'} vs new {new.primary_ip or '?'}: restoring the old certificates "
            "would break the new manager's TLS and reboot it.",
            "Drop restore_certificates (agents then move with install_new_agents).",
            data=data,
        )
    if installed == 0:
        return Finding(
            "pair.ip-rule",
            Status.PASS,
            "Different IPs, no installed deployments",
            "No agents need to move.",
            data=data,
        )
    if not old_reachable:
        return Finding(
            "pair.ip-rule",
            Status.FAIL,
            "The old manager must be reachable to move agents",
            f"The new manager has another IP ({new.primary_ip or '?'}), so install_new_agents must "
            "reach the old agents through the old manager, which is unreachable.",
            "Bring the old manager back online before installing agents.",
            data=data,
        )
    return Finding(
        "pair.ip-rule",
        Status.WARN,
        "Different IPs: keep the old manager online",
        f"old {old.primary_ip or '?'} -> new {new.primary_ip or '?'}. Agents move with "
        "install_new_agents, which talks to them through the OLD manager's broker: keep the old "
        "manager running and reachable until every agent has moved.",
        "Do not stop or decommission the old manager before the report says so.",
        data=data,
    )
