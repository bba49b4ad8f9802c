"""Files the engine keeps: atomic writes, private directories, timestamps and migration ids.

Kept apart from state.py (what the journal *means*) so that the report, the run log and the
lock share one way to write a file safely without knowing the journal's layout.
"""

from __future__ import annotations

import contextlib
import os
import secrets as _secrets
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

from wizard.migration.errors import ConfigError


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
    """Make sure `path` is a directory only its owner can read, and return it.

    A directory the tool creates is made 0700. An existing one is never chmodded (`--state-dir
    /tmp` must not turn /tmp private): when others can read or write it, it is refused with the
    reason, so the user picks a private place instead.
    """
    missing = not path.exists()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if missing:
        os.chmod(path, 0o700)
        return path
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"The directory {path} can be read or written by other users (mode {mode:04o}); the "
            "snapshot archive in it holds the managers' credentials and keys.",
            f"Use a private directory: --state-dir {path / 'cfy-migrate'} (created 0700), or "
            f"`chmod 700 {path}` if it is yours alone.",
        )
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
