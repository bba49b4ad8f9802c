"""What is on a manager, counted per tenant (tenants, blueprints, deployments, installed
deployments, agents), and which deployments are "installed" the way `cfy agents install` decides.

The old manager's counts are journaled before the snapshot; after the restore the new manager's
counts are compared with them, which is how a restore that "succeeded" but restored nothing is
caught.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import BadParametersError, NotFoundError
from wizard.cloudify.models import Agent, Blueprint, Deployment, NodeInstance
from wizard.migration.findings import Finding, Status
from wizard.migration.units import plural

KINDS = ("blueprints", "deployments", "installed", "agents")


@dataclass(frozen=True)
class Skipped:
    """A deployment that will not get new agents, and why."""

    tenant: str
    deployment: str
    reason: str


@dataclass(frozen=True)
class InstalledSplit:
    """Deployments split into those install_new_agents runs for and those it skips."""

    installed: tuple[Deployment, ...]
    skipped: tuple[Skipped, ...]


@dataclass
class Inventory:
    """Counts per tenant: {tenant: {blueprints, deployments, installed, agents}}."""

    tenants: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, tenant: str, kind: str, n: int = 1) -> None:
        """Count `n` more `kind` in `tenant`."""
        row = self.tenants.setdefault(tenant, dict.fromkeys(KINDS, 0))
        row[kind] = row.get(kind, 0) + n

    def total(self, kind: str) -> int:
        """Sum over tenants."""
        return sum(row.get(kind, 0) for row in self.tenants.values())

    def to_json(self) -> dict[str, Any]:
        """For the journal and the report."""
        return {
            "tenants": {t: dict(r) for t, r in sorted(self.tenants.items())},
            "totals": {k: self.total(k) for k in KINDS},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inventory:
        """Inverse of to_json."""
        raw = data.get("tenants") or {}
        return cls({str(t): {str(k): int(v) for k, v in r.items()} for t, r in raw.items()})

    def summary(self) -> str:
        """e.g. '2 tenants, 3 blueprints, 6 deployments (4 installed), 1 agent'."""
        return (
            f"{plural(len(self.tenants), 'tenant')}, {plural(self.total('blueprints'), 'blueprint')}, "
            f"{plural(self.total('deployments'), 'deployment')} ({self.total('installed')} installed), "
            f"{plural(self.total('agents'), 'agent')}"
        )


def split_by_node_instances(
    deployments: Iterable[Deployment], instances: Iterable[NodeInstance]
) -> InstalledSplit:
    """Before 6.0 there is no installation_status: like `cfy agents install`, skip a deployment
    when one of its Compute host instances (id == host_id) is not `started`."""
    bad_hosts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ni in instances:
        if ni.is_host and ni.state != "started":
            bad_hosts[(ni.tenant_name, ni.deployment_id)].append(f"{ni.id} is {ni.state or 'unknown'}")
    installed: list[Deployment] = []
    skipped: list[Skipped] = []
    for dep in deployments:
        bad = bad_hosts.get((dep.tenant_name, dep.id))
        if bad:
            skipped.append(
                Skipped(dep.tenant_name, dep.id, "host not started: " + ", ".join(sorted(bad)[:3]))
            )
        else:
            installed.append(dep)
    return InstalledSplit(tuple(installed), tuple(skipped))


def split_from(deployments: Iterable[Deployment], instances: Iterable[NodeInstance]) -> InstalledSplit:
    """The split from listings already read: installation_status where every deployment has it
    (6.0+), else computed from the node instances (before 6.0)."""
    deps = sorted(deployments, key=lambda d: (d.tenant_name, d.id))
    if deps and all(d.installation_status is not None for d in deps):
        installed = [d for d in deps if d.installation_status == "active"]
        skipped = [
            Skipped(d.tenant_name, d.id, f"not installed ({d.installation_status})")
            for d in deps
            if d.installation_status != "active"
        ]
        return InstalledSplit(tuple(installed), tuple(skipped))
    return split_by_node_instances(deps, instances)


def split_installed(client: ManagerClient, tenants: Iterable[str] = ()) -> InstalledSplit:
    """Which deployments are installed on this manager (6.0+: installation_status == active;
    before: computed from node instances). `tenants` limits the tenants (empty: all)."""
    wanted = set(tenants)
    try:
        deployments = list(client.deployments(all_tenants=True, with_installation_status=True))
    except BadParametersError:  # a manager that rejects the field
        deployments = list(client.deployments(all_tenants=True, with_installation_status=False))
    if wanted:
        deployments = [d for d in deployments if d.tenant_name in wanted]
    if deployments and all(d.installation_status is not None for d in deployments):
        return split_from(deployments, ())
    return split_from(deployments, client.node_instances(all_tenants=True))


def inventory_from(
    tenants: Iterable[str], blueprints: Iterable[Blueprint], split: InstalledSplit, agents: Iterable[Agent]
) -> Inventory:
    """Count per tenant from listings already read (see count_inventory)."""
    inv = Inventory()
    for tenant in tenants:
        inv.tenants.setdefault(tenant, dict.fromkeys(KINDS, 0))
    for bp in blueprints:
        inv.add(bp.tenant_name, "blueprints")
    for dep in split.installed:
        inv.add(dep.tenant_name, "deployments")
        inv.add(dep.tenant_name, "installed")
    for skip in split.skipped:
        inv.add(skip.tenant, "deployments")
    for agent in agents:
        inv.add(agent.tenant_name, "agents")
    return inv


def count_inventory(client: ManagerClient) -> Inventory:
    """Count tenants, blueprints, deployments, installed deployments and agents per tenant."""
    tenants = [t.name for t in client.tenants()]
    blueprints = list(client.blueprints(all_tenants=True))
    split = split_installed(client)
    try:
        agents = list(client.agents(all_tenants=True))
    except NotFoundError:  # 4.x: no /agents
        agents = []
    return inventory_from(tenants, blueprints, split, agents)


def compare_inventories(old: Inventory, new: Inventory) -> list[Finding]:
    """Old (before the snapshot) vs new (after the restore), per tenant.

    verify.restored-something FAILs when the old manager had blueprints or deployments and the
    new one has none at all; verify.inventory FAILs when any tenant has fewer blueprints,
    deployments or installed deployments than before; agents only warn.
    """
    findings: list[Finding] = []
    old_items = old.total("blueprints") + old.total("deployments")
    new_items = new.total("blueprints") + new.total("deployments")
    if old_items and not new_items:
        findings.append(
            Finding(
                "verify.restored-something",
                Status.FAIL,
                "The restore restored NOTHING",
                f"The old manager had {old.summary()}; the new manager has {new.summary()}. The restore "
                "execution reported success, but no blueprint or deployment arrived.",
                "Do not decommission the old manager. Typical cause: a legacy snapshot without the "
                "stage/composer schema keys restored on a 7.x manager (see archive.format). Reinstall the "
                "new manager clean and restore through a 6.x manager, or from a premium snapshot.",
            )
        )
    missing: list[str] = []
    extra: list[str] = []
    agent_diff: list[str] = []
    for tenant in sorted(set(old.tenants) | set(new.tenants)):
        o = old.tenants.get(tenant)
        n = new.tenants.get(tenant)
        if o is None:
            continue
        if n is None:
            if any(o.get(k, 0) for k in KINDS):
                missing.append(f"tenant {tenant} is missing")
            continue
        for kind in ("blueprints", "deployments", "installed"):
            if n.get(kind, 0) < o.get(kind, 0):
                missing.append(f"{tenant}: {kind} {o.get(kind, 0)} -> {n.get(kind, 0)}")
            elif n.get(kind, 0) > o.get(kind, 0):
                extra.append(f"{tenant}: {kind} {o.get(kind, 0)} -> {n.get(kind, 0)}")
        if n.get("agents", 0) != o.get("agents", 0):
            agent_diff.append(f"{tenant}: agents {o.get('agents', 0)} -> {n.get('agents', 0)}")
    if missing:
        findings.append(
            Finding(
                "verify.inventory",
                Status.FAIL,
                "The new manager is missing inventory",
                "; ".join(missing),
                "Do not decommission the old manager; read the restore execution's "
                "events on the new manager and contact support with report.json.",
                data={"missing": missing},
            )
        )
    elif extra:
        findings.append(
            Finding(
                "verify.inventory",
                Status.WARN,
                "The new manager has more than the old one",
                "; ".join(extra),
                "Expected only when a dirty new manager was waived.",
                data={"extra": extra},
            )
        )
    else:
        findings.append(
            Finding("verify.inventory", Status.PASS, "Inventory matches, tenant by tenant", new.summary())
        )
    if agent_diff:
        findings.append(
            Finding(
                "verify.agents",
                Status.WARN,
                "Agent rows differ",
                "; ".join(agent_diff),
                "Agent rows are rebuilt from the snapshot; install_new_agents follows.",
            )
        )
    return findings
