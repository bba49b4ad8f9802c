"""The read-only checks: both managers and this host before anything is touched, the new manager
again against the archive, and the re-checks right before the upload and the restore.

They know what this migration has already done: once its restore reached the new manager, that
manager is "restored by this migration", not "dirty", and its admin password may be the old
manager's (the checks log in with whichever works).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.models import ManagerNode, VersionInfo
from wizard.migration.census import Census
from wizard.migration.checks import ManagerFacts, local_checks, new_checks, old_checks, pair_checks
from wizard.migration.checks.probe import ManagerProbe, probe_manager
from wizard.migration.checks.snapshot_format import snapshot_format
from wizard.migration.config import MigrationConfig, Mode
from wizard.migration.context import Context
from wizard.migration.findings import Finding, Status
from wizard.migration.gate import gate, require
from wizard.migration.inventory import Inventory
from wizard.migration.stages.preflight_modes import collect_backup, collect_restore, lost_ip_rule
from wizard.migration.state import CensusRecord, MigrationState
from wizard.migration.state.records import record_from
from wizard.migration.steps import StepId, StepOutcome
from wizard.migration.storage import utc_now

NEW_CHECKED_LATER = ("new.clean", "new.plugins-secrets")


@dataclass
class PreflightResult:
    """Every finding of a preflight, the old manager's inventory and both probes (no secrets)."""

    findings: list[Finding] = field(default_factory=list)
    inventory: Inventory | None = None
    census: Census | None = None
    managers: dict[str, dict[str, Any]] = field(default_factory=dict)


def restored_finding(state: MigrationState) -> Finding:
    """new.clean once this migration's restore reached the new manager."""
    return Finding(
        "new.clean",
        Status.PASS,
        "Restored by this migration",
        f"The new manager holds snapshot {state.snapshot.id}, restored by migration {state.migration_id} "
        f"(execution {state.restore.execution_id}); it is not expected to be clean any more.",
    )


def collect(
    config: MigrationConfig,
    old_client: ManagerClient,
    new_client: ManagerClient | None,
    state: MigrationState | None,
) -> PreflightResult:
    """Run every read-only check on both managers and the local host (for a backup: the old
    manager; for a restore: the archive and the new manager)."""
    restored = state is not None and state.restore.posted
    if config.mode is Mode.BACKUP:
        return collect_backup(config, old_client)
    assert new_client is not None  # every use but a backup has a new manager
    if config.mode is Mode.RESTORE:
        result, _facts = collect_restore(config, new_client, check_clean=not restored)
        if restored and state is not None:
            result.findings = [
                restored_finding(state) if f.id == "new.clean" else _while_restoring(f)
                for f in result.findings
            ]
        return result
    frozen_at = state.freeze.activated_at if state is not None and state.freeze.held else None
    old = old_checks(old_client, config.old, config, frozen_at=frozen_at)
    new = new_checks(
        new_client,
        config.new_manager,
        old.probe,
        check_clean=not restored,
        old_facts=old.facts,
        legacy_restore=legacy_restore(config, old.probe, state.archive.format if state else ""),
    )
    if restored and state is not None:
        new.findings = [f for f in new.findings if f.id != "new.clean"] + [restored_finding(state)]
        old_pw, new_pw = config.old.credentials.password, config.new_manager.credentials.password
        if new.probe.usable and new_client.credentials.password == old_pw != new_pw:
            new.findings = [_auth_after_restore(f) if f.id == "new.auth" else f for f in new.findings]
        if not state.is_done(StepId.RESTORE):
            # the restore restarts the REST service and swaps the passwords: not a blocker
            new.findings = [_while_restoring(f) for f in new.findings]
    installed = old.inventory.total("installed") if old.inventory else None
    pair = pair_checks(
        config, old.probe, new.probe, installed=installed, old_facts=old.facts, new_facts=new.facts
    )
    findings = old.findings + new.findings + pair
    if old.probe.usable and new.probe.usable and config.makes_snapshot:
        findings.append(snapshot_format(old.probe, new.probe, repair=config.repair_community_archive))
    if config.agents.tenants and old.probe.usable:
        findings.append(agent_tenants_finding(config.agents.tenants, old.probe.tenants))
    findings += local_checks(config)
    if config.restore.restore_certificates and not any(f.id == "pair.ip-rule" for f in findings):
        findings.append(
            Finding(
                "pair.ip-rule",
                Status.FAIL,
                "Cannot tell whether certificates may be restored",
                "The managers' IPs are unknown.",
                "Drop restore_certificates.",
            )
        )
    managers = {"old": old.probe.to_json(), "new": new.probe.to_json()}
    if old.facts is not None:
        managers["old"]["facts"] = old.facts.to_json()
    return PreflightResult(findings, old.inventory, old.census, managers)


def legacy_restore(config: MigrationConfig, old: ManagerProbe, archive_format: str = "") -> bool:
    """Whether the archive restores through the legacy path: the inspected format when known,
    else every snapshot of a manager before 7.0, and a 7.x one made with `legacy`."""
    if archive_format:
        return archive_format.startswith("legacy")
    version = old.parsed_version
    return version is None or version.major < 7 or config.snapshot.legacy


def agent_tenants_finding(wanted: tuple[str, ...], known: list[str]) -> Finding:
    """pair.agent-tenants: every tenant named in --agent-tenants exists (a typo would move
    nothing and still let the report allow decommissioning)."""
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        return Finding(
            "pair.agent-tenants",
            Status.FAIL,
            "Unknown tenants in --agent-tenants",
            f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a tenant of the old manager.",
            f"Name tenants it has: {', '.join(sorted(known))} (or leave --agent-tenants out for all).",
        )
    return Finding("pair.agent-tenants", Status.PASS, "The agents' tenants exist", ", ".join(wanted))


def _while_restoring(found: Finding) -> Finding:
    """A new-manager finding while this migration's restore may still run there."""
    if found.id not in ("new.reachable", "new.auth") or not found.blocking:
        return found
    return Finding(
        found.id,
        Status.WARN,
        f"{found.title} (the restore started by this migration may still be running)",
        f"{found.detail} A restore restarts the REST service and switches the admin password; "
        "this is expected until it ends.",
        "Go on: the Restore step follows the running restore to its end and logs in again.",
        data=found.data,
    )


def _auth_after_restore(found: Finding) -> Finding:
    """new.auth when the new manager took the old manager's admin password in the restore."""
    return Finding(
        "new.auth",
        found.status,
        "Logged in with the OLD manager's admin password",
        "This migration's restore gave the new manager the old manager's users: its own admin password "
        "no longer works, the old one does (as after every legacy restore).",
        "Log in to the new manager with the old manager's admin password from now on.",
    )


def run_old(ctx: Context, result: PreflightResult) -> StepOutcome:
    """The preflight step: journal what it saw and gate on its findings."""
    ctx.state.managers.update(result.managers)
    if result.inventory is not None and not ctx.state.is_done(StepId.CREATE_SNAPSHOT):
        ctx.state.inventory.old = result.inventory.to_json()
    if result.census is not None and not ctx.state.is_done(StepId.CREATE_SNAPSHOT):
        record_census(ctx, result.census)
    return gate(ctx, StepId.PREFLIGHT_OLD, "preflight", result.findings)


def record_census(ctx: Context, census: Census) -> None:
    """Journal the old manager's census (the report's table and the decommissioning advice)."""
    ctx.state.census = record_from(CensusRecord, {**census.to_json(), "taken_at": utc_now()})


def old_probe_from_state(ctx: Context) -> ManagerProbe:
    """A probe of the old manager rebuilt from the journal (no request to the old manager)."""
    info = ctx.state.managers.get("old", {})
    probe = ManagerProbe("old", ctx.config.old.url, ctx.config.old.credentials.tenant)
    if info.get("version"):
        probe.version = VersionInfo(str(info["version"]), str(info.get("edition") or ""))
    nets = {str(n): "" for n in info.get("networks") or []}
    if info.get("ip") or nets:
        ip = str(info.get("ip") or "")
        others = [str(x) for x in info.get("ips") or [] if str(x) != ip]
        probe.nodes = [
            ManagerNode(str(info.get("hostname") or ""), ip, others[0] if others else "", networks=nets)
        ]
    return probe


def _old_probe(ctx: Context) -> ManagerProbe:
    """The old manager as it answers now, completed from the journal where it does not (a lost
    manager is never asked: the journal holds what its archive said)."""
    if not ctx.config.old_online:
        return old_probe_from_state(ctx)
    probe, _ = probe_manager("old", ctx.old, ctx.config.old.url, ctx.config.old.credentials.tenant)
    journaled = old_probe_from_state(ctx)
    if not probe.nodes:
        probe.nodes = journaled.nodes
    if probe.version is None:
        probe.version = journaled.version
    return probe


def old_facts_from_state(ctx: Context) -> ManagerFacts | None:
    """The old manager's facts as the first preflight journaled them (LDAP, edition, plugins)."""
    return ManagerFacts.from_json("old", ctx.state.managers.get("old", {}).get("facts"))


def _installed(ctx: Context) -> int | None:
    old = ctx.state.inventory.old
    return Inventory.from_json(old).total("installed") if old else None


def _pair(
    ctx: Context,
    old: ManagerProbe,
    new: ManagerProbe,
    *,
    installed: int | None,
    new_facts: ManagerFacts | None = None,
) -> list[Finding]:
    """The pair rules; for a lost old manager the IP rule of a restore from an archive."""
    if not ctx.config.old_online:
        rule = lost_ip_rule(
            old, new, installed=installed, restore_certificates=ctx.config.restore.restore_certificates
        )
        return [rule] if new.usable else []
    return pair_checks(
        ctx.config, old, new, installed=installed, old_facts=old_facts_from_state(ctx), new_facts=new_facts
    )


def run_new(ctx: Context) -> StepOutcome:
    """The new manager against the archive (version order, networks) and the pair rules."""
    a = ctx.state.archive
    old_probe = _old_probe(ctx)
    restored = ctx.state.restore.posted
    new = new_checks(
        ctx.new,
        ctx.config.new_manager,
        old_probe,
        archive_networks=a.networks or None,
        snapshot_version=a.snapshot_version or None,
        check_clean=not restored,
        old_facts=old_facts_from_state(ctx),
        legacy_restore=legacy_restore(ctx.config, old_probe, a.format),
    )
    if restored and new.probe.usable:
        new.findings.append(restored_finding(ctx.state))
    findings = new.findings + _pair(ctx, old_probe, new.probe, installed=_installed(ctx), new_facts=new.facts)
    findings += [
        Finding.from_json(f) for f in ctx.state.findings.get("archive", []) if f.get("id") == "archive.format"
    ]
    if new.probe.usable:
        ctx.state.managers["new"] = new.probe.to_json()
    return gate(ctx, StepId.PREFLIGHT_NEW, "new", findings)


def recheck_new(ctx: Context, step: StepId) -> list[Finding]:
    """Re-run the new manager's checks right before a destructive step (it may have got dirty)."""
    a = ctx.state.archive
    old_probe = old_probe_from_state(ctx)
    result = new_checks(
        ctx.new,
        ctx.config.new_manager,
        old_probe,
        archive_networks=a.networks or None,
        snapshot_version=a.snapshot_version or None,
        old_facts=old_facts_from_state(ctx),
        legacy_restore=legacy_restore(ctx.config, old_probe, a.format),
    )
    require(ctx, step, result.findings)
    return result.findings


def recheck_agents(ctx: Context, step: StepId, extra: Sequence[Finding] = ()) -> None:
    """Right before moving agents: the new manager answers, and the old one does when IPs differ;
    `extra` findings (what changed on the old manager since the snapshot) are shown with them."""
    from wizard.migration.checks.probe import health_finding

    new_probe, findings = probe_manager(
        "new", ctx.new, ctx.config.new_manager.url, ctx.config.new_manager.credentials.tenant
    )
    if new_probe.usable:
        findings.append(health_finding(new_probe))
    old_probe = _old_probe(ctx)
    findings.extend(
        f for f in _pair(ctx, old_probe, new_probe, installed=_installed(ctx) or 1) if f.id == "pair.ip-rule"
    )
    findings.extend(extra)
    require(ctx, step, findings)
