"""The migration's steps in flow order, their human titles, and what a step can end as."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from wizard.migration.findings import Finding


class StepId(StrEnum):
    """The steps of a migration, in the order they run."""

    PREFLIGHT_OLD = "preflight_old"
    CREATE_SNAPSHOT = "create_snapshot"
    DOWNLOAD = "download"
    IMPORT_ARCHIVE = "import_archive"
    INSPECT_ARCHIVE = "inspect_archive"
    PUBLISH_BACKUP = "publish_backup"
    PREFLIGHT_NEW = "preflight_new"
    UPLOAD = "upload"
    RESTORE = "restore"
    REAUTHENTICATE = "reauthenticate"
    VERIFY_INVENTORY = "verify_inventory"
    INSTALL_AGENTS = "install_agents"
    REPORT = "report"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """The human title shown in the plan, the progress lines and the report (`str.title`
        is taken by str, hence the name; TITLES[step] is the same)."""
        return TITLES[self]

    @property
    def destructive(self) -> bool:
        """True for steps that change a manager (checks are re-run right before them)."""
        return self in DESTRUCTIVE


TITLES: dict[StepId, str] = {
    StepId.PREFLIGHT_OLD: "Check both managers before touching anything",
    StepId.CREATE_SNAPSHOT: "Create a snapshot on the old manager",
    StepId.DOWNLOAD: "Download the snapshot",
    StepId.IMPORT_ARCHIVE: "Take the archive you gave",
    StepId.INSPECT_ARCHIVE: "Inspect the snapshot archive",
    StepId.PUBLISH_BACKUP: "Keep the backup and its manifest",
    StepId.PREFLIGHT_NEW: "Check the new manager against the snapshot",
    StepId.UPLOAD: "Upload the snapshot to the new manager",
    StepId.RESTORE: "Restore the snapshot on the new manager",
    StepId.REAUTHENTICATE: "Log in to the new manager again",
    StepId.VERIFY_INVENTORY: "Compare the inventory, old and new",
    StepId.INSTALL_AGENTS: "Install new agents for installed deployments",
    StepId.REPORT: "Write the report",
}

DESTRUCTIVE = frozenset({StepId.CREATE_SNAPSHOT, StepId.UPLOAD, StepId.RESTORE, StepId.INSTALL_AGENTS})

#: every step, in flow order
ORDER: tuple[StepId, ...] = tuple(StepId)
#: what comes after the archive is safe on disk, for every use that restores it
_RESTORE_STEPS = (
    StepId.INSPECT_ARCHIVE,
    StepId.PREFLIGHT_NEW,
    StepId.UPLOAD,
    StepId.RESTORE,
    StepId.REAUTHENTICATE,
    StepId.VERIFY_INVENTORY,
    StepId.INSTALL_AGENTS,
    StepId.REPORT,
)


#: titles that differ by the use of the snapshot (a backup has no new manager, a restore no old one)
_TITLES_BY_MODE: dict[tuple[str, StepId], str] = {
    ("backup", StepId.PREFLIGHT_OLD): "Check the manager before touching anything",
    ("restore", StepId.PREFLIGHT_OLD): "Check the archive and the new manager before touching anything",
    ("restore", StepId.VERIFY_INVENTORY): "Compare the inventory, archive and new",
}


def step_title(step: StepId, mode: str) -> str:
    """The step's title in this use of a snapshot (migrate, backup, restore)."""
    return _TITLES_BY_MODE.get((mode, step), step.label)


def plan_steps(mode: str, *, makes_snapshot: bool) -> tuple[StepId, ...]:
    """The steps of one use of a snapshot, in order: a migration (a new snapshot, or an archive
    the user gave), a backup (no new manager), a restore (no old manager)."""
    if mode == "backup":
        return (
            StepId.PREFLIGHT_OLD,
            StepId.CREATE_SNAPSHOT,
            StepId.DOWNLOAD,
            StepId.INSPECT_ARCHIVE,
            StepId.PUBLISH_BACKUP,
            StepId.REPORT,
        )
    source = (StepId.CREATE_SNAPSHOT, StepId.DOWNLOAD) if makes_snapshot else (StepId.IMPORT_ARCHIVE,)
    return (StepId.PREFLIGHT_OLD, *source, *_RESTORE_STEPS)


class Outcome(StrEnum):
    """How one step ended."""

    DONE = "done"
    ALREADY_DONE = "already-done"
    SKIPPED = "skipped"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"
    #: a restore in flight stopped being followed: it goes on on the new manager
    DETACHED = "detached"
    #: the person (or a run without --yes) did not allow the upload and restore
    DECLINED = "declined"
    #: the step found an earlier step's result gone or changed; that step runs again
    REWOUND = "rewound"

    def __str__(self) -> str:
        return self.value

    @property
    def ok(self) -> bool:
        """True when the flow may go on to the next step."""
        return self in {Outcome.DONE, Outcome.ALREADY_DONE, Outcome.SKIPPED}


@dataclass(frozen=True)
class StepOutcome:
    """What run_step returns: the outcome, a one-line detail, and any findings it produced.

    `remediation` is set on failures (what the user should do next).
    """

    step: StepId
    outcome: Outcome
    detail: str = ""
    remediation: str = ""
    findings: tuple[Finding, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PlannedStep:
    """A line of the plan: the step, its title and its state from the journal.

    `state` is `pending`, `done` or `failed` (`done` covers done, already-done and skipped).
    """

    step: StepId
    title: str
    state: str
    detail: str = ""
