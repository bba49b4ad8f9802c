"""Time limits, cancellation and pacing for every request a ManagerClient sends.

Why this exists: socket timeouts alone bound one `recv`, not a request. A server that trickles
its headers one byte at a time never trips them, a silent one trips them once per retry, and a
thread blocked in `recv` ignores Ctrl-C. So each request gets a `Guard`:

- the request runs in a short-lived worker thread while the calling thread waits in slices of
  0.1 s, so a Ctrl-C (KeyboardInterrupt) or the client's cancel event is noticed at once, even
  during DNS or a TCP connect that the kernel will not interrupt;
- every socket urllib3 sends the request on is recorded, so stopping the request is a
  `shutdown()` of that socket: whatever reads or writes it wakes up at once (a "watchdog that
  closes the socket");
- an overall deadline per attempt (headers and, for non-streamed answers, the body) is checked
  by the waiting thread; a streamed body is watched by one process-wide monitor thread for the
  cancel event and for progress (each chunk of it must come within the same limit);
- before each attempt (urllib3's retries included) the worker takes a token from the client's
  `TokenBucket`, so a manager's nginx limit_req (10 r/s, burst 30) is never hit by us alone.

An aborted guard refuses to start another attempt, so an abandoned worker can never send a
request after the user asked to stop.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

T = TypeVar("T")

#: how often a waiting caller looks at its cancel event and deadline (seconds)
POLL = 0.1
#: how long the caller waits for an aborted worker to give its connection back
ABANDON_GRACE = 0.5
#: the monitor thread's tick for streamed bodies
MONITOR_TICK = 0.2

CANCELLED = "cancelled"
DEADLINE = "deadline"
INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Pace:
    """Client-side pacing: at most `rate` requests per second on average, `burst` at once.

    The default stays below a real manager's nginx limit_req (rate 10 r/s, burst 30 per client
    address), which answers 503 to anything above it, and within 1.2x of what that limit allows
    (8 r/s would be 1.25x).
    """

    rate: float = 9.0
    burst: int = 20

    @property
    def enabled(self) -> bool:
        """False for a zero rate (pacing off)."""
        return self.rate > 0 and self.burst > 0


DEFAULT_PACE = Pace()


class TokenBucket:
    """A thread-safe token bucket shared by every request to one manager.

    `acquire` takes one token, waiting (cancellably) until one is there. Tokens refill at
    `pace.rate` per second up to `pace.burst`.
    """

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self._tokens = float(pace.burst)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def _reserve(self) -> float:
        """Take a token now or book the next one; returns how long to wait for it."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(float(self.pace.burst), self._tokens + (now - self._stamp) * self.pace.rate)
            self._stamp = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.pace.rate

    def _refund(self) -> None:
        with self._lock:
            self._tokens = min(float(self.pace.burst), self._tokens + 1.0)

    def acquire(self, stop: threading.Event | None = None) -> bool:
        """Wait for a token; False (and the token given back) when `stop` was set first."""
        wait = self._reserve()
        if wait <= 0:
            return True
        if stop is None:
            time.sleep(wait)
            return True
        if stop.wait(wait):
            self._refund()
            return False
        return True


class RequestAborted(Exception):
    """Raised inside the worker when its guard was aborted: no further attempt is sent.

    Not an OSError or HTTPException on purpose: urllib3 must not catch it and retry.
    """


class Guard:
    """One request in flight: its cancel event, its per-attempt deadline and its sockets."""

    def __init__(
        self,
        *,
        cancel: tuple[threading.Event, ...] = (),
        limit: float | None,
        bucket: TokenBucket | None,
    ) -> None:
        self.cancel = cancel
        self.limit = limit
        self.bucket = bucket
        self.deadline: float | None = None
        self.reason: str | None = None
        self.aborted = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    # -- worker side ------------------------------------------------------------------------
    def start_attempt(self, sock: socket.socket | None) -> None:
        """Before urllib3 sends an attempt: pace it, start its deadline, remember its socket."""
        if self.aborted.is_set():
            raise RequestAborted(self.reason or CANCELLED)
        if self.bucket is not None and not self.bucket.acquire(self.aborted):
            raise RequestAborted(self.reason or CANCELLED)
        with self._lock:
            if sock is not None and sock not in self._sockets:
                self._sockets.append(sock)
            self.deadline = None if self.limit is None else time.monotonic() + self.limit
            aborted = self.aborted.is_set()
        if aborted:
            self._shutdown_all()
            raise RequestAborted(self.reason or CANCELLED)

    def pause_deadline(self) -> None:
        """No deadline while urllib3 waits between attempts (backoff, Retry-After)."""
        with self._lock:
            self.deadline = None

    def touch(self) -> None:
        """A streamed body made progress (one chunk read): its deadline starts again."""
        if self.limit is not None:
            with self._lock:
                self.deadline = time.monotonic() + self.limit

    def sleep(self, seconds: float) -> None:
        """A pause between attempts that ends at once when the guard is aborted."""
        self.pause_deadline()
        if seconds > 0 and self.aborted.wait(seconds):
            raise RequestAborted(self.reason or CANCELLED)

    # -- watcher side -----------------------------------------------------------------------
    def due(self) -> str | None:
        """Why this request must stop now (cancel set, deadline passed), or None."""
        if any(event.is_set() for event in self.cancel):
            return CANCELLED
        deadline = self.deadline
        if deadline is not None and time.monotonic() > deadline:
            return DEADLINE
        return None

    def abort(self, reason: str) -> None:
        """Stop the request: remember why, wake every wait, shut its sockets down."""
        with self._lock:
            if self.reason is None:
                self.reason = reason
        self.aborted.set()
        self._shutdown_all()

    def _shutdown_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError, ValueError):
                # the plain socket's shutdown, also for an SSLSocket: it wakes a blocked recv or
                # send without touching the TLS object another thread is inside of
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


_local = threading.local()


def current_guard() -> Guard | None:
    """The guard of the request this thread is sending (None outside a guarded request)."""
    guard: Guard | None = getattr(_local, "guard", None)
    return guard


def run(fn: Callable[[], T], guard: Guard) -> T:
    """Run `fn` (one requests call) in a worker thread under `guard`, waiting cancellably.

    Raises RequestAborted when the guard was aborted (deadline, cancel, or a KeyboardInterrupt
    in this thread, which is re-raised as such).
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        _local.guard = guard
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the waiting thread
            box["error"] = exc
        finally:
            _local.guard = None
            done.set()

    worker = threading.Thread(target=work, name="cfy-request", daemon=True)
    worker.start()
    try:
        while not done.wait(POLL):
            reason = guard.due()
            if reason is not None:
                guard.abort(reason)
                done.wait(ABANDON_GRACE)
                break
    except BaseException:
        guard.abort(INTERRUPTED)
        raise
    if guard.reason is not None:
        value = box.get("value")
        close = getattr(value, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()
        raise RequestAborted(guard.reason)
    if "error" in box:
        error: BaseException = box["error"]
        raise error
    result: T = box["value"]
    return result


# -- the monitor of streamed bodies ---------------------------------------------------------------
class _Monitor:
    """One daemon thread that aborts the guards of streamed bodies whose cancel event is set."""

    def __init__(self) -> None:
        self._guards: set[Guard] = set()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, guard: Guard) -> None:
        with self._cond:
            self._guards.add(guard)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="cfy-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def forget(self, guard: Guard) -> None:
        with self._cond:
            self._guards.discard(guard)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._guards:
                    self._cond.wait()
                guards = list(self._guards)
            for guard in guards:
                reason = guard.due()
                if reason is not None:
                    guard.abort(reason)
                    self.forget(guard)
            time.sleep(MONITOR_TICK)


MONITOR = _Monitor()


#: a streamed body must deliver each chunk (1 MiB) within max(the deadline, this) seconds
MIN_CHUNK_LIMIT = 120.0


def watch_stream(guard: Guard, response: Any) -> None:
    """Keep watching a streamed response's guard until the response is closed: the cancel
    event, and body progress (each 1 MiB chunk must come within max(limit, MIN_CHUNK_LIMIT) s;
    the reader calls `response.cfy_progress()` after each one, which pushes the deadline on).
    A stalled body is shut down; the download then resumes with a Range request."""
    if guard.limit is not None:
        guard.limit = max(guard.limit, MIN_CHUNK_LIMIT)
    guard.touch()
    response.cfy_progress = guard.touch
    MONITOR.watch(guard)
    original = response.close

    def close() -> None:
        try:
            original()
        finally:
            MONITOR.forget(guard)

    response.close = close


# -- urllib3 connections that report to the guard ---------------------------------------------
class _GuardedMixin:
    """Hooks `request()` so each attempt is paced, timed and its socket known to the guard."""

    sock: socket.socket | None

    def request(self, *args: Any, **kwargs: Any) -> None:
        guard = current_guard()
        if guard is not None:
            if self.sock is None:
                self.connect()  # type: ignore[attr-defined]
            guard.start_attempt(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class GuardedHTTPConnection(_GuardedMixin, HTTPConnection):
    """urllib3's HTTPConnection, reporting to the current request's guard."""


class GuardedHTTPSConnection(_GuardedMixin, HTTPSConnection):
    """urllib3's HTTPSConnection, reporting to the current request's guard."""


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    """A pool of GuardedHTTPConnection."""

    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    """A pool of GuardedHTTPSConnection."""

    ConnectionCls = GuardedHTTPSConnection


POOL_CLASSES: dict[str, type[HTTPConnectionPool]] = {
    "http": GuardedHTTPConnectionPool,
    "https": GuardedHTTPSConnectionPool,
}
