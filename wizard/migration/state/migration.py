"""MigrationState: every record of one migration, and the journal file's JSON layout (schema 2;
schema 1 read and upgraded in memory)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wizard.migration.state.records import (
    DONE_STATES,
    AgentsRecord,
    ArchiveRecord,
    CensusRecord,
    CredentialsRecord,
    FreezeRecord,
    InventoryRecord,
    LedgerRecord,
    RestoreRecord,
    SnapshotRecord,
    StepRecord,
    UploadRecord,
    as_json_dict,
    record_from,
)
from wizard.migration.steps import ORDER, StepId
from wizard.migration.storage import utc_now

SCHEMA_VERSION = 2


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
    census: CensusRecord = field(default_factory=CensusRecord)
    ledger: LedgerRecord = field(default_factory=LedgerRecord)
    freeze: FreezeRecord = field(default_factory=FreezeRecord)
    findings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    waivers: list[dict[str, str]] = field(default_factory=list)
    decisions: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The journal file's content."""
        out = as_json_dict(self)
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
            steps={k: record_from(StepRecord, v) for k, v in steps.items() if isinstance(v, dict)},
            managers={k: dict(v) for k, v in (data.get("managers") or {}).items() if isinstance(v, dict)},
            snapshot=record_from(SnapshotRecord, data.get("snapshot")),
            archive=record_from(ArchiveRecord, data.get("archive")),
            upload=record_from(UploadRecord, data.get("upload")),
            restore=record_from(RestoreRecord, data.get("restore")),
            credentials=record_from(CredentialsRecord, data.get("credentials")),
            inventory=record_from(InventoryRecord, data.get("inventory")),
            agents=AgentsRecord.from_json(data.get("agents")),
            census=record_from(CensusRecord, data.get("census")),
            ledger=record_from(LedgerRecord, data.get("ledger")),
            freeze=record_from(FreezeRecord, data.get("freeze")),
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
        """The furthest step with a record and its status (for the resume offer); the report is
        written at the end of every run, so it says nothing about how far the migration got."""
        last: tuple[StepId | None, str] = (None, "pending")
        for step in ORDER:
            status = self.step_status(step)
            if status != "pending" and step is not StepId.REPORT:
                last = (step, status)
        return last

    def old_version(self) -> str:
        """The old manager's version as probed, or ''."""
        return str(self.managers.get("old", {}).get("version") or "")
