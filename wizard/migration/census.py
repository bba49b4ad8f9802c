"""The agents census: for every deployment, whether its agents will move, have nothing to move,
or cannot move by themselves — decided before anything runs, so the decommissioning advice can
prove that nothing is left behind.

The rule for which deployments get install_new_agents is the official CLI's (`cfy agents
install`, cloudify-cli 7.0.5 `get_filters_map`): every deployment, except one with a Compute host
(a node instance whose id is its host_id) that is not `started` — not installation_status alone
(a deployment whose install failed on a software node still has started hosts with live agents).
On top of that rule the census says where the workflow cannot help:

- nothing to move: no Compute host (6.4+ types declare install_new_agents only where there is
  one), or no host started and no live agent (never installed, or uninstalled);
- cannot move automatically: started hosts with live agents in a deployment the rule skips (partly
  installed), agents with install_method `provided` (the workflow leaves them alone: cloudify-common
  AGENT_INSTALL_METHODS_INSTALLED), live agents without a Compute host, agents in a tenant left out
  by --agent-tenants. Hosts with install_method `none` have no agent: nothing is left on the old
  manager by them.

Three listings, each read page by page across all tenants (deployments, node instances, agents):
the requests grow with pages of 1,000, never with deployments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import BadParametersError, NotFoundError
from wizard.cloudify.models import Agent, Blueprint, Deployment, NodeInstance
from wizard.migration.findings import Finding, Status
from wizard.migration.inventory import Inventory, inventory_from, split_from
from wizard.migration.units import plural

MOVE = "move"
NOTHING = "nothing"
MANUAL = "manual"
#: how the census calls each category, for tables and reports
LABELS = {MOVE: "will move", NOTHING: "nothing to move", MANUAL: "cannot move automatically"}
#: agent states in which no agent process is alive (cloudify AgentState)
NOT_LIVE = frozenset({"deleted", "deleting", "stopped", "stopping", "failed"})
#: install methods whose agents install_new_agents does not reinstall
NOT_REINSTALLED = frozenset({"provided", "none"})
#: rows of the "nothing to move" category kept in the journal (all "cannot move" rows are kept)
KEEP_NOTHING = 500
#: rows of each category a finding carries (the wizard's table)
FINDING_ROWS = 100


@dataclass(frozen=True)
class CensusRow:
    """One deployment: its category, why, and what it has (hosts, started hosts, live agents).
    `runs` says whether install_new_agents is started for it (the official CLI's rule)."""

    tenant: str
    deployment: str
    blueprint: str
    category: str
    reason: str
    hosts: int = 0
    started: int = 0
    agents: int = 0
    runs: bool = False
    #: live agents install_new_agents reinstalls (not `provided` ones)
    moving: int = 0

    def to_json(self) -> dict[str, Any]:
        """A compact dict for the journal, findings and the report."""
        return {
            "tenant": self.tenant,
            "deployment": self.deployment,
            "blueprint": self.blueprint,
            "category": self.category,
            "reason": self.reason,
            "agents": self.agents,
        }


@dataclass(frozen=True)
class Census:
    """Every deployment of one manager, classified (see the module docstring)."""

    rows: tuple[CensusRow, ...]
    #: the manager listed its agents (/agents exists); else hosts stand for agents
    agents_known: bool = True
    tenants_filter: tuple[str, ...] = ()

    def of(self, category: str) -> list[CensusRow]:
        """The rows of one category, in (tenant, deployment) order."""
        return [r for r in self.rows if r.category == category]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per tenant: deployments per category and the live agents of those that will move."""
        out: dict[str, dict[str, int]] = {}
        for r in self.rows:
            row = out.setdefault(r.tenant, {MOVE: 0, NOTHING: 0, MANUAL: 0, "agents": 0})
            row[r.category] += 1
            row["agents"] += r.moving
        return dict(sorted(out.items()))

    def to_json(self, *, keep_nothing: int = KEEP_NOTHING, keep_manual: int | None = None) -> dict[str, Any]:
        """For the journal (CensusRecord) and a finding's data: counts per tenant, every row that
        cannot move (or `keep_manual` of them) and up to `keep_nothing` with nothing to move."""
        manual = self.of(MANUAL)
        nothing = self.of(NOTHING)
        return {
            "tenants": self.counts(),
            "agents_known": self.agents_known,
            "tenants_filter": list(self.tenants_filter),
            "manual": [r.to_json() for r in manual[:keep_manual]],
            "manual_total": len(manual),
            "nothing": [r.to_json() for r in nothing[:keep_nothing]],
            "nothing_total": len(nothing),
        }

    def summary(self) -> str:
        """e.g. '4 will move (7 agents), 2 with nothing to move, 1 cannot move automatically'."""
        agents = sum(r.moving for r in self.rows)
        return (
            f"{len(self.of(MOVE))} will move ({plural(agents, 'agent')}), "
            f"{len(self.of(NOTHING))} with nothing to move, {len(self.of(MANUAL))} cannot move automatically"
        )


def _live(agent: Agent) -> bool:
    return agent.state.lower() not in NOT_LIVE


def _hosts_text(names: Sequence[str]) -> str:
    shown = ", ".join(sorted(names)[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def classify(
    deployments: Iterable[Deployment],
    instances: Iterable[NodeInstance],
    agents: Iterable[Agent] | None,
    *,
    tenants: Iterable[str] = (),
) -> Census:
    """Classify every deployment (pure: the listings are given). `agents` None means the manager
    has no /agents: a started host then stands for a live agent of an unknown install method."""
    wanted = tuple(tenants)
    hosts: dict[tuple[str, str], list[NodeInstance]] = defaultdict(list)
    for ni in instances:
        if ni.is_host:
            hosts[(ni.tenant_name, ni.deployment_id)].append(ni)
    live: dict[tuple[str, str], list[Agent]] = defaultdict(list)
    for agent in agents or ():
        if _live(agent):
            live[(agent.tenant_name, agent.deployment)].append(agent)
    rows = [
        _classify_one(d, hosts.get((d.tenant_name, d.id), []), live.get((d.tenant_name, d.id), []),
                      agents_known=agents is not None, wanted=wanted)
        for d in sorted(deployments, key=lambda d: (d.tenant_name, d.id))
    ]  # fmt: skip
    return Census(tuple(rows), agents is not None, wanted)


def _classify_one(
    dep: Deployment,
    hosts: list[NodeInstance],
    agents: list[Agent],
    *,
    agents_known: bool,
    wanted: tuple[str, ...],
) -> CensusRow:
    started = [h for h in hosts if h.state == "started"]
    not_started = [f"{h.id} is {h.state or 'unknown'}" for h in hosts if h.state != "started"]
    host_ids = {h.id for h in hosts}
    # without /agents every started host may carry an agent of an unknown install method
    n_agents = len(agents) if agents_known else len(started)
    reinstalled = (
        sum(1 for a in agents if a.node_instance_id in host_ids and a.install_method != "provided")
        if agents_known
        else len(started)
    )

    def row(category: str, reason: str, runs: bool = False) -> CensusRow:
        return CensusRow(
            dep.tenant_name,
            dep.id,
            dep.blueprint_id,
            category,
            reason,
            len(hosts),
            len(started),
            n_agents,
            runs,
            reinstalled if runs else 0,
        )

    if wanted and dep.tenant_name not in wanted:
        if n_agents:
            stay = "stays" if n_agents == 1 else "stay"
            return row(MANUAL, f"tenant left out by --agent-tenants: {plural(n_agents, 'live agent')} {stay}")
        return row(NOTHING, "tenant left out by --agent-tenants; no live agent")
    orphans = [a for a in agents if a.node_instance_id not in host_ids]
    if orphans:
        names = _hosts_text([a.node_instance_id or a.id for a in orphans])
        return row(
            MANUAL, f"live agents without a Compute host: {names}", runs=bool(hosts) and not not_started
        )
    if not hosts:
        return row(NOTHING, "no Compute host (install_new_agents is not declared for it)")
    if not_started:
        if not started or not n_agents:
            return row(NOTHING, "not installed: " + _hosts_text(not_started))
        return row(
            MANUAL,
            f"partly installed: {_hosts_text(not_started)}, while {plural(n_agents, 'live agent')} on "
            f"started hosts {'stays' if n_agents == 1 else 'stay'} on the old manager (the official CLI "
            "skips such a deployment)",
        )
    provided = sorted(a.node_instance_id or a.id for a in agents if a.install_method == "provided")
    if provided:
        return row(
            MANUAL,
            f"install_method provided on {_hosts_text(provided)}: install_new_agents leaves such agents "
            "alone; reconfigure them by hand",
            runs=True,
        )
    if agents_known and not agents:
        return row(MOVE, f"{plural(len(hosts), 'host')} started, no agent (install_method none)", runs=True)
    methods = sorted({a.install_method or "?" for a in agents}) if agents_known else ["unknown"]
    return row(
        MOVE,
        f"{plural(len(hosts), 'host')} started, {plural(n_agents, 'agent')} ({', '.join(methods)})",
        runs=True,
    )


def list_deployments(client: ManagerClient) -> list[Deployment]:
    """Every deployment with its blueprint (and installation_status where the manager has it)."""
    try:
        return list(client.deployments(all_tenants=True, with_installation_status=True))
    except BadParametersError:  # a manager that rejects the field
        return list(client.deployments(all_tenants=True, with_installation_status=False))


def list_agents(client: ManagerClient) -> list[Agent] | None:
    """Every agent row (all tenants), or None where the manager has no /agents (before 4.5)."""
    try:
        return [Agent.from_api(item) for item in client.iter_items("agents", all_tenants=True)]
    except NotFoundError:
        return None


def take_census(client: ManagerClient, tenants: Iterable[str] = ()) -> Census:
    """The census of one manager (three listings, page by page)."""
    deployments = list_deployments(client)
    instances = list(client.node_instances(all_tenants=True))
    return classify(deployments, instances, list_agents(client), tenants=tenants)


def survey(client: ManagerClient, tenants: Iterable[str] = ()) -> tuple[Inventory, Census]:
    """The inventory counts and the census from ONE pass of listings (tenants, blueprints,
    deployments, node instances, agents): what preflight and the snapshot's baseline read."""
    names = [t.name for t in client.tenants()]
    blueprints: list[Blueprint] = list(client.blueprints(all_tenants=True))
    deployments = list_deployments(client)
    instances = list(client.node_instances(all_tenants=True))
    agents = list_agents(client)
    inventory = inventory_from(names, blueprints, split_from(deployments, instances), agents or ())
    return inventory, classify(deployments, instances, agents, tenants=tenants)


def census_finding(
    census: Census, *, ident: str = "old.agents-census", where: str = "old manager"
) -> Finding:
    """old.agents-census: PASS when every agent can move by itself; WARN listing the deployments
    that cannot (they keep the old manager needed until handled and acknowledged)."""
    data = census.to_json(keep_nothing=FINDING_ROWS, keep_manual=FINDING_ROWS)
    manual = census.of(MANUAL)
    if not manual:
        return Finding(ident, Status.PASS, "Every agent can move by itself", census.summary(), data=data)
    names = ", ".join(f"{r.tenant}/{r.deployment}" for r in manual[:5])
    more = f" and {len(manual) - 5} more" if len(manual) > 5 else ""
    return Finding(
        ident,
        Status.WARN,
        f"{plural(len(manual), 'deployment')} on the {where} cannot move automatically",
        f"{census.summary()}. Cannot move: {names}{more} ({manual[0].reason}).",
        "Finish or uninstall partly installed deployments, reconfigure `provided` agents by hand; the "
        f'report says the old manager is still needed until then (or until --waive {ident}="why").',
        data=data,
    )
