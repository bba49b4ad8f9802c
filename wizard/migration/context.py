"""What every stage needs: the config, the journal and its typed state, the clients, the event
sink, the decider, the cancel flag and the secrets registry — plus the small helpers (throttled
progress, cancellable waits, logging)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from wizard.cloudify.client import ManagerClient, RequestRecord
from wizard.cloudify.endpoint import Credentials
from wizard.cloudify.guard import Pace
from wizard.migration.config import ManagerConfig, MigrationConfig
from wizard.migration.decider import Decider
from wizard.migration.errors import CancelledError, MigrationError
from wizard.migration.events import Event, LogLine, StepProgress
from wizard.migration.redact import redact
from wizard.migration.secrets import Secrets
from wizard.migration.state import Journal, MigrationState
from wizard.migration.steps import StepId
from wizard.migration.waiting import Waited, poll_until

T = TypeVar("T")


class StageView(Protocol):
    """What a stage's `describe` (its dry run) reads: the config and the records, no clients."""

    @property
    def config(self) -> MigrationConfig: ...

    @property
    def state(self) -> MigrationState: ...

    @property
    def directory(self) -> Path: ...


def make_client(
    manager: ManagerConfig,
    credentials: Credentials | None = None,
    *,
    on_request: Callable[[RequestRecord], None] | None = None,
    cancel: threading.Event | None = None,
    pace: float = Pace.rate,
) -> ManagerClient:
    """A REST client for one manager (HTTP Basic, its CA bundle or system trust); `cancel` stops
    a request in flight (one Ctrl-C ends even a stalled request within a second); `pace` is the
    requests per second it sends at most (0: unpaced)."""
    return ManagerClient(
        manager.endpoint,
        credentials or manager.credentials,
        on_request=on_request,
        cancel=cancel,
        pace=Pace(pace) if pace > 0 else None,
    )


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
        new_client: ManagerClient | None,
        secrets: Secrets,
    ) -> None:
        self.config = config
        self.journal = journal
        self._emit = emit
        self.decider = decider
        self.cancel = cancel
        self.secrets = secrets
        self._old = old_client
        self._new = new_client
        #: the person confirmed the upload and restore in this run (asked once, before the upload)
        self.restore_confirmed = False
        #: seconds spent waiting for a person in the running step (not counted as step time)
        self.waiting_for_person = 0.0
        self._last_progress: dict[StepId, float] = {}

    @property
    def old(self) -> ManagerClient:
        """The old manager's client; asking a lost manager (a restore from an archive) is a bug
        that must not send a request anywhere."""
        if not self.config.old_online:
            raise MigrationError(
                "This restore has no old manager to ask (it was lost; the archive stands for it).",
                "Run again; if it repeats, send migrate.log to support.",
            )
        return self._old

    @property
    def new(self) -> ManagerClient:
        """The new manager's client (every use but a backup has one)."""
        if self._new is None:
            raise MigrationError("A backup has no new manager.", "Use `cfy-migrate run` to migrate.")
        return self._new

    @new.setter
    def new(self, client: ManagerClient) -> None:
        """Reach the new manager through another client (another CA bundle after a certificate
        restore, other credentials after a legacy one)."""
        self._new = client

    @property
    def new_credentials(self) -> Credentials:
        """The credentials that work on the new manager now (they change after a legacy restore)."""
        return self.new.credentials

    @property
    def state(self) -> MigrationState:
        """The migration's typed records."""
        return self.journal.state

    @property
    def directory(self) -> Path:
        """The migration's private directory."""
        return self.journal.directory

    @property
    def poll(self) -> float:
        """Seconds between two polls."""
        return self.config.timing.poll_interval

    def save(self) -> None:
        """Journal the records as they are now."""
        self.journal.save()

    def emit(self, event: Event) -> None:
        """Send an event to the UI; a failing handler must not break the migration."""
        with contextlib.suppress(Exception):
            self._emit(event)

    def log(self, step: StepId | None, level: str, message: str) -> None:
        """Emit a LogLine (scrubbed of the run's secrets)."""
        self.emit(LogLine(step, level, self.secrets.scrub(message)))

    def relay(self, step: StepId | None, level: str, message: str) -> None:
        """Emit a manager's own words (an execution event) with every secret shape redacted:
        real managers log their database password and the old admin's password hash."""
        self.log(step, level, redact(message))

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

    def cancelled_error(self) -> CancelledError:
        """The error a cancelled wait raises."""
        return CancelledError(
            "Stopped at your request; the journal is consistent.",
            "Run the same command again to resume where it stopped.",
        )

    def check_cancel(self) -> None:
        """Raise CancelledError when the user asked to stop."""
        if self.cancel.is_set():
            raise self.cancelled_error()

    def sleep(self, seconds: float | None = None) -> None:
        """Wait `seconds` (default: the poll interval), waking up at once on cancel."""
        if self.cancel.wait(self.poll if seconds is None else seconds):
            self.check_cancel()

    def wait(
        self,
        ask: Callable[[], T],
        done: Callable[[T], bool],
        *,
        timeout: float,
        progress: Callable[[T, float], None] | None = None,
        interval: float | None = None,
    ) -> Waited[T]:
        """poll_until with this run's poll interval and cancel flag."""
        return poll_until(
            ask,
            done,
            timeout=timeout,
            interval=self.poll if interval is None else interval,
            cancel=self.cancel,
            progress=progress,
            cancelled=self.cancelled_error,
        )

    def ask_person(self, question: Callable[[], T]) -> T:
        """Ask the decider; the time the person takes is not counted as the step's time."""
        started = time.monotonic()
        try:
            return question()
        finally:
            self.waiting_for_person += time.monotonic() - started

    def use_new_credentials(self, credentials: Credentials) -> None:
        """Switch the new manager's client to other credentials (after a legacy restore)."""
        if credentials == self.new_credentials:
            return
        old_client = self.new
        self._new = old_client.with_credentials(credentials)
        self.secrets.add(credentials.password, public=(credentials.username, credentials.tenant))
        old_client.close()
