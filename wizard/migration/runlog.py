"""migrate.log: what a run did, line by line, for the administrator and for support.

Every engine event (progress only when a step's transfer ends) and every HTTP exchange (method,
path, status, seconds, tenant — never a header, so never an Authorization) goes into
`<migration dir>/migrate.log`, mode 0600, appended across resumed runs. Lines written before the
migration's directory exists (the first preflight) are held in a small buffer and written once
it does. The run's secrets registry scrubs every line in case a message ever carries one.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from wizard.cloudify.client import RequestRecord
from wizard.migration.events import Event, StepProgress, to_json
from wizard.migration.secrets import Secrets

LOG_NAME = "migrate.log"
_BUFFER_LINES = 2000


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class RunLog:
    """A thread-safe, secret-scrubbing line log of one migration (see the module docstring)."""

    def __init__(self, secrets: Secrets | None = None) -> None:
        self._lock = threading.Lock()
        self._pending: deque[str] = deque(maxlen=_BUFFER_LINES)
        self._handle: TextIO | None = None
        self.secrets = secrets or Secrets()
        self.path: Path | None = None

    def open(self, directory: Path) -> None:
        """Start writing into `<directory>/migrate.log` (0600), flushing the buffered lines."""
        with self._lock:
            if self._handle is not None:
                return
            path = directory / LOG_NAME
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._handle = os.fdopen(fd, "a", encoding="utf-8")
            self.path = path
            while self._pending:
                self._handle.write(self._pending.popleft())
            self._handle.flush()

    def close(self) -> None:
        """Close the file (further lines are buffered again)."""
        with self._lock:
            if self._handle is not None:
                # a full disk must not turn the end of a run into a traceback over a log line
                with contextlib.suppress(OSError):
                    self._handle.close()
                self._handle = None

    def event(self, event: Event) -> None:
        """Log an engine event; progress only when it reaches its total."""
        if isinstance(event, StepProgress) and not (event.total and event.done >= event.total):
            return
        data = to_json(event)
        kind = data.pop("event")
        data.pop("at", None)
        self._write(f"{kind} {json.dumps(data, sort_keys=True, default=str)}")

    def request(self, manager: str, record: RequestRecord) -> None:
        """Log one HTTP exchange with the `manager` label (old/new)."""
        status = "-" if record.status is None else str(record.status)
        query = "&".join(f"{k}={v}" for k, v in record.params)
        path = f"{record.path}?{query}" if query else record.path
        self._write(
            f"HTTP {manager} {record.method} {path} -> {status} {record.seconds:.3f}s tenant={record.tenant}"
        )

    def line(self, text: str) -> None:
        """Log a free-text line (a traceback of an unexpected error, say)."""
        self._write(text.rstrip())

    def _write(self, text: str) -> None:
        text = self.secrets.scrub(text)
        line = f"{_now()} {text}\n"
        with self._lock:
            if self._handle is None:
                self._pending.append(line)
                return
            try:
                self._handle.write(line)
                self._handle.flush()
            except OSError:
                # a full disk must not stop the migration over a log line; the journal decides
                pass
