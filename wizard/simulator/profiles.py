"""What differs between the manager versions the simulator impersonates (4.6 ... 7.1.0)."""

from __future__ import annotations

from dataclasses import dataclass


def version_tuple(text: str) -> tuple[int, int, int]:
    """Parse a version like cloudify's ManagerVersion: integer parts only, patch padded with 0."""
    head = text.split("-")[0]
    nums: list[int] = []
    for part in head.split("."):
        if part.isdigit():
            nums.append(int(part))
        else:
            break
    while len(nums) < 3:
        nums.append(0)
    return nums[0], nums[1], nums[2]


def version_text(version: tuple[int, int, int]) -> str:
    """Render a parsed version the way restore messages print it (``7.0.4``)."""
    return ".".join(str(n) for n in version)


#: alembic revision written into legacy snapshots, per major line.
SCHEMA_REVISIONS = {
    (4, 6): "a6d00b128933",
    (5, 0): "62a8d746d13b",
    (5, 2): "396303c07e35",
    (6, 4): "272e61bf5f4a",
    (7, 0): "edd6d829a209",
}


#: The version string a profile's manager reports where it is not the profile name itself
#: (the measured 7.1 stack is a development build).
REPORTED_VERSIONS = {"7.1.0": "7.1.0.dev1"}


@dataclass(frozen=True)
class Profile:
    """Feature switches of one manager version; every version check in the simulator goes here."""

    version: str
    edition: str

    @property
    def reported_version(self) -> str:
        """What /version, /managers and agents say (``7.1.0.dev1`` for the 7.1.0 profile)."""
        return REPORTED_VERSIONS.get(self.version, self.version)

    @property
    def snapshot_restoring_flag(self) -> str:
        """The flag file restore logs name: cloudify-common's SNAPSHOT_RESTORE_FLAG_FILE (since 2019,
        the /snapshot-status era; measured on 7.1)."""
        return "/tmp/cloudify/snapshot_restoring"

    @property
    def premium_only_new_snapshots(self) -> bool:
        """Community 7.x: a non-legacy snapshot create fails (its workflow needs premium endpoints)."""
        return self.at_least(7, 0) and not self.premium

    @property
    def vt(self) -> tuple[int, int, int]:
        """The version as a comparable tuple."""
        return version_tuple(self.version)

    def at_least(self, major: int, minor: int = 0, patch: int = 0) -> bool:
        """True if this manager is the given version or newer."""
        return self.vt >= (major, minor, patch)

    @property
    def premium(self) -> bool:
        """Premium edition (stage/composer, /users, license)."""
        return self.edition == "premium"

    @property
    def status_is_list(self) -> bool:
        """4.x /status has a list of systemd services; 5.0.5+ a dict of display names."""
        return not self.at_least(5, 0, 5)

    @property
    def has_managers(self) -> bool:
        """GET /managers exists from 5.0.5."""
        return self.at_least(5, 0, 5)

    @property
    def has_snapshot_status(self) -> bool:
        """GET /snapshot-status exists from 5.0.5."""
        return self.at_least(5, 0, 5)

    @property
    def has_installation_status(self) -> bool:
        """Deployments carry installation_status/deployment_status from 6.0."""
        return self.at_least(6, 0, 0)

    @property
    def has_filtered(self) -> bool:
        """List envelopes carry ``filtered: null`` from 6.0."""
        return self.at_least(6, 0, 0)

    @property
    def has_legacy_flag(self) -> bool:
        """7.x snapshot create takes ``legacy`` and may write the new archive format."""
        return self.at_least(7, 0, 0)

    @property
    def default_legacy(self) -> bool:
        """Server default of ``legacy`` (7.0.0 true, 7.0.1+ false)."""
        return self.vt < (7, 0, 1)

    @property
    def upload_overwrites(self) -> bool:
        """7.x: uploading to an existing id answers 201 with an all-null body instead of 409."""
        return self.at_least(7, 0, 0)

    @property
    def restore_has_outage(self) -> bool:
        """6.x/7.x stop the REST service during the DB swap of a legacy restore."""
        return self.at_least(6, 0, 0)

    @property
    def requires_recreate_envs(self) -> bool:
        """Up to 5.2.7 the restore body must carry recreate_deployments_envs."""
        return not self.at_least(6, 0, 0)

    @property
    def traceback_on_4xx(self) -> bool:
        """4.x puts a traceback string into server_traceback even on 4xx errors."""
        return not self.at_least(5, 0, 0)

    @property
    def has_ok(self) -> bool:
        """GET /ok exists from 6.0."""
        return self.at_least(6, 0, 0)

    @property
    def schema_revision(self) -> str:
        """The alembic head this version writes into legacy snapshots."""
        return SCHEMA_REVISIONS.get(self.vt[:2], "edd6d829a209")

    @property
    def types_eras(self) -> tuple[str, ...]:
        """types.yaml eras a blueprint on this manager may import (older eras stay importable)."""
        if self.at_least(7, 0, 0):
            return ("4.3", "4.6", "6.4", "7.0")
        if self.at_least(6, 4, 0):
            return ("4.3", "4.6", "6.4")
        if self.at_least(5, 0, 0):
            return ("4.3", "4.6", "5.2")
        return ("4.3", "4.6")

    @property
    def maintenance_allowed(self) -> frozenset[str]:
        """First path segments that keep working while maintenance mode is active."""
        if self.at_least(6, 0, 0):
            return frozenset(
                {
                    "brokers",
                    "managers",
                    "db-nodes",
                    "cluster",
                    "config",
                    "status",
                    "version",
                    "license",
                    "maintenance",
                    "cluster-status",
                    "file-server-auth",
                    "ok",
                    "snapshots",
                    "snapshot-status",
                }
            )
        if self.at_least(5, 0, 5):
            return frozenset(
                {
                    "status",
                    "version",
                    "license",
                    "maintenance",
                    "snapshots",
                    "cluster-status",
                    "snapshot-status",
                }
            )
        return frozenset({"status", "version", "license", "maintenance", "snapshots"})

    @property
    def plugin_python(self) -> str:
        """The wagon Python tag this version's mgmtworker runs: Python 2.7 up to 5.0.5
        (packaging/cloudify-mgmtworker.spec @5.0.5), 3.6 on 5.1-6.x (@6.4.2), 3.11 on 7.x
        (@7.0.4, with 3.10 beside it for plugins)."""
        if self.at_least(7, 0):
            return "py311"
        if self.at_least(5, 1):
            return "py36"
        return "py27"

    @property
    def distribution(self) -> tuple[str, str]:
        """(distribution, distro_release) reported by /version and /managers."""
        if self.at_least(7, 0, 0):
            return "rhel", "Ootpa"
        return "centos", "core"
