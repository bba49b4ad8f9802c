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

from wizard.migration.state.journal import JOURNAL_NAME, Journal
from wizard.migration.state.listing import (
    MigrationInfo,
    find_finished,
    find_resumable,
    journal_path,
    list_migrations,
)
from wizard.migration.state.migration import SCHEMA_VERSION, MigrationState
from wizard.migration.state.records import (
    DONE_STATES,
    AgentRecord,
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
)

__all__ = [
    "DONE_STATES",
    "JOURNAL_NAME",
    "SCHEMA_VERSION",
    "AgentRecord",
    "AgentsRecord",
    "ArchiveRecord",
    "CensusRecord",
    "CredentialsRecord",
    "FreezeRecord",
    "InventoryRecord",
    "Journal",
    "LedgerRecord",
    "MigrationInfo",
    "MigrationState",
    "RestoreRecord",
    "SnapshotRecord",
    "StepRecord",
    "UploadRecord",
    "find_finished",
    "find_resumable",
    "journal_path",
    "list_migrations",
]
