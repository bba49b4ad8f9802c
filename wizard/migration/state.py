"""What a migration remembers: one typed record per stage, one schema, and the only code that
reads or writes the journal file's JSON.

The journal is a memory, not the truth: the stages reconcile every record with the managers and
the archive on disk before they trust it. What is here is what they need for that — ids, sizes,
checksums, intents written *before* each side effect, decisions and waivers — and never a secret:
no record has a field that could hold a password, and free text (details, reasons) is scrubbed
of the registered secrets before it is stored.

Schema 2 (this one) is schema 1 with the archive's size and sha256 moved from `snapshot` to
`archive`; a schema-1 journal is read and upgraded in memory.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from wizard.migration.errors import JournalError
from wizard.migration.failpoints import failpoint
from wizard.migration.steps import ORDER, StepId
from wizard.migration.storage import atomic_write_text, migrations_root, private_dir, utc_now

SCHEMA_VERSION = 2
JOURNAL_NAME = "journal.json"
#: journaled step states that count as "the step is behind us"
DONE_STATES = frozenset({"done", "already-done", "skipped"})

R = TypeVar("R")


def _record(cls: type[R], data: object) -> R:
    """A record from a JSON dict, tolerant of missing and unknown keys (older or newer tools)."""
    if not isinstance(data, dict):
        return cls()
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


def _plain(record: object) -> dict[str, Any]:
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

    @property
    def posted(self) -> bool:
        """The restore request reached (or may have reached) the new manager."""
        return bool(self.execution_id or self.evidence)


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

    @classmethod
    def from_json(cls, data: object) -> AgentsRecord:
        """With its nested AgentRecords."""
        rec = _record(cls, data)
        raw = rec.deployments if isinstance(rec.deployments, dict) else {}
        rec.deployments = {k: _record(AgentRecord, v) for k, v in raw.items()}
        return rec


@dataclass
class MigrationState:
    """Every record of one migration, as the journal file holds it."""

    migration_id: str
    old_url: str
    new_url: str
    created_at: str = field(default_factory=utc_now)
    updated_at: str = field(default_factory=utc_now)
    options: dict[str, Any] = field(default_factory=dict)
    finished: bool = False
    exit_code: int | None = None
    steps: dict[str, StepRecord] = field(default_factory=dict)
    managers: dict[str, dict[str, Any]] = field(default_factory=dict)
    snapshot: SnapshotRecord = field(default_factory=SnapshotRecord)
    archive: ArchiveRecord = field(default_factory=ArchiveRecord)
    upload: UploadRecord = field(default_factory=UploadRecord)
    restore: RestoreRecord = field(default_factory=RestoreRecord)
    credentials: CredentialsRecord = field(default_factory=CredentialsRecord)
    inventory: InventoryRecord = field(default_factory=InventoryRecord)
    agents: AgentsRecord = field(default_factory=AgentsRecord)
    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    waivers: list[dict[str, str]] = field(default_factory=list)
    decisions: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The journal file's content."""
        out = _plain(self)
        out["schema_version"] = SCHEMA_VERSION
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MigrationState:
        """Read schema 1 or 2 (schema 1 kept size/sha256 under `snapshot`)."""
        if data.get("schema_version") == 1:
            snap = data.get("snapshot") or {}
            archive = dict(data.get("archive") or {})
            for key in ("file", "size", "sha256", "downloaded_at"):
                if key in snap:
                    archive[key] = snap[key]
            if archive.get("format"):
                archive.setdefault("inspected_sha256", archive.get("sha256"))
            data = {**data, "archive": archive}
        steps = data.get("steps") or {}
        return cls(
            migration_id=str(data["migration_id"]),
            old_url=str(data.get("old_url", "")),
            new_url=str(data.get("new_url", "")),
            created_at=str(data.get("created_at") or utc_now()),
            updated_at=str(data.get("updated_at") or utc_now()),
            options=dict(data.get("options") or {}),
            finished=bool(data.get("finished")),
            exit_code=data.get("exit_code"),
            steps={k: _record(StepRecord, v) for k, v in steps.items() if isinstance(v, dict)},
            managers={k: dict(v) for k, v in (data.get("managers") or {}).items() if isinstance(v, dict)},
            snapshot=_record(SnapshotRecord, data.get("snapshot")),
            archive=_record(ArchiveRecord, data.get("archive")),
            upload=_record(UploadRecord, data.get("upload")),
            restore=_record(RestoreRecord, data.get("restore")),
            credentials=_record(CredentialsRecord, data.get("credentials")),
            inventory=_record(InventoryRecord, data.get("inventory")),
            agents=AgentsRecord.from_json(data.get("agents")),
            findings={k: list(v) for k, v in (data.get("findings") or {}).items() if isinstance(v, list)},
            waivers=list(data.get("waivers") or []),
            decisions=list(data.get("decisions") or []),
        )

    # -- steps ------------------------------------------------------------------------------------
    def step(self, step: StepId) -> StepRecord:
        """The record of one step (created pending)."""
        return self.steps.setdefault(step.value, StepRecord())

    def step_status(self, step: StepId) -> str:
        """pending, running, done, already-done, skipped, failed, blocked, cancelled or detached."""
        rec = self.steps.get(step.value)
        return rec.status if rec else "pending"

    def is_done(self, step: StepId) -> bool:
        """True when the step is behind us (done, already-done or skipped)."""
        return self.step_status(step) in DONE_STATES

    def reopen(self, steps: Iterable[StepId], why: str) -> None:
        """Mark steps to be done again (the managers or the disk contradicted their record)."""
        for step in steps:
            rec = self.step(step)
            if rec.status != "pending":
                rec.status = "pending"
                rec.detail = why

    def last_step(self) -> tuple[StepId | None, str]:
        """The furthest step with a record and its status (for the resume offer)."""
        last: tuple[StepId | None, str] = (None, "pending")
        for step in ORDER:
            status = self.step_status(step)
            if status != "pending":
                last = (step, status)
        return last

    def old_version(self) -> str:
        """The old manager's version as probed, or ''."""
        return str(self.managers.get("old", {}).get("version") or "")


class Journal:
    """A migration's state in memory and its file on disk, saved atomically after each change.

    `scrub` (set by the engine from its secrets registry) is applied to the free text of each
    record before it is written, so that a manager's error message quoting a password cannot
    carry it into the file.
    """

    def __init__(self, path: Path, state: MigrationState) -> None:
        self.path = path
        self.state = state
        self.scrub: Callable[[str], str] = lambda text: text
        self._lock = threading.RLock()

    @classmethod
    def create(
        cls, state_dir: Path, migration_id: str, old_url: str, new_url: str, options: dict[str, Any]
    ) -> Journal:
        """Start a new journal in <state_dir>/migrations/<id>/ (0700) and save it."""
        directory = private_dir(migrations_root(private_dir(state_dir)) / migration_id)
        journal = cls(
            directory / JOURNAL_NAME, MigrationState(migration_id, old_url, new_url, options=options)
        )
        journal.save()
        return journal

    @classmethod
    def load(cls, path: Path) -> Journal:
        """Read a journal; a missing, unreadable or corrupt file is a JournalError with the fix."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise JournalError(
                f"There is no journal at {path}.",
                "Check --migration-id and --state-dir (`cfy-migrate report` lists the migrations).",
            ) from None
        except OSError as exc:
            raise JournalError(
                f"The journal {path} cannot be read: {exc.strerror}.",
                "Check the permissions of the state directory.",
            ) from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise JournalError(
                f"The journal {path} is corrupt ({exc}).",
                f"Move it aside (e.g. `mv {path} {path}.corrupt`) and start again with --fresh; "
                "check the managers for a snapshot or execution it may have started.",
            ) from None
        if (
            not isinstance(data, dict)
            or data.get("schema_version") not in (1, SCHEMA_VERSION)
            or not isinstance(data.get("steps"), dict)
            or "migration_id" not in data
        ):
            raise JournalError(
                f"The journal {path} is not a cfy-migrate journal of schema version {SCHEMA_VERSION}.",
                f"Move it aside (e.g. `mv {path} {path}.corrupt`) and start again with --fresh.",
            )
        return cls(path, MigrationState.from_json(data))

    @property
    def directory(self) -> Path:
        """The migration's directory (archive, reports and the journal live there)."""
        return self.path.parent

    @property
    def migration_id(self) -> str:
        """The migration's id."""
        return self.state.migration_id

    def archive_path(self) -> Path:
        """<migration dir>/<snapshot id>.zip (the one place the archive's name is made)."""
        sid = self.state.snapshot.id
        if not sid:
            raise JournalError("No snapshot id in the journal.", "Run again: a snapshot is created first.")
        return self.directory / f"{sid}.zip"

    def part_path(self) -> Path:
        """The partial download beside the archive (<id>.zip.part)."""
        path = self.archive_path()
        return path.with_name(path.name + ".part")

    def save(self) -> None:
        """Write atomically (with failpoints `journal.before-write` / `journal.after-write`)."""
        with self._lock:
            self.state.updated_at = utc_now()
            self._scrub_free_text()
            # compact: the C encoder is ~5x faster than an indented dump, and at 1,000
            # deployments the journal is written every polling cycle (`jq .` reads it nicely)
            text = json.dumps(self.state.to_json(), sort_keys=True, separators=(",", ":"))
            failpoint("journal.before-write")
            try:
                atomic_write_text(self.path, text)
            except OSError as exc:
                raise JournalError(
                    f"The journal {self.path} cannot be written: {exc.strerror}.",
                    "Free disk space or fix the state directory's permissions, then run again to resume.",
                ) from None
            failpoint("journal.after-write")

    def _scrub_free_text(self) -> None:
        s, scrub = self.state, self.scrub
        for rec in s.steps.values():
            rec.detail = scrub(rec.detail)
        for agent in s.agents.deployments.values():
            agent.reason = scrub(agent.reason)
        s.restore.error = scrub(s.restore.error)
        for phase in s.findings.values():
            for finding in phase:
                for key in ("detail", "remediation", "title"):
                    if isinstance(finding.get(key), str):
                        finding[key] = scrub(finding[key])

    # -- steps ------------------------------------------------------------------------------------
    def start_step(self, step: StepId) -> None:
        """Record that a step starts (keeps the first start time across resumes)."""
        with self._lock:
            rec = self.state.step(step)
            rec.status = "running"
            rec.started_at = rec.started_at or utc_now()
            rec.attempts += 1
            rec.finished_at = None
            self.save()

    def finish_step(self, step: StepId, status: str, detail: str = "", active_seconds: float = 0.0) -> None:
        """Record how a step ended, with its end time and the seconds it worked."""
        with self._lock:
            rec = self.state.step(step)
            rec.status = status
            rec.finished_at = utc_now()
            rec.detail = detail
            rec.active_seconds = round(rec.active_seconds + active_seconds, 3)
            self.save()

    def record_decision(self, what: str, answer: str) -> None:
        """Journal a human decision (never a secret)."""
        with self._lock:
            self.state.decisions.append({"at": utc_now(), "what": what, "answer": answer})
            self.save()

    def record_waivers(self, waivers: Iterable[dict[str, str]]) -> None:
        """Journal waivers that let a blocking finding through (deduplicated by id)."""
        with self._lock:
            current = {w["id"]: w for w in self.state.waivers}
            for w in waivers:
                current.setdefault(w["id"], {**w, "at": utc_now()})
            self.state.waivers = list(current.values())
            self.save()

    def mark_finished(self, exit_code: int) -> None:
        """The run reached its end (successfully or with agent failures)."""
        with self._lock:
            self.state.finished = exit_code == 0
            self.state.exit_code = exit_code
            self.save()


@dataclass(frozen=True)
class MigrationInfo:
    """A migration found in the state directory (for the TUI's resume offer and `report`)."""

    id: str
    old: str
    new: str
    last_step: str | None
    last_status: str
    finished: bool
    updated_at: str
    path: Path
    error: str = ""
    options: dict[str, Any] = field(default_factory=dict, compare=False)


def list_migrations(state_dir: Path) -> list[MigrationInfo]:
    """Every migration under <state_dir>/migrations, newest first. A corrupt journal is listed
    with `error` set instead of breaking the listing."""
    root = migrations_root(state_dir)
    if not root.is_dir():
        return []
    found: list[MigrationInfo] = []
    for directory in root.iterdir():
        path = directory / JOURNAL_NAME
        if not path.is_file():
            continue
        try:
            j = Journal.load(path)
        except JournalError as exc:
            found.append(
                MigrationInfo(directory.name, "", "", None, "corrupt", False, "", path, exc.full_text())
            )
            continue
        step, status = j.state.last_step()
        s = j.state
        found.append(
            MigrationInfo(
                s.migration_id, s.old_url, s.new_url, step.value if step else None, status,
                s.finished, s.updated_at, path, options=s.options,
            )
        )  # fmt: skip
    found.sort(key=lambda m: (m.updated_at, m.id), reverse=True)
    return found


def find_resumable(state_dir: Path, old_url: str, new_url: str) -> MigrationInfo | None:
    """The newest unfinished migration for this exact old+new pair, if any.

    A corrupt journal could be this pair's unfinished migration: starting a new one beside it
    would snapshot and restore a second time, so it stops the search with a JournalError that
    names the file (move it aside, or pick a migration with --migration-id / --fresh).
    """
    migrations = list_migrations(state_dir)
    corrupt = [info for info in migrations if info.error]
    if corrupt:
        raise JournalError(
            f"The journal {corrupt[0].path} is corrupt, and it may be this migration's.",
            f"Inspect it; if it is not needed, move it aside (`mv {corrupt[0].path} "
            f"{corrupt[0].path}.corrupt`), or name the migration to continue with --migration-id, "
            "or start a new one with --fresh.",
        )
    for info in migrations:
        if not info.finished and not info.error and info.old == old_url and info.new == new_url:
            return info
    return None


def find_finished(state_dir: Path, old_url: str, new_url: str) -> MigrationInfo | None:
    """The newest finished migration for this exact pair: running again must not migrate twice."""
    for info in list_migrations(state_dir):
        if info.finished and info.old == old_url and info.new == new_url:
            return info
    return None


def journal_path(state_dir: Path, migration_id: str) -> Path:
    """<state_dir>/migrations/<id>/journal.json."""
    return migrations_root(state_dir) / migration_id / JOURNAL_NAME
