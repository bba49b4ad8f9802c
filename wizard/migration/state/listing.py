"""The migrations in a state directory: for the resume offer, `report --list` and "this pair was
migrated already"."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.migration.errors import JournalError
from wizard.migration.state.journal import JOURNAL_NAME, Journal
from wizard.migration.storage import migrations_root


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
