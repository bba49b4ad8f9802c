"""pair.snapshot-format: which archive format this migration will use, decided BEFORE a snapshot is
made, from the two managers' /version (edition and version).

A 7.x manager restores an archive by the legacy (database) path only when metadata.json has
`schema_revision`, `stage_schema_revision` and `composer_schema_revision`; a community manager
(of any version) writes the first key only, so a 7.x manager takes its archive for the new format
and restores NOTHING while reporting success. The new format itself is premium-only (a community
7.x manager fails such a snapshot with "404: This feature exists only in the premium edition").
So a community old manager can reach a 7.x new manager only through the opt-in repair
(`--repair-community-archive`, see archive_repair.py), and the restore is then proven by the
inventory check.
"""

from __future__ import annotations

from packaging.version import Version

from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.findings import Finding, Status

SEVEN = Version("7.0.0")
REPAIR_FLAG = "--repair-community-archive"


def _edition(p: ManagerProbe) -> str:
    return (p.version.edition if p.version else "").lower()


def snapshot_format(old: ManagerProbe, new: ManagerProbe | None, *, repair: bool) -> Finding:
    """pair.snapshot-format (see the module docstring). `new` is None for a backup: the finding
    then says what a later restore onto a 7.x manager will need."""
    ov = old.parsed_version
    nv = new.parsed_version if new is not None else None
    fid = "pair.snapshot-format"
    if ov is None or (new is not None and nv is None):
        return Finding(fid, Status.SKIP, "Snapshot format not decided", "A manager's version is unknown.")
    community = _edition(old) != "premium"
    data = {"old_edition": _edition(old), "new_edition": _edition(new) if new else "", "repair": repair}
    if new is None or nv is None:
        if community:
            return Finding(
                fid,
                Status.WARN,
                "A community archive needs the repair to restore on 7.x",
                f"The old manager is {_edition(old) or 'community'} {ov}: its legacy archive lacks the "
                "stage/composer keys, so a 7.x manager would restore nothing from it as it is.",
                f"Restoring it later onto a 7.x community manager: add {REPAIR_FLAG} to "
                "`cfy-migrate restore` (a repaired copy is restored; this archive stays untouched).",
                data=data,
            )
        return Finding(fid, Status.PASS, "Legacy (database) snapshot", f"Premium {ov}: every key is written.")
    if nv < SEVEN:
        return Finding(
            fid,
            Status.PASS,
            "Legacy (database) snapshot",
            f"A {nv} manager restores any legacy archive by the database path.",
            data=data,
        )
    if not community:
        why = (
            "the legacy format is used: it carries every tenant, user and the admin password, and "
            "the new format is not restorable before 7.0"
        )
        return Finding(
            fid,
            Status.PASS,
            "Legacy (database) snapshot with the stage/composer keys",
            f"The old manager is premium {ov}: its archive has every key a 7.x restore needs; {why}.",
            data=data,
        )
    new_community = _edition(new) != "premium"
    if not repair:
        return Finding(
            fid,
            Status.FAIL,
            "A 7.x manager would restore NOTHING from this community manager's archive",
            f"The old manager is community {ov}: its legacy archive has no stage_schema_revision and "
            f"composer_schema_revision, so the {nv} manager would take it for the new format, restore "
            "nothing and report success. The new format is premium-only.",
            f"Run again with {REPAIR_FLAG}: after the download a repaired copy (the two keys added, the "
            "original kept with both sha256 in the report) is uploaded, and the inventory check proves the "
            "restore.",
            data=data,
        )
    if not new_community:
        return Finding(
            fid,
            Status.FAIL,
            "The repair is for a community new manager only",
            f"A premium {nv} manager restores Stage and Composer data from a legacy archive; a "
            "community archive has none and the repaired keys are empty, which that path has not been "
            "proven to accept.",
            "Restore onto a community 7.x manager, or contact Cloudify support for a community-to-premium "
            "move; waive pair.snapshot-format only to test.",
            data=data,
        )
    return Finding(
        fid,
        Status.WARN,
        "Community archive: a repaired copy will be restored",
        f"The old manager is community {ov}: after the download a copy of its archive gets the two "
        "stage/composer keys (empty: a community manager has no Stage or Composer data), so the "
        f"{nv} manager restores it by the legacy path. The original archive is kept untouched.",
        "Nothing to do: the inventory check after the restore proves that everything arrived.",
        data=data,
    )
