"""The stages of a migration, one module each, in flow order.

Every stage is `run(ctx) -> StepOutcome` and reconciles before it acts: it asks the managers and
the disk what is true, compares it with its record, and only then decides "already done",
"redo" (raising Rewind so that earlier stages run again) or "act". `describe(ctx)` says what
its dry run would send.
"""

from __future__ import annotations

from collections.abc import Callable

from wizard.migration.context import Context
from wizard.migration.stages import (
    agents,
    credentials,
    download,
    import_archive,
    inspect,
    preflight,
    publish_backup,
    report,
    restore,
    snapshot,
    upload,
    verify,
)
from wizard.migration.steps import StepId, StepOutcome

StageRun = Callable[[Context], StepOutcome]

#: the code that runs each step (the preflight of the old manager is the Migration's own: it
#: also runs before a journal exists)
RUNS: dict[StepId, StageRun] = {
    StepId.CREATE_SNAPSHOT: snapshot.run,
    StepId.DOWNLOAD: download.run,
    StepId.IMPORT_ARCHIVE: import_archive.run,
    StepId.INSPECT_ARCHIVE: inspect.run,
    StepId.PUBLISH_BACKUP: publish_backup.run,
    StepId.PREFLIGHT_NEW: preflight.run_new,
    StepId.UPLOAD: upload.run,
    StepId.RESTORE: restore.run,
    StepId.REAUTHENTICATE: credentials.run,
    StepId.VERIFY_INVENTORY: verify.run,
    StepId.INSTALL_AGENTS: agents.run,
    StepId.REPORT: report.run,
}

__all__ = ["RUNS", "StageRun"]
