"""The typed records of one migration's stages: what each stage remembers (ids, sizes,
checksums, intents written before each side effect) and never a secret."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

#: journaled step states that count as "the step is behind us"
DONE_STATES = frozenset({"done", "already-done", "skipped"})

R = TypeVar("R")


def record_from(cls: type[R], data: object) -> R:
    """A record from a JSON dict, tolerant of missing and unknown keys (older or newer tools)."""
    if not isinstance(data, dict):
        return cls()
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


def as_json_dict(record: object) -> dict[str, Any]:
    """A record as a plain JSON-ready dict."""
    return dataclasses.asdict(record)  # type: ignore[call-overload, no-any-return]


@dataclass
class StepRecord:
    """How far one step got: status, first start, last end, attempts, and the seconds it worked
    (time spent waiting for a person is not counted)."""

    status: str = "pending"
    started_at: str | None = None
    finished_at: str | None = None
    detail: str = ""
    attempts: int = 0
    active_seconds: float = 0.0

    @property
    def done(self) -> bool:
        """True when the step is behind us."""
        return self.status in DONE_STATES


@dataclass
class SnapshotRecord:
    """The snapshot on the old manager: its id (journaled before the PUT) and execution."""

    id: str | None = None
    intent_at: str | None = None
    execution_id: str | None = None
    created_at: str | None = None
    announced_size: int | None = None
    failed_ids: list[str] = field(default_factory=list)
    #: snapshots given up because they vanished from the old manager before the archive was safe
    replaced_ids: list[str] = field(default_factory=list)


@dataclass
class ArchiveRecord:
    """The downloaded archive: file name, size and sha256 (what every later check compares the
    file on disk with), and what the inspection read from it."""

    file: str | None = None
    size: int | None = None
    sha256: str | None = None
    downloaded_at: str | None = None
    #: the sha256 of the file the inspection looked at (== sha256 when inspected)
    inspected_sha256: str | None = None
    entries: int = 0
    snapshot_version: str = ""
    format: str = ""
    metadata_keys: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    ok: bool = False
    #: earlier downloads found changed or damaged on disk (sha256 and why), newest last
    discarded: list[dict[str, str]] = field(default_factory=list)
    #: "downloaded" from the old manager, or "given" (--archive: `file` is then its absolute path)
    source: str = "downloaded"
    #: the community repair's copy (what is uploaded when set): its size and sha256
    repaired_size: int | None = None
    repaired_sha256: str | None = None
    #: what the archive says of its manager (IPs, admin, inventory): SnapshotFacts.to_json()
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def upload_sha256(self) -> str | None:
        """The sha256 of what goes to the new manager (the repaired copy when there is one)."""
        return self.repaired_sha256 or self.sha256

    @property
    def upload_size(self) -> int | None:
        """The size of what goes to the new manager."""
        return self.repaired_size if self.repaired_sha256 else self.size

    @property
    def legacy(self) -> bool:
        """A legacy (database-level) archive: the admin password switches after its restore."""
        return self.format.startswith("legacy")


@dataclass
class UploadRecord:
    """The archive on the new manager: intent, and what was verified there (size by HEAD)."""

    intent_at: str | None = None
    verified: bool = False
    uploaded_at: str | None = None
    size: int | None = None
    sha256: str | None = None
    remote_size: int | None = None


@dataclass
class RestoreRecord:
    """The restore: intent (journaled before the POST), its execution, and how it ended.

    `posted` is the fact every later stage builds on: once true, the new manager is no longer
    "clean" but "restored by this migration", and Esc only detaches from the wait.
    """

    intent_at: str | None = None
    execution_id: str | None = None
    force: bool = False
    baseline_ids: list[str] = field(default_factory=list)
    clean_before: bool = False
    maintenance_activated: bool = False
    maintenance_deactivated: bool = False
    finished_at: str | None = None
    status: str | None = None
    error: str = ""
    detached_at: str | None = None
    #: why the restore counts as posted although no execution id was found (a resume's evidence)
    evidence: str = ""
    #: earlier restores that the new manager no longer knows (reinstalled), newest last
    abandoned: list[dict[str, str]] = field(default_factory=list)
    #: --restore-certificates: the CA bundle (file in the migration directory) the new manager is
    #: verified with since it took the old manager's certificates, and the reboot that was waited out
    ca_bundle: str | None = None
    reboot: dict[str, str] = field(default_factory=dict)

    @property
    def posted(self) -> bool:
        """The restore request reached (or may have reached) the new manager."""
        return bool(self.execution_id or self.evidence)


@dataclass
class FreezeRecord:
    """--freeze-old: the old manager in maintenance mode from right after the snapshot to the end
    (stages/freeze.py). The intent is journaled before each POST, so a killed run is resumed
    consistently: a freeze this migration made is lifted by it, one it found is left alone."""

    #: we asked for maintenance mode (journaled before POST /maintenance/activate)
    intent_at: str | None = None
    #: the old manager was seen in maintenance mode under this migration (our activation)
    activated_at: str | None = None
    #: it was already in maintenance mode before: not ours to lift
    found_active: bool = False
    #: maintenance mode lifted (by us), and why (the end, or a run that stopped before the restore)
    released_at: str | None = None
    released_why: str = ""
    #: freezes lifted earlier (a stopped run) and re-made by a later run, oldest first
    history: list[dict[str, str]] = field(default_factory=list)
    #: a lift that failed: the person must deactivate it by hand
    release_error: str = ""

    @property
    def held(self) -> bool:
        """This migration holds the old manager in maintenance mode now (as far as it knows)."""
        return bool(self.intent_at) and not self.found_active and not self.released_at


@dataclass
class CredentialsRecord:
    """Which admin password the new manager accepted after the restore (never the password)."""

    which: str | None = None
    username: str | None = None
    changed: bool = False
    at: str | None = None


@dataclass
class InventoryRecord:
    """Per-tenant counts: the old manager's baseline (re-read right before the snapshot) and the
    new manager's after the restore."""

    old: dict[str, Any] | None = None
    old_at: str | None = None
    new: dict[str, Any] | None = None


@dataclass
class CensusRecord:
    """The agents census of the old manager (preflight, then the snapshot's baseline): counts per
    tenant, every deployment that cannot move automatically, some with nothing to move (see
    wizard/migration/census.py for the rule)."""

    taken_at: str | None = None
    agents_known: bool = True
    tenants_filter: list[str] = field(default_factory=list)
    tenants: dict[str, dict[str, int]] = field(default_factory=dict)
    manual: list[dict[str, Any]] = field(default_factory=list)
    manual_total: int = 0
    nothing: list[dict[str, Any]] = field(default_factory=list)
    nothing_total: int = 0


@dataclass
class LedgerRecord:
    """What changed on the old manager after the snapshot (read right before the agents step and
    again when the report is written), and its execution schedules (they fire on both managers
    once the snapshot is restored). `read_at` None: never read; `error`: the last read failed."""

    since: str | None = None
    read_at: str | None = None
    error: str = ""
    changes: list[dict[str, str]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    schedules_supported: bool = True

    @property
    def known(self) -> bool:
        """Read at least once, and the last read worked."""
        return self.read_at is not None and not self.error


@dataclass
class AgentRecord:
    """One deployment's install_new_agents: status, execution, and the intent before the POST."""

    tenant: str = ""
    deployment: str = ""
    status: str = "pending"
    attempts: int = 0
    execution_id: str | None = None
    reason: str = ""
    intent_at: str | None = None
    finished_at: str | None = None
    previous_execution_ids: list[str | None] = field(default_factory=list)
    #: the census's live agents on this deployment (decides what an unavailable workflow means)
    agents: int = 0
    #: the blueprint (one deployment per blueprint goes first, as a canary)
    blueprint: str = ""
    #: the wave it belongs to: 0 the canaries, then 1, 2, ... (journaled with the plan)
    wave: int = 0

    @property
    def key(self) -> str:
        """tenant/deployment."""
        return f"{self.tenant}/{self.deployment}"


@dataclass
class AgentsRecord:
    """The agents stage: the plan (deployments, skips, parameters) and the baseline executions."""

    deployments: dict[str, AgentRecord] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    planned_at: str | None = None
    baseline_ids: list[str] | None = None
    #: deployments whose agents cannot move automatically (the new manager's census)
    manual: list[dict[str, Any]] = field(default_factory=list)
    #: the waves whose failure rate was accepted (by the threshold or by a person)
    waves_accepted: list[int] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: object) -> AgentsRecord:
        """With its nested AgentRecords."""
        rec = record_from(cls, data)
        raw = rec.deployments if isinstance(rec.deployments, dict) else {}
        rec.deployments = {k: record_from(AgentRecord, v) for k, v in raw.items()}
        return rec
