"""Ctrl-C for the headless commands, one handler for the whole process.

The first Ctrl-C asks the running command to stop at its next safe point (when it registered a
soft stop), else raises KeyboardInterrupt; a second one ends the process at once with the
"interrupted" line and exit code 130. One handler, installed once, leaves no window (between a
command restoring a handler and the interpreter's exit) in which a Ctrl-C kills the process by
the signal itself, silently.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable

LINE = "\ninterrupted; the journal is consistent: run the same command again to resume"

_soft_stop: Callable[[], None] | None = None
_count = 0


def say_interrupted() -> None:
    """Print the one line every interrupted command ends with."""
    with contextlib.suppress(OSError, ValueError):
        print(LINE, file=sys.stderr, flush=True)


def _on_sigint(_sig: int, _frame: object) -> None:
    global _count
    _count += 1
    if _count == 1 and _soft_stop is not None:
        _soft_stop()
        return
    if _count == 1:
        raise KeyboardInterrupt
    say_interrupted()
    os._exit(130)


def install() -> None:
    """Install the handler (main thread only; a no-op elsewhere)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_sigint)


def on_first_interrupt(callback: Callable[[], None] | None) -> None:
    """What the first Ctrl-C does from now on (None: raise KeyboardInterrupt)."""
    global _soft_stop
    _soft_stop = callback


def quiet_exit() -> None:
    """The command is done: a Ctrl-C while the interpreter shuts down is ignored. (Python puts the
    default disposition back for its own handlers at shutdown, so a late Ctrl-C would otherwise
    kill the process by the signal, after the command already chose its exit code.)"""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
