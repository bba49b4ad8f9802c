"""The three uses of a snapshot as the wizard offers them on its Connect page: what each is called
and what it means for the user, the plan of steps it runs (so the sidebar follows the choice
before anything is built), which managers' forms it needs, and its fields checked and turned into
the engine's settings. No Textual here: the session and the Connect page share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wizard.migration.config import Mode
from wizard.migration.errors import ConfigError
from wizard.migration.steps import StepId, plan_steps
from wizard.tui.options import ManagerForm, UseForm

#: the choice's labels, in the order the Connect page offers them
LABELS: dict[Mode, str] = {
    Mode.MIGRATE: "Migrate to a new manager",
    Mode.BACKUP: "Back up only",
    Mode.RESTORE: "Restore an archive (old manager lost)",
}

#: one explanation per use, shown under the choice
EXPLANATIONS: dict[Mode, str] = {
    Mode.MIGRATE: (
        "Both managers online: snapshot, restore on the new one, move the agents. Keep the old "
        "manager online until the agents have moved."
    ),
    Mode.BACKUP: (
        "One manager: its snapshot goes into a backup directory with a manifest. [b]The archive holds "
        "its credentials, keys and password hashes[/b]: keep it private."
    ),
    Mode.RESTORE: (
        "The old manager is gone: its archive goes onto the new one. [b]The new manager must have the "
        "old one's IP[/b] (the archive names it): agents reconnect only to it."
    ),
}

#: the Connect page's heading per use
HEADINGS: dict[Mode, str] = {
    Mode.MIGRATE: "Connect to both managers",
    Mode.BACKUP: "Connect to the manager to back up",
    Mode.RESTORE: "The archive and the new manager",
}

#: why the restore asks for the lost manager's admin password
LOST_PASSWORD_NOTE = (
    "User and Password: the [b]lost[/b] manager's admin. After the restore the new manager's admin "
    "password becomes this one; the wizard logs in with it again."
)

#: what the repair does, beside its checkbox
REPAIR_NOTE = (
    "Repair: a copy with the two metadata keys a community manager leaves out is restored; the original "
    "is kept; the inventory check proves the result."
)


def plan_of(use: UseForm) -> tuple[StepId, ...]:
    """The steps this use runs (as the engine will plan them)."""
    makes_snapshot = use.mode is Mode.MIGRATE and not use.archive.strip()
    return plan_steps(use.mode.value, makes_snapshot=makes_snapshot)


def labels_of(mode: Mode) -> tuple[str, ...]:
    """The managers whose forms this use needs ("old" stands for the lost manager in a restore)."""
    return ("old",) if mode is Mode.BACKUP else ("old", "new")


def archive_path(use: UseForm) -> Path | None:
    """The archive field as a path (None when empty)."""
    text = use.archive.strip()
    return Path(text).expanduser() if text else None


def use_problem(use: UseForm) -> tuple[str, str, ConfigError] | None:
    """The first problem of the use's own fields: (form, field, error) in the wizard's words."""
    archive = archive_path(use) if use.mode is not Mode.BACKUP else None
    if use.mode is Mode.RESTORE and archive is None:
        return (
            "archive",
            "archive",
            ConfigError(
                "A restore needs the archive to restore.",
                "Type the path of the snapshot .zip (e.g. a backup's cfy-backup-….zip) in the Archive field.",
            ),
        )
    if archive is not None and not archive.is_file():
        return (
            "archive",
            "archive",
            ConfigError(
                f"The archive {archive} does not exist or is not a file.",
                "Check the path in the Archive field"
                + (" (or clear it to make a new snapshot)." if use.mode is Mode.MIGRATE else "."),
            ),
        )
    if use.mode is Mode.BACKUP and use.keep.strip():
        text = use.keep.strip()
        if not text.isdigit() or int(text) < 1:
            return (
                "backup",
                "keep",
                ConfigError(
                    f"Keep {text!r} is not a number of backups.",
                    "Type how many of this manager's backups to keep (e.g. 7), or leave it empty to keep "
                    "all.",
                ),
            )
    return None


def lost_manager_problem(form: ManagerForm) -> tuple[str, ConfigError] | None:
    """A restore's lost manager has no address to type (the archive names it) but needs its
    admin password: the new manager takes it with the restore."""
    if not form.password:
        return "password", ConfigError(
            "No password for the lost manager's admin.",
            "Type it in the Password field under the Archive: after the restore the new manager's admin "
            "password becomes it.",
        )
    return None


def use_overrides(use: UseForm) -> dict[str, Any]:
    """The use's fields as the engine's settings (see wizard/migration/settings.py)."""
    archive = archive_path(use)
    overrides: dict[str, Any] = {
        "archive": str(archive) if archive is not None and use.mode is not Mode.BACKUP else None,
        "repair_community_archive": True
        if use.repair_community_archive and use.mode is not Mode.BACKUP
        else None,
    }
    if use.mode is Mode.BACKUP:
        overrides["backup.dir"] = use.backup_dir.strip() or None
        overrides["backup.keep"] = int(use.keep) if use.keep.strip().isdigit() else None
    return overrides


def use_from_options(options: Mapping[str, Any]) -> UseForm:
    """The use a journaled migration was started with (its config's secret-free view)."""
    try:
        mode = Mode(str(options.get("mode") or Mode.MIGRATE))
    except ValueError:
        mode = Mode.MIGRATE
    raw = options.get("backup")
    backup: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    keep = backup.get("keep")
    return UseForm(
        mode=mode,
        archive=str(options.get("archive") or ""),
        repair_community_archive=bool(options.get("repair_community_archive")),
        backup_dir=str(backup.get("directory") or "") if mode is Mode.BACKUP else "",
        keep=str(keep) if keep else "",
    )
