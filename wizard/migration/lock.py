"""One run at a time: a lock per old+new pair and per state directory, held for the whole run.

Two `cfy-migrate run` for the same managers would each start install_new_agents for every
deployment (or create two snapshots). The locks are `flock`s, so a process that dies — even by
SIGKILL — releases them at once and the next run takes over; the file keeps who held it (pid,
host, start time, command) so a refused run can say who is in the way.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from wizard.migration.errors import MigrationError
from wizard.migration.storage import utc_now

LOCK_NAME = "run.lock"


@dataclass
class _Held:
    handle: IO[str]
    users: int = 1


#: locks this process holds (path -> [handle, users]): a process does not lock itself out, e.g.
#: the wizard rebuilding its Migration, or a test running two in a row without closing the first
_HELD: dict[str, _Held] = {}
_HELD_LOCK = threading.Lock()


class LockedError(MigrationError):
    """Another cfy-migrate process holds the lock of this pair or state directory."""

    exit_code = 1


def pair_lock_dir() -> Path:
    """Where pair locks live: $CFY_MIGRATE_LOCK_DIR, else a private folder in the temp dir (shared
    by every state directory of this user, so two state dirs cannot migrate one pair twice)."""
    override = os.environ.get("CFY_MIGRATE_LOCK_DIR")
    path = Path(override) if override else Path(tempfile.gettempdir()) / f"cfy-migrate-{os.getuid()}"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def pair_key(old_url: str, new_url: str) -> str:
    """A file-name-safe key of one (old, new) pair."""
    return hashlib.sha256(f"{old_url}\n{new_url}".encode()).hexdigest()[:16]


class RunLock:
    """The held locks of one run; `release()` (or process death) frees them."""

    def __init__(self) -> None:
        self._paths: list[str] = []

    @classmethod
    def acquire(cls, state_dir: Path, old_url: str, new_url: str, migration_id: str) -> RunLock:
        """Take the state-dir lock and the pair lock, or raise LockedError naming the holder."""
        lock = cls()
        try:
            lock._take(state_dir / LOCK_NAME, f"the state directory {state_dir}", migration_id)
            lock._take(
                pair_lock_dir() / f"pair-{pair_key(old_url, new_url)}.lock",
                f"the managers {old_url} -> {new_url}",
                migration_id,
            )
        except BaseException:
            lock.release()
            raise
        return lock

    def _take(self, path: Path, what: str, migration_id: str) -> None:
        key = str(path.resolve())
        with _HELD_LOCK:
            held = _HELD.get(key)
            if held is not None:
                held.users += 1
                self._paths.append(key)
                return
            _HELD[key] = _Held(self._open_locked(path, what, migration_id))
            self._paths.append(key)

    @staticmethod
    def _open_locked(path: Path, what: str, migration_id: str) -> IO[str]:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe(handle.read())
            handle.close()
            raise LockedError(
                f"Another cfy-migrate run holds {what}: {holder}.",
                "Wait for it to end (or stop it with Ctrl-C; it can be resumed), then run again. "
                "Two runs at once would start every step twice.",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "started_at": utc_now(),
                    "migration_id": migration_id,
                    "command": " ".join(
                        os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:2])
                    ),
                }
            )
        )
        handle.flush()
        return handle

    def release(self) -> None:
        """Free every lock this run holds."""
        with _HELD_LOCK:
            while self._paths:
                key = self._paths.pop()
                held = _HELD.get(key)
                if held is None:
                    continue
                held.users -= 1
                if held.users > 0:
                    continue
                del _HELD[key]
                with contextlib.suppress(OSError):
                    fcntl.flock(held.handle, fcntl.LOCK_UN)
                held.handle.close()


def _describe(text: str) -> str:
    try:
        info = json.loads(text)
    except ValueError:
        return "a process that left no details"
    return (
        f"pid {info.get('pid')} on {info.get('host')}, started {info.get('started_at')} "
        f"(migration {info.get('migration_id')})"
    )
