"""The one way the engine waits: `poll_until`, with a deadline, the cancel flag and progress.

Every wait of a migration (snapshot created, restore finished, /snapshot-status settled,
maintenance mode active, the no-password window after a legacy restore) is this loop with a
different question, so deadlines, cancellation and progress behave the same everywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from wizard.migration.errors import CancelledError

T = TypeVar("T")


@dataclass(frozen=True)
class Waited(Generic[T]):
    """How a wait ended: `value` is the last answer, `timed_out` whether the deadline passed."""

    value: T
    timed_out: bool
    seconds: float


def poll_until(
    ask: Callable[[], T],
    done: Callable[[T], bool],
    *,
    timeout: float,
    interval: float,
    cancel: threading.Event,
    progress: Callable[[T, float], None] | None = None,
    cancelled: Callable[[], CancelledError] | None = None,
) -> Waited[T]:
    """Call `ask()` every `interval` seconds until `done(answer)` or `timeout` seconds passed.

    `progress(answer, elapsed)` is called after each answer that is not done. A set `cancel`
    wakes the wait at once and raises `cancelled()` (default: a plain CancelledError).
    """
    started = time.monotonic()
    deadline = started + max(timeout, 0.0)
    while True:
        if cancel.is_set():
            raise (cancelled or _cancelled)()
        cycle = time.monotonic()
        answer = ask()
        elapsed = time.monotonic() - started
        if done(answer):
            return Waited(answer, False, elapsed)
        if time.monotonic() >= deadline:
            return Waited(answer, True, elapsed)
        if progress is not None:
            progress(answer, elapsed)
        # a steady cadence: the question's own time counts against the interval
        pause = max(0.0, min(interval - (time.monotonic() - cycle), deadline - time.monotonic()))
        if cancel.wait(pause):
            raise (cancelled or _cancelled)()


def _cancelled() -> CancelledError:
    return CancelledError(
        "Stopped at your request; the journal is consistent.",
        "Run the same command again to resume where it stopped.",
    )
