"""Crash injection for the kill-and-resume tests: `failpoint("name")` does nothing unless the
environment variable CFY_MIGRATE_FAILPOINT names that point, in which case the process SIGKILLs
itself on the spot (no cleanup, no finally blocks: exactly what a power cut or `kill -9` does).

Syntax: `CFY_MIGRATE_FAILPOINT=name` (first hit) or `name@N` (the N-th hit), comma-separated.
"""

from __future__ import annotations

import os
import signal
import threading

ENV = "CFY_MIGRATE_FAILPOINT"

_hits: dict[str, int] = {}
_lock = threading.Lock()


def _armed() -> dict[str, int]:
    spec = os.environ.get(ENV, "")
    points: dict[str, int] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, nth = part.partition("@")
        points[name] = int(nth) if nth.isdigit() else 1
    return points


def failpoint(name: str) -> None:
    """Kill this process with SIGKILL if `name` is armed (and this is the armed hit)."""
    if ENV not in os.environ:
        return
    armed = _armed()
    if name not in armed:
        return
    with _lock:
        _hits[name] = _hits.get(name, 0) + 1
        hit = _hits[name]
    if hit == armed[name]:
        os.kill(os.getpid(), signal.SIGKILL)
