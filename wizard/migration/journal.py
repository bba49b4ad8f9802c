"""The migration journal: one JSON file per migration that records every step, id, size,
checksum, count, decision and waiver — never a secret — so that a run killed at any moment can
resume without doing anything twice.

Writes are atomic (temp file + fsync + os.replace, mode 0600), and the intent of every side
effect is written *before* the side effect. A corrupt journal is a clear JournalError naming the
file and the fix, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets as _secrets
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.migration.errors import JournalError
from wizard.migration.failpoints import failpoint
from wizard.migration.steps import ORDER, StepId

SCHEMA_VERSION = 1
JOURNAL_NAME = "journal.json"

#: journaled step states that count as "the step is behind us"
DONE_STATES = frozenset({"done", "already-done", "skipped"})


def utc_now() -> str:
    """Now as an ISO 8601 UTC timestamp with seconds, e.g. 2024-05-01T10:11:12Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_migration_id() -> str:
    """A sortable, unique migration id: UTC time plus 4 random hex digits."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + _secrets.token_hex(2)


def migrations_root(state_dir: Path) -> Path:
    """Where migration directories live: <state_dir>/migrations."""
    return state_dir / "migrations"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it 0700; returns it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def atomic_write_text(path: Path, text: str, mode: int = 0o600) -> None:
    """Write `text` to `path` atomically: a temp file in the same directory, fsync, rename, and
    fsync of the directory. A crash leaves either the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


#: below this length a password is compared with whole values only: "admin" (Cloudify's default)
#: is also the user name, and a substring test would refuse every journal.
_SUBSTRING_MIN = 8


def _holds_secret(value: object, secret: str) -> bool:
    """Whether any string in a JSON-like value is the secret (or, for long secrets, contains it)."""
    if isinstance(value, str):
        return value == secret or (len(secret) >= _SUBSTRING_MIN and secret in value)
    if isinstance(value, dict):
        return any(_holds_secret(k, secret) or _holds_secret(v, secret) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_secret(item, secret) for item in value)
    return False


class Journal:
    """A migration's journal in memory, saved atomically after each change by the engine.

    `data` is plain JSON. Sections: steps, snapshot, archive, upload, restore, credentials,
    inventory, agents, findings, waivers, decisions, managers. `forbid(secret)` registers a
    string that must never be written (a save containing it raises JournalError).
    """

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self._forbidden: list[str] = []
        self._lock = threading.RLock()

    # -- creation and loading -----------------------------------------------------------------
    @classmethod
    def create(
        cls, state_dir: Path, migration_id: str, old_url: str, new_url: str, options: dict[str, Any]
    ) -> Journal:
        """Start a new journal in <state_dir>/migrations/<id>/ (0700) and save it."""
        directory = private_dir(migrations_root(private_dir(state_dir)) / migration_id)
        now = utc_now()
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "migration_id": migration_id,
            "created_at": now,
            "updated_at": now,
            "old_url": old_url,
            "new_url": new_url,
            "options": options,
            "finished": False,
            "steps": {},
            "waivers": [],
            "decisions": [],
        }
        journal = cls(directory / JOURNAL_NAME, data)
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
                "Check --migration-id and --state-dir (`cfy-migrate report` lists nothing "
                "for an unknown id).",
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
            or data.get("schema_version") != SCHEMA_VERSION
            or not isinstance(data.get("steps"), dict)
        ):
            raise JournalError(
                f"The journal {path} is not a cfy-migrate journal of schema version {SCHEMA_VERSION}.",
                f"Move it aside (e.g. `mv {path} {path}.corrupt`) and start again with --fresh.",
            )
        return cls(path, data)

    @property
    def directory(self) -> Path:
        """The migration's directory (archive, reports and the journal live there)."""
        return self.path.parent

    @property
    def migration_id(self) -> str:
        """The migration's id."""
        return str(self.data["migration_id"])

    # -- secrets ------------------------------------------------------------------------------
    def forbid(self, secret: str, *, public: Collection[str] = ()) -> None:
        """Register a secret that must never reach the file.

        A password equal to a value the journal must hold anyway (`public`: the user name, the
        tenant; think admin/admin) cannot be kept out of it and is not registered.
        """
        if secret and len(secret) >= 3 and secret not in public and secret not in self._forbidden:
            self._forbidden.append(secret)

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        """Write atomically (with failpoints `journal.before-write` / `journal.after-write`)."""
        with self._lock:
            self.data["updated_at"] = utc_now()
            # compact: the C encoder is ~5x faster than an indented dump, and at 1,000
            # deployments the journal is written every polling cycle (`jq .` reads it nicely)
            text = json.dumps(self.data, sort_keys=True, separators=(",", ":"))
            for secret in self._forbidden:
                # the substring test is cheap and almost always false; the walk decides
                if secret in text and _holds_secret(self.data, secret):
                    raise JournalError(
                        "Refusing to write a secret into the journal (a bug).",
                        "Please report it; nothing was written.",
                    )
            failpoint("journal.before-write")
            try:
                atomic_write_text(self.path, text)
            except OSError as exc:
                raise JournalError(
                    f"The journal {self.path} cannot be written: {exc.strerror}.",
                    "Free disk space or fix the state directory's permissions, then run again to resume.",
                ) from None
            failpoint("journal.after-write")

    # -- sections -----------------------------------------------------------------------------
    def section(self, name: str) -> dict[str, Any]:
        """A top-level dict section, created empty on first use."""
        with self._lock:
            value = self.data.setdefault(name, {})
            if not isinstance(value, dict):
                value = {}
                self.data[name] = value
            return value

    def update(self, name: str, **values: Any) -> None:
        """Set keys in a section and save."""
        with self._lock:
            self.section(name).update(values)
            self.save()

    # -- steps --------------------------------------------------------------------------------
    def step(self, step: StepId) -> dict[str, Any]:
        """The record of one step (status, started_at, finished_at, detail)."""
        steps = self.section("steps")
        return steps.setdefault(step.value, {"status": "pending"})  # type: ignore[no-any-return]

    def step_status(self, step: StepId) -> str:
        """pending, running, done, already-done, skipped, failed, blocked or cancelled."""
        record = self.section("steps").get(step.value)
        return str(record.get("status", "pending")) if isinstance(record, dict) else "pending"

    def is_done(self, step: StepId) -> bool:
        """True when the step is behind us (done, already-done or skipped)."""
        return self.step_status(step) in DONE_STATES

    def start_step(self, step: StepId) -> None:
        """Record that a step starts (keeps the first start time across resumes)."""
        with self._lock:
            record = self.step(step)
            record["status"] = "running"
            record.setdefault("started_at", utc_now())
            record["attempts"] = int(record.get("attempts", 0)) + 1
            record.pop("finished_at", None)
            self.save()

    def finish_step(self, step: StepId, status: str, detail: str = "") -> None:
        """Record how a step ended, with its end time and duration."""
        with self._lock:
            record = self.step(step)
            record["status"] = status
            record["finished_at"] = utc_now()
            record["detail"] = detail
            self.save()

    def last_step(self) -> tuple[StepId | None, str]:
        """The furthest step with a record and its status (for the resume offer)."""
        last: tuple[StepId | None, str] = (None, "pending")
        for step in ORDER:
            status = self.step_status(step)
            if status != "pending":
                last = (step, status)
        return last

    # -- decisions and waivers ----------------------------------------------------------------
    def record_decision(self, what: str, answer: str) -> None:
        """Journal a human decision (never a secret)."""
        with self._lock:
            self.data.setdefault("decisions", []).append({"at": utc_now(), "what": what, "answer": answer})
            self.save()

    def record_waivers(self, waivers: Iterable[dict[str, str]]) -> None:
        """Journal waivers that let a blocking finding through (deduplicated by id)."""
        with self._lock:
            current = {w["id"]: w for w in self.data.setdefault("waivers", [])}
            for w in waivers:
                current.setdefault(w["id"], {**w, "at": utc_now()})
            self.data["waivers"] = list(current.values())
            self.save()

    def mark_finished(self, exit_code: int) -> None:
        """The run reached its end (successfully or with agent failures)."""
        with self._lock:
            self.data["finished"] = True
            self.data["exit_code"] = exit_code
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
        step, status = j.last_step()
        found.append(
            MigrationInfo(
                id=j.migration_id,
                old=str(j.data.get("old_url", "")),
                new=str(j.data.get("new_url", "")),
                last_step=step.value if step else None,
                last_status=status,
                finished=bool(j.data.get("finished")),
                updated_at=str(j.data.get("updated_at", "")),
                path=path,
            )
        )
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


def journal_path(state_dir: Path, migration_id: str) -> Path:
    """<state_dir>/migrations/<id>/journal.json."""
    return migrations_root(state_dir) / migration_id / JOURNAL_NAME
