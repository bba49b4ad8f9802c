"""Preflight checks, read-only: each returns Findings with stable ids.

`old_checks`, `new_checks`, `pair_checks` and `local_checks` are the building blocks; the runner
runs all of them at the start (so that a dirty or older new manager blocks BEFORE the old one is
touched) and re-runs the relevant ones right before each destructive step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from wizard.cloudify.client import ManagerClient
from wizard.migration.census import Census
from wizard.migration.checks import identity, options, plugins, rules, topology
from wizard.migration.checks.facts import ManagerFacts, gather
from wizard.migration.checks.local import check_disk, check_state_dir, check_terminal
from wizard.migration.checks.probe import ManagerProbe, health_finding, probe_manager, skipped
from wizard.migration.config import ManagerConfig, MigrationConfig
from wizard.migration.findings import Finding
from wizard.migration.inventory import Inventory

OLD_IDS = [
    "old.admin",
    "old.version",
    "old.health",
    "old.active-executions",
    "old.inventory",
    "old.agents-census",
]
NEW_IDS = [
    "new.bootstrap-admin",
    "new.version-order",
    "new.health",
    "new.clean",
    "new.plugins-secrets",
    "new.networks",
]
#: the manager-level checks (issue 13): licence, LDAP, cluster topology, freeze
OLD_MANAGER_IDS = ["old.licence", "old.ldap", "cluster.old", "old.freeze"]
NEW_MANAGER_IDS = ["new.licence", "new.ldap", "cluster.new"]


def _skip_missing(findings: list[Finding], ids: list[str], why: str) -> None:
    """SKIP findings for the ids not already there (the probe may have said licence already)."""
    have = {f.id for f in findings}
    findings.extend(skipped([i for i in ids if i not in have], why))


@dataclass
class OldResult:
    """The old manager's probe, findings and (when counted) inventory."""

    probe: ManagerProbe
    findings: list[Finding] = field(default_factory=list)
    inventory: Inventory | None = None
    census: Census | None = None
    facts: ManagerFacts | None = None


@dataclass
class NewResult:
    """The new manager's probe and findings."""

    probe: ManagerProbe
    findings: list[Finding] = field(default_factory=list)
    facts: ManagerFacts | None = None


def old_checks(
    client: ManagerClient,
    manager: ManagerConfig,
    config: MigrationConfig,
    *,
    with_inventory: bool = True,
    ignore_snapshot_id: str | None = None,
    frozen_at: str | None = None,
) -> OldResult:
    """old.reachable, old.auth, old.admin, old.version, old.health, old.active-executions,
    old.inventory; old.licence, old.ldap, cluster.old, old.freeze (`frozen_at`: since when this
    migration holds it in maintenance mode)."""
    probe, findings = probe_manager("old", client, manager.url, manager.credentials.tenant)
    result = OldResult(probe, findings)
    if not probe.usable:
        ids = OLD_IDS if with_inventory else OLD_IDS[:-2]
        _skip_missing(
            findings, ids + OLD_MANAGER_IDS, "The old manager is not reachable or refused the login."
        )
        return result
    facts = result.facts = gather(client, probe, plugins=True)
    licence = identity.licence("old", facts)
    findings.append(rules.old_admin(probe))
    findings.append(rules.old_version(probe))
    findings.append(health_finding(probe))
    manager_level = [
        licence,
        identity.old_ldap(facts),
        topology.cluster_old(probe, facts),
        options.old_freeze(client, config, frozen_at=frozen_at),
    ]
    if licence.blocking:
        ids = OLD_IDS[3:] if with_inventory else OLD_IDS[3:-2]
        findings.extend(skipped(ids, "The old manager's licence refuses it (see old.licence)."))
        findings.extend(manager_level)
        return result
    findings.append(
        rules.old_active_executions(
            client, queue=config.snapshot.queue, ignore_snapshot_id=ignore_snapshot_id
        )
    )
    if with_inventory:
        found, result.inventory, result.census = rules.old_inventory(client, config.agents.tenants)
        findings.extend(found)
    findings.extend(manager_level)
    return result


def new_checks(
    client: ManagerClient,
    manager: ManagerConfig,
    old: ManagerProbe,
    *,
    archive_networks: Iterable[str] | None = None,
    snapshot_version: str | None = None,
    check_clean: bool = True,
    old_facts: ManagerFacts | None = None,
    legacy_restore: bool = True,
) -> NewResult:
    """new.reachable, new.auth, new.bootstrap-admin, new.version-order, new.health, new.clean,
    new.plugins-secrets, new.networks; new.licence, new.ldap (against `old_facts`), cluster.new
    (`legacy_restore`: the archive restores through the legacy path)."""
    probe, findings = probe_manager("new", client, manager.url, manager.credentials.tenant)
    result = NewResult(probe, findings)
    if not probe.usable:
        why = "The new manager is not reachable or refused the login."
        _skip_missing(findings, NEW_IDS + NEW_MANAGER_IDS, why)
        return result
    facts = result.facts = gather(client, probe)
    licence = identity.licence("new", facts)
    findings.append(rules.new_bootstrap_admin(probe))
    findings.append(rules.new_version_order(old, probe, snapshot_version))
    findings.append(health_finding(probe))
    if check_clean and licence.blocking:
        findings.extend(
            skipped(
                ["new.clean", "new.plugins-secrets"],
                "The new manager's licence refuses it (see new.licence).",
            )
        )
    elif check_clean:
        findings.append(rules.new_clean(client))
        findings.append(rules.new_plugins_secrets(client, probe.tenants))
    findings.append(rules.new_networks(old, probe, archive_networks))
    findings.append(licence)
    findings.append(identity.new_ldap(old_facts, facts))
    findings.append(topology.cluster_new(probe, facts, legacy_restore=legacy_restore))
    return result


def pair_checks(
    config: MigrationConfig,
    old: ManagerProbe,
    new: ManagerProbe,
    *,
    installed: int | None,
    old_facts: ManagerFacts | None = None,
    new_facts: ManagerFacts | None = None,
) -> list[Finding]:
    """pair.same-manager and pair.ip-rule; with the managers' facts also pair.edition,
    pair.plugins and (with --restore-certificates) pair.certificates."""
    findings = [rules.same_manager(old, new)]
    if not old.usable and not new.usable:
        return findings
    if old_facts is not None or new_facts is not None:
        findings.append(identity.pair_edition(old, new))
        findings.append(plugins.pair_plugins(old_facts, new))
    certificates = options.pair_certificates(config, new, new_managers=len(new.nodes))
    if certificates is not None:
        findings.append(certificates)
    findings.append(
        rules.ip_rule(
            old,
            new,
            installed=installed,
            old_reachable=old.reachable,
            restore_certificates=config.restore.restore_certificates,
        )
    )
    return findings


def local_checks(config: MigrationConfig, snapshot_size: int | None = None) -> list[Finding]:
    """local.disk, local.state-dir, local.terminal."""
    return [check_state_dir(config.state_dir), check_disk(config.state_dir, snapshot_size), check_terminal()]


__all__ = [
    "ManagerFacts",
    "NewResult",
    "OldResult",
    "local_checks",
    "new_checks",
    "old_checks",
    "pair_checks",
]
