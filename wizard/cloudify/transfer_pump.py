"""The download pump: how an archive's body goes from the socket into the ``.part`` file and sha256.

A ring of reused 1 MiB buffers is received into (``readinto``) while two helper threads write and
hash them; a portable urllib3 ``read()`` path is used when the body cannot be read directly. Split
from transfer.py (which drives the download and re-exports every name); CHUNK and ProgressFn live
here because the upload body uses them too."""

from __future__ import annotations

import hashlib
import http.client
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import requests

from wizard.cloudify.errors import TransferCancelledError
from wizard.cloudify.models import TransferProgress

CHUNK = 1024 * 1024

ProgressFn = Callable[[TransferProgress], None]


def _pump(
    response: requests.Response,
    handle: BinaryIO,
    digest: hashlib._Hash,
    done: int,
    total: int | None,
    progress: ProgressFn | None,
    cancel: threading.Event | None,
    url: str,
    part: Path,
) -> tuple[bool, int]:
    """Copy the body into the file chunk by chunk. Returns (reached the end, bytes in the file).

    The body is received straight into a ring of reused 1 MiB buffers (`readinto`: no allocation
    or copy per chunk), and a buffer travels receive -> write -> sha256, each stage in its own
    thread. Socket reads, file writes and hashlib all release the GIL, so the three overlap and
    the slowest of them, not their sum, sets the pace. Whichever way this returns or raises,
    every byte in the file has been hashed and nothing else has.
    """
    touch = _progress_hook(response)
    readinto = _direct_reader(response)
    if readinto is None:
        return _pump_chunks(response, handle, digest, done, total, progress, cancel, url, part)
    shown_total = total or 0
    pipe = _WriteAndHash(handle, digest)
    cancelled = False
    try:
        while True:
            if cancel is not None and cancel.is_set():
                cancelled = True
                break
            buffer = pipe.free_buffer()
            count = readinto(buffer)
            if not count:
                pipe.give_back(buffer)
                break
            if touch is not None:
                touch()
            pipe.push(buffer, count)
            done += count
            if progress is not None:
                progress(TransferProgress(done, shown_total))
    except BaseException:
        pipe.finish(done, reraise=False)
        raise
    done = pipe.finish(done)
    handle.flush()
    if cancelled:
        raise TransferCancelledError(
            f"download of {url} cancelled at {done} bytes", url=url, done=done, part_path=str(part)
        )
    return (total is None or done >= total), done


def _progress_hook(response: requests.Response) -> Callable[[], None] | None:
    """The client's "a chunk came" hook on a streamed response (its stall watchdog), if any."""
    hook = getattr(response, "cfy_progress", None)
    return hook if callable(hook) else None


def _direct_reader(response: requests.Response) -> Callable[[memoryview], int] | None:
    """`readinto` of the http.client response under urllib3's, when the body can be read from it
    directly: nothing consumed or buffered yet and no content coding. None otherwise (the
    portable urllib3 path is used then)."""
    raw = response.raw
    inner = getattr(raw, "_fp", None)
    if not isinstance(inner, http.client.HTTPResponse):
        return None
    if (response.headers.get("Content-Encoding") or "identity").strip().lower() != "identity":
        return None
    buffered = getattr(raw, "_decoded_buffer", None)
    if getattr(raw, "_fp_bytes_read", 1) != 0 or buffered is None or len(buffered) != 0:
        return None
    return inner.readinto


class _WriteAndHash:
    """The write and sha256 stages of `_pump`: two threads and a ring of reused buffers.

    A pushed buffer is written (writer thread), then hashed (hasher thread), then handed back
    to the receiver; order is kept by FIFO queues. A write error stops the writer, is re-raised
    by finish(), and nothing after it is written or hashed.
    """

    SLOTS = 8

    def __init__(self, handle: BinaryIO, digest: hashlib._Hash) -> None:
        self._write = handle.write
        self._update = digest.update
        self._to_write: queue.SimpleQueue[tuple[memoryview, int] | None] = queue.SimpleQueue()
        self._to_hash: queue.SimpleQueue[tuple[memoryview, int] | None] = queue.SimpleQueue()
        self._free: queue.SimpleQueue[memoryview] = queue.SimpleQueue()
        for _ in range(self.SLOTS):
            self._free.put(memoryview(bytearray(CHUNK)))
        self._error: BaseException | None = None
        self._pushed = 0
        self._written = 0
        self._finished = False
        self._writer = threading.Thread(target=self._write_loop, name="download-write", daemon=True)
        self._hasher = threading.Thread(target=self._hash_loop, name="download-sha256", daemon=True)
        self._writer.start()
        self._hasher.start()

    def free_buffer(self) -> memoryview:
        """A buffer done with (waits while writing or hashing is behind); raises a write error."""
        while True:
            if self._error is not None:
                raise self._error
            try:
                return self._free.get(timeout=0.5)
            except queue.Empty:
                continue

    def give_back(self, buffer: memoryview) -> None:
        """Return a buffer that was not used."""
        self._free.put(buffer)

    def push(self, buffer: memoryview, count: int) -> None:
        """Write then hash the first `count` bytes of `buffer`."""
        self._pushed += count
        self._to_write.put((buffer, count))

    def _write_loop(self) -> None:
        write = self._write
        while True:
            item = self._to_write.get()
            if item is None:
                break
            buffer, count = item
            if self._error is None:
                try:
                    write(buffer[:count])
                except BaseException as exc:  # handed to the receiving thread
                    self._error = exc
                else:
                    self._written += count
                    self._to_hash.put(item)
                    continue
            self._free.put(buffer)
        self._to_hash.put(None)

    def _hash_loop(self) -> None:
        update = self._update
        while True:
            item = self._to_hash.get()
            if item is None:
                return
            buffer, count = item
            update(buffer[:count])
            self._free.put(buffer)

    def finish(self, done: int, *, reraise: bool = True) -> int:
        """Write and hash everything pushed, stop both threads; returns `done` less what could not be
        written. Re-raises a write error when `reraise`."""
        if not self._finished:
            self._finished = True
            self._to_write.put(None)
            self._writer.join()
            self._hasher.join()
        if reraise and self._error is not None:
            raise self._error
        return done - (self._pushed - self._written)


def _pump_chunks(
    response: requests.Response,
    handle: BinaryIO,
    digest: hashlib._Hash,
    done: int,
    total: int | None,
    progress: ProgressFn | None,
    cancel: threading.Event | None,
    url: str,
    part: Path,
) -> tuple[bool, int]:
    """The portable path of `_pump`: urllib3's read(), one new bytes object per chunk."""
    touch = _progress_hook(response)
    raw = response.raw
    read = raw.read
    write = handle.write
    update = digest.update
    shown_total = total or 0
    while True:
        if cancel is not None and cancel.is_set():
            handle.flush()
            raise TransferCancelledError(
                f"download of {url} cancelled at {done} bytes", url=url, done=done, part_path=str(part)
            )
        chunk = read(CHUNK, decode_content=False)
        if not chunk:
            break
        if touch is not None:
            touch()
        write(chunk)
        update(chunk)
        done += len(chunk)
        if progress is not None:
            progress(TransferProgress(done, shown_total))
    handle.flush()
    return (total is None or done >= total), done
