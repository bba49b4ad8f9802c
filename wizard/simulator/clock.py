"""Time for the simulator: API timestamps and a scheduler that runs workflows over (scaled) time."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from typing import Any


def iso(ts: float | None = None) -> str:
    """A timestamp as the REST API prints it: ``2024-05-01T10:11:12.345Z``."""
    dt = datetime.fromtimestamp(time.time() if ts is None else ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


class Real(float):
    """A delay a workflow yields that is NOT multiplied by the time scale (polling, real waits)."""


#: A workflow is a generator that yields delays (base seconds, or Real for unscaled ones).
Workflow = Generator[float, None, None]


class Scheduler:
    """One background thread that advances every running workflow when its next delay is due.

    Workflows are generators; each ``yield d`` parks the workflow for ``d * time_scale`` seconds
    (``Real`` delays are not scaled). One thread keeps thousands of executions cheap.
    """

    def __init__(self, time_scale: float, on_error: Callable[[BaseException], None] | None = None) -> None:
        self.time_scale = time_scale
        self._heap: list[tuple[float, int, Workflow | Callable[[], Any]]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._on_error = on_error
        self._thread = threading.Thread(target=self._loop, name="sim-scheduler", daemon=True)
        self._thread.start()

    def scaled(self, delay: float) -> float:
        """Real seconds for a base delay."""
        return float(delay) if isinstance(delay, Real) else float(delay) * self.time_scale

    def spawn(self, workflow: Workflow, delay: float = 0.0) -> None:
        """Start advancing a workflow after ``delay`` base seconds."""
        self._push(time.monotonic() + self.scaled(delay), workflow)

    def call_later(self, delay: float, func: Callable[[], Any]) -> None:
        """Run ``func`` once on the scheduler thread after ``delay`` base seconds."""
        self._push(time.monotonic() + self.scaled(delay), func)

    def _push(self, due: float, item: Workflow | Callable[[], Any]) -> None:
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._counter), item))
            self._cond.notify()

    def stop(self) -> None:
        """Stop the thread; pending workflows are dropped."""
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = None if not self._heap else max(0.0, self._heap[0][0] - time.monotonic())
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                _, _, item = heapq.heappop(self._heap)
            self._advance(item)

    def _advance(self, item: Workflow | Callable[[], Any]) -> None:
        try:
            if isinstance(item, Generator):
                delay = next(item)
                self._push(time.monotonic() + self.scaled(delay), item)
            else:
                item()
        except StopIteration:
            return
        except BaseException as exc:  # a broken workflow must not kill the scheduler
            if self._on_error is not None:
                self._on_error(exc)
