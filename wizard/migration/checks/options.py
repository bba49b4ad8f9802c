"""Findings about how the migration will treat the managers: old.freeze (is the old manager kept
from changing after the snapshot?) and pair.certificates (what --restore-certificates does).

- The docs ask for no users on the managers during a migration (upgrading-manager.md, 5.2): a
  change on the old manager after the snapshot is simply not migrated. Maintenance mode stops
  users while the agents' AMQP traffic (and the snapshot and /status endpoints) keep working
  (rest-service/manager_rest/constants.py::ALLOWED_MAINTENANCE_ENDPOINTS).
- A restore with restore_certificates moves the old manager's /etc/cloudify/ssl over the new
  one's and runs `sudo shutdown -r now` unless no_reboot
  (mgmtworker/cloudify_system_workflows/snapshots/snapshot_restore.py::_restore_certificate).
"""

from __future__ import annotations

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import CloudifyError, RequestCancelledError
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.config import MigrationConfig
from wizard.migration.findings import Finding, Status


def old_freeze(client: ManagerClient, config: MigrationConfig, *, frozen_at: str | None = None) -> Finding:
    """old.freeze: users can keep changing the old manager after the snapshot unless it is frozen."""
    if frozen_at:
        return Finding(
            "old.freeze",
            Status.PASS,
            "The old manager is frozen by this migration",
            f"In maintenance mode since {frozen_at}: users are refused, agents keep talking to it.",
        )
    try:
        state = client.maintenance().status
    except RequestCancelledError:
        raise
    except CloudifyError:
        state = ""
    if state in ("activated", "activating"):
        return Finding(
            "old.freeze",
            Status.PASS,
            "The old manager is already in maintenance mode",
            "Users cannot change it; cfy-migrate reads it as an admin and leaves the mode as it is.",
        )
    if config.snapshot.freeze_old:
        return Finding(
            "old.freeze",
            Status.PASS,
            "The old manager will be frozen right after the snapshot",
            "Maintenance mode from the snapshot to the end of the migration (or until a run stops before "
            "the restore): users are refused, agents keep talking to its broker.",
        )
    return Finding(
        "old.freeze",
        Status.WARN,
        "Users can still change the old manager",
        "It stays online for the agents; whatever users change there after the snapshot is not migrated.",
        "Make sure nobody uses it during the migration, or freeze it: --freeze-old (the wizard's "
        "“Freeze the old manager” box) puts it in maintenance mode right after the snapshot and takes "
        "it out at the end.",
    )


def pair_certificates(config: MigrationConfig, new: ManagerProbe, *, new_managers: int) -> Finding | None:
    """pair.certificates (only with --restore-certificates): the reboot, and where TLS is verified."""
    if not config.restore.restore_certificates:
        return None
    if new_managers > 1:
        return Finding(
            "pair.certificates",
            Status.FAIL,
            "Certificates cannot be restored onto a cluster",
            f"The new manager is one of {new_managers}: only the restoring manager would get the old "
            "certificates and reboot, and the cluster's nodes would no longer trust each other.",
            "Drop --restore-certificates: agents move with install_new_agents.",
        )
    if config.restore.no_reboot:
        return Finding(
            "pair.certificates",
            Status.WARN,
            "Old certificates restored without a reboot",
            "The restore puts the old manager's certificates in place but the new manager keeps serving "
            "its own until it restarts; cfy-migrate verifies it with its current CA meanwhile.",
            "Reboot the new manager after the migration, then use the old manager's CA (written next to "
            "the journal) as --new-ca-cert.",
        )
    https = new.url.startswith("https://")
    return Finding(
        "pair.certificates",
        Status.PASS,
        "The new manager reboots after the restore with the old certificates",
        "cfy-migrate waits for the reboot"
        + (
            ", then verifies TLS with the old manager's CA (from the snapshot and --old-ca-cert), "
            "as the new manager then presents the old manager's certificate."
            if https
            else "."
        ),
    )
