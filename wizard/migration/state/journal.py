"""The journal file: a MigrationState in memory, saved atomically after each change, its free text
scrubbed of the run's secrets; a corrupt or foreign file is a JournalError naming the fix."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from wizard.migration.errors import JournalError
from wizard.migration.failpoints import failpoint
from wizard.migration.state.migration import SCHEMA_VERSION, MigrationState
from wizard.migration.steps import StepId
from wizard.migration.storage import atomic_write_text, migrations_root, private_dir, utc_now

JOURNAL_NAME = "journal.json"


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
        """<migration dir>/<snapshot id>.zip, or the file itself when it lives elsewhere (an
        archive the user gave, a published backup): the one place the archive's name is made."""
        given = self.state.archive.file
        if given and Path(given).is_absolute():
            return Path(given)
        sid = self.state.snapshot.id
        if not sid:
            raise JournalError("No snapshot id in the journal.", "Run again: a snapshot is created first.")
        return self.directory / f"{sid}.zip"

    def repaired_path(self) -> Path:
        """<migration dir>/<snapshot id>.repaired.zip: the community repair's copy."""
        return self.directory / f"{self.state.snapshot.id}.repaired.zip"

    def upload_path(self) -> Path:
        """What goes to the new manager: the repaired copy when there is one, else the archive."""
        return self.repaired_path() if self.state.archive.repaired_sha256 else self.archive_path()

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

    def acknowledge(self, ident: str, reason: str, covers: int) -> None:
        """Journal a waiver that acknowledges what keeps the old manager needed (a WARN finding,
        which the gate does not journal): it covers `covers` items, so a later, longer list is
        not acknowledged by it."""
        with self._lock:
            kept = [w for w in self.state.waivers if w.get("id") != ident]
            kept.append({"id": ident, "reason": reason, "covers": str(covers), "at": utc_now()})
            self.state.waivers = kept
            self.save()

    def mark_finished(self, exit_code: int) -> None:
        """The run reached its end (successfully or with agent failures)."""
        with self._lock:
            self.state.finished = exit_code == 0
            self.state.exit_code = exit_code
            self.save()
