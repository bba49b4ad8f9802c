"""Where a restore's "old manager" comes from when that manager is lost: the archive the user gives
(--archive), the IP its certificates name (the address the agents know) and its admin user."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wizard.migration.config import Mode
from wizard.migration.errors import ConfigError


def given_archive(s: Mapping[str, Any], mode: Mode) -> Path | None:
    """--archive: an existing, readable file (required to restore; not for a backup)."""
    value = s.get("archive")
    if not value:
        if mode is Mode.RESTORE:
            raise ConfigError(
                "A restore needs the archive to restore.", "Give it with --archive FILE (a snapshot .zip)."
            )
        return None
    if mode is Mode.BACKUP:
        raise ConfigError("A backup makes its own archive.", "Leave --archive out of `cfy-migrate backup`.")
    path = Path(str(value)).expanduser().resolve()
    if not path.is_file():
        raise ConfigError(f"The archive {path} does not exist or is not a file.", "Check the --archive path.")
    return path


def lost_manager_url(archive: Path) -> str:
    """The lost old manager's address as its archive names it (the IP in its certificates)."""
    from wizard.migration.snapshot_facts import read_certificate_ips

    try:
        ips = read_certificate_ips(archive)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"The archive {archive} cannot be read: {exc}.",
            "Check that it is a whole snapshot .zip (compare its sha256 with the backup's manifest).",
        ) from None
    if not ips:
        raise ConfigError(
            f"The archive {archive} does not name its manager's IP (no manager certificate in it).",
            "Give the old manager's address as it was with --old https://IP.",
        )
    host = f"[{ips[0]}]" if ":" in ips[0] else ips[0]
    return f"https://{host}"


def lost_manager_admin(archive: Path) -> str:
    """The lost manager's admin user as its archive names it ('admin' when it does not say)."""
    from wizard.migration.snapshot_facts import read_admin_username

    try:
        return read_admin_username(archive) or "admin"
    except (OSError, ValueError):
        return "admin"
