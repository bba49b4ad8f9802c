"""The read-only checks of the two other uses of a snapshot.

A backup has no new manager: the old manager, the local disk, and what a later restore of its
archive will need. A restore has no old manager (it is lost): the archive stands for it — its
integrity, format and version against the new manager, and the IP its agents will look for. The
agents of a lost manager reconnect only to a manager that answers on the old IP (Cloudify's own
snapshot documentation: "you will need to have the same IP assigned to the new manager"), so a
new manager with another IP is a FAIL that only a waiver by name gets past.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.models import ManagerNode, VersionInfo, parse_manager_version
from wizard.migration.archive import format_finding, inspect_archive, version_finding
from wizard.migration.checks import local_checks, new_checks, old_checks
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.checks.snapshot_format import snapshot_format
from wizard.migration.config import MigrationConfig
from wizard.migration.findings import Finding, Status
from wizard.migration.snapshot_facts import SnapshotFacts, read_facts

if TYPE_CHECKING:
    from wizard.migration.stages.preflight import PreflightResult


def collect_backup(config: MigrationConfig, old_client: ManagerClient) -> PreflightResult:
    """old.* checks, the format a later 7.x restore will need, and the local disk."""
    from wizard.migration.stages.preflight import PreflightResult

    old = old_checks(old_client, config.old, config)
    findings = list(old.findings)
    if old.probe.usable:
        findings.append(snapshot_format(old.probe, None, repair=config.repair_community_archive))
    findings += local_checks(config)
    return PreflightResult(findings, old.inventory, old.census, managers={"old": old.probe.to_json()})


def lost_probe(config: MigrationConfig, facts: SnapshotFacts) -> ManagerProbe:
    """The lost old manager as its archive describes it (never reachable)."""
    probe = ManagerProbe("old", config.old.url, config.old.credentials.tenant)
    ips = facts.manager_ips or []
    if ips:
        hostname = facts.hostnames[0] if facts.hostnames else ""
        probe.nodes = [ManagerNode(hostname, ips[0], ips[1] if len(ips) > 1 else "")]
    return probe


def lost_ip_rule(
    old: ManagerProbe, new: ManagerProbe, *, installed: int | None, restore_certificates: bool = False
) -> Finding:
    """pair.ip-rule when the old manager is lost: its agents reconnect only to a manager that
    answers on its IP (the IP is read from the archive's certificates) and that they trust (its
    certificates, which only a restore with restore_certificates brings back)."""
    data: dict[str, Any] = {"old_ip": old.primary_ip, "new_ip": new.primary_ip, "lost": True}
    if not old.ips:
        return Finding(
            "pair.ip-rule",
            Status.FAIL,
            "The archive does not say the old manager's IP",
            "Agents of a lost manager reconnect only to a manager with its IP; this archive names none.",
            "Give the old manager's address as it was with --old https://IP, or waive pair.ip-rule if no "
            "agent has to reconnect (the report will say that they will not).",
            data=data,
        )
    same = old.ips & new.ips
    data["same_ip"] = bool(same)
    if same and (restore_certificates or installed == 0):
        return Finding(
            "pair.ip-rule",
            Status.PASS,
            "The new manager has the lost manager's IP",
            f"{', '.join(sorted(same))}: the old agents reconnect to it after the restore"
            + (", which gives it the lost manager's certificates." if restore_certificates else "."),
            data=data,
        )
    if same:
        return Finding(
            "pair.ip-rule",
            Status.WARN,
            "The new manager has the lost manager's IP, but not its certificates",
            f"{', '.join(sorted(same))}: the old agents will reach it, but they trust the lost manager's CA, "
            "and the new manager's broker has another one; only a restore with restore_certificates gives "
            "it the old certificates (Cloudify's upgrade guide: restore with --restore-certificates when "
            "the IP is kept).",
            "Add --restore-certificates (the manager takes the old certificates and reboots), or expect "
            "install_new_agents to be needed for every host.",
            data=data,
        )
    if installed == 0:
        return Finding(
            "pair.ip-rule",
            Status.PASS,
            "Another IP, but no installed deployment",
            f"old {old.primary_ip} vs new {new.primary_ip or '?'}: the archive holds no agent to reconnect.",
            data=data,
        )
    return Finding(
        "pair.ip-rule",
        Status.FAIL,
        "The new manager does not have the lost manager's IP",
        f"The archive's manager answered on {', '.join(sorted(old.ips))}; the new manager reports "
        f"{', '.join(sorted(new.ips)) or 'no IP'}. The old manager is lost, so install_new_agents cannot "
        "reach the old agents through it: the agents of "
        f"{installed if installed is not None else 'the installed'} deployments will NOT reconnect.",
        f"Give the new manager the IP {old.primary_ip} (reinstall it with that address), or waive "
        "pair.ip-rule to restore the data anyway: the report then lists every deployment whose agents "
        "stay disconnected.",
        data=data,
    )


def collect_restore(
    config: MigrationConfig, new_client: ManagerClient, *, check_clean: bool = True
) -> tuple[PreflightResult, SnapshotFacts | None]:
    """The archive (archive.*), the new manager against it (new.*), the IP rule for a lost
    manager, and the local host."""
    from wizard.migration.stages.preflight import PreflightResult

    archive = config.archive
    assert archive is not None  # a restore always has one (config.py)
    info, archive_findings = inspect_archive(Path(archive), None)
    facts = read_facts(Path(archive)) if info.ok else None
    old = lost_probe(config, facts or SnapshotFacts())
    if info.snapshot_version:
        old.version = VersionInfo(info.snapshot_version, "")
    new = new_checks(
        new_client,
        config.new_manager,
        old,
        archive_networks=info.networks or None,
        snapshot_version=info.snapshot_version or None,
        check_clean=check_clean,
    )
    new_version = new.probe.parsed_version
    if info.ok and new_version is not None:
        # now that the new manager's version is known: the format and version verdicts against it
        archive_findings = [f for f in archive_findings if f.id not in ("archive.format", "archive.version")]
        archive_findings.append(format_finding(info, new_version, repair=config.repair_community_archive))
        archive_findings.append(version_finding(parse_manager_version(info.snapshot_version), new_version))
    findings = archive_findings + new.findings
    inventory = facts.inventory if facts else None
    if new.probe.usable:
        installed = inventory.total("installed") if inventory else None
        rule = lost_ip_rule(
            old, new.probe, installed=installed, restore_certificates=config.restore.restore_certificates
        )
        findings.append(rule)
    findings += local_checks(config, snapshot_size=0)
    managers = {"old": {**old.to_json(), "lost": True}, "new": new.probe.to_json()}
    return PreflightResult(findings, inventory, managers=managers), facts


__all__ = ["collect_backup", "collect_restore", "lost_ip_rule", "lost_probe"]
