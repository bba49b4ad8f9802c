"""The inventory of the real-stack seed (the shared realstack recipe's seed.py), so that the same
migration can run against a real 7.1 manager and against this simulator and end alike.

Tenants default_tenant, tenant_a, tenant_b; blueprints bp-root (two Root nodes), bp-compute (a
Compute host with `install_method: none`) and bp-agent (a Compute host with `install_method:
remote` whose agent was never installed); deployments (installed or not):

    default_tenant: root-1 (yes), root-2 (no), compute-1 (yes), compute-2 (no), agent-1 (yes)
    tenant_a:       a-compute (yes), a-root (yes)
    tenant_b:       b-root (no)

Measured outcome of install_new_agents after a migration of that seed: compute-1 and a-compute
succeed (no agent to move: install_method none), agent-1 fails ("cloudify_agent key not available
in runtime_properties"), root-1 and a-root have no Compute node (the workflow is not declared),
and the three uninstalled ones are skipped.
"""

from __future__ import annotations

import random

from .clock import iso
from .inventory import Inventory
from .profiles import Profile
from .seed import BASE_TS, DeploymentShape, _seed_deployment
from .seed_records import blueprint_record, tenant_record, user_record

#: (tenant, deployment, blueprint, installed)
REALSTACK: tuple[tuple[str, str, str, bool], ...] = (
    ("default_tenant", "root-1", "bp-root", True),
    ("default_tenant", "root-2", "bp-root", False),
    ("default_tenant", "compute-1", "bp-compute", True),
    ("default_tenant", "compute-2", "bp-compute", False),
    ("default_tenant", "agent-1", "bp-agent", True),
    ("tenant_a", "a-compute", "bp-compute", True),
    ("tenant_a", "a-root", "bp-root", True),
    ("tenant_b", "b-root", "bp-root", False),
)


def _shape(dep_id: str, bp_id: str) -> DeploymentShape:
    """bp-root: no Compute node; bp-compute: install_method none; bp-agent: remote, never installed."""
    if bp_id == "bp-root":
        return DeploymentShape(dep_id, has_compute=False)
    if bp_id == "bp-agent":
        return DeploymentShape(dep_id, method="remote", agentless=True)
    return DeploymentShape(dep_id, method="none")


def seed_realstack(
    profile: Profile, *, admin_hash: str, manager_ip: str, networks: list[str], clean: bool = False
) -> Inventory:
    """The realstack seed's inventory (see the module docstring); only the admin when `clean`."""
    rng = random.Random(7)
    inv = Inventory()
    created = iso(BASE_TS)
    inv.users["admin"] = user_record("admin", "sys_admin", admin_hash, {"default_tenant": "user"}, created)
    inv.users["admin"]["_bootstrap_admin"] = True
    inv.tenants["default_tenant"] = tenant_record("default_tenant")
    if clean:
        return inv
    era = profile.types_eras[-1]
    for i, (tenant, dep_id, bp_id, installed) in enumerate(REALSTACK):
        inv.tenants.setdefault(tenant, tenant_record(tenant))
        if (tenant, bp_id) not in inv.blueprints:
            ts = iso(BASE_TS + 3600 + len(inv.blueprints))
            inv.blueprints[(tenant, bp_id)] = blueprint_record(tenant, bp_id, era, ts)
        shape = _shape(dep_id, bp_id)
        _seed_deployment(
            inv,
            rng,
            profile,
            i,
            tenant,
            bp_id,
            era,
            installed=installed,
            manager_ip=manager_ip,
            networks=networks,
            extra_nodes=1,
            shape=shape,
        )
    inv.reindex()
    return inv
