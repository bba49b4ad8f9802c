"""What every step needs: the config, the journal, the clients, the event sink, the decider and
the cancel flag — plus the small helpers (throttled progress, cancellable sleep, logging)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from wizard.cloudify.client import ManagerClient, RequestRecord
from wizard.cloudify.endpoint import Credentials
from wizard.migration.config import ManagerConfig, MigrationConfig
from wizard.migration.decider import Decider
from wizard.migration.errors import CancelledError
from wizard.migration.events import Event, LogLine, StepProgress
from wizard.migration.journal import Journal
from wizard.migration.steps import StepId


def make_client(
    manager: ManagerConfig,
    credentials: Credentials | None = None,
    *,
    on_request: Callable[[RequestRecord], None] | None = None,
) -> ManagerClient:
    """A REST client for one manager (HTTP Basic, its CA bundle or system trust)."""
    return ManagerClient(manager.endpoint, credentials or manager.credentials, on_request=on_request)


class Context:
    """Shared state of one migration run (one per Migration object)."""

    def __init__(
        self,
        config: MigrationConfig,
        journal: Journal,
        *,
        emit: Callable[[Event], None],
        decider: Decider,
        cancel: threading.Event,
        old_client: ManagerClient,
        new_client: ManagerClient,
        on_secret: Callable[[Credentials], None] | None = None,
    ) -> None:
        self.config = config
        self.journal = journal
        self._emit = emit
        self.decider = decider
        self.cancel = cancel
        self._on_secret = on_secret
        self.old = old_client
        self.new = new_client
        #: the password that works on the new manager now (changes after a legacy restore)
        self.new_credentials: Credentials = config.new.credentials
        self._last_progress: dict[StepId, float] = {}
        for creds in (config.old.credentials, config.new.credentials):
            journal.forbid(creds.password, public=(creds.username, creds.tenant))

    @property
    def directory(self) -> Path:
        """The migration's private directory."""
        return self.journal.directory

    @property
    def poll(self) -> float:
        """Seconds between two polls."""
        return self.config.timing.poll_interval

    def emit(self, event: Event) -> None:
        """Send an event to the UI; a failing handler must not break the migration."""
        with contextlib.suppress(Exception):
            self._emit(event)

    def log(self, step: StepId | None, level: str, message: str) -> None:
        """Emit a LogLine."""
        self.emit(LogLine(step, level, message))

    def progress(
        self, step: StepId, done: float, total: float, unit: str, message: str = "", *, force: bool = False
    ) -> None:
        """Emit StepProgress at most every `progress_interval` seconds (always when forced or done)."""
        now = time.monotonic()
        last = self._last_progress.get(step, 0.0)
        finished = total > 0 and done >= total
        if not force and not finished and now - last < self.config.timing.progress_interval:
            return
        self._last_progress[step] = now
        self.emit(StepProgress(step, done, total, unit, message))

    def check_cancel(self) -> None:
        """Raise CancelledError when the user asked to stop."""
        if self.cancel.is_set():
            raise CancelledError(
                "Stopped at your request; the journal is consistent.",
                "Run the same command again to resume where it stopped.",
            )

    def sleep(self, seconds: float | None = None) -> None:
        """Wait `seconds` (default: the poll interval), waking up at once on cancel."""
        if self.cancel.wait(self.poll if seconds is None else seconds):
            self.check_cancel()

    def use_new_credentials(self, credentials: Credentials) -> None:
        """Switch the new manager's client to other credentials (after a legacy restore)."""
        if credentials == self.new_credentials:
            return
        old_client = self.new
        self.new = old_client.with_credentials(credentials)
        self.new_credentials = credentials
        self.journal.forbid(credentials.password, public=(credentials.username, credentials.tenant))
        if self._on_secret is not None:
            self._on_secret(credentials)
        old_client.close()
