"""Streaming snapshot transfers: download with resume and sha256, upload with Content-Length.

Archives reach many GiB, so nothing here holds more than a few chunks (1 MiB each) in memory.
A download receives into a ring of reused buffers while two helper threads write and sha256
them (see `_pump`); an upload reads the file one chunk at a time. The download lands in
`<destination>.part` (mode 0600, created with os.open) and is renamed only once its size matches
what the server announced; a dropped connection is continued with an HTTP Range request.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import queue
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import requests
import urllib3

from wizard.cloudify import guard as guards
from wizard.cloudify.errors import (
    ChecksumMismatchError,
    ConnectionDroppedError,
    ProtocolError,
    RequestTimeoutError,
    TransferCancelledError,
)
from wizard.cloudify.http import transport_error
from wizard.cloudify.models import TransferProgress, TransferResult

CHUNK = 1024 * 1024
FILE_MODE = 0o600

#: sends the GET for the archive with these extra headers; raises typed errors for transport
#: failures and unexpected statuses (200, 206 and 416 come back as responses)
OpenStream = Callable[[dict[str, str]], requests.Response]
ProgressFn = Callable[[TransferProgress], None]

_CONTENT_RANGE = re.compile(r"bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)", re.IGNORECASE)


def part_path(destination: Path) -> Path:
    """Where a download in progress lives: `<destination>.part` next to it."""
    return destination.with_name(destination.name + ".part")


def _parse_content_range(value: str | None) -> tuple[int | None, int | None]:
    """(first byte, total) from a Content-Range header; None where absent or `*`."""
    if not value:
        return None, None
    match = _CONTENT_RANGE.search(value)
    if not match:
        return None, None
    start = int(match.group(1)) if match.group(1) is not None else None
    total = int(match.group(3)) if match.group(3) != "*" else None
    return start, total


def _content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _hash_existing(handle: BinaryIO, length: int, digest: hashlib._Hash) -> None:
    handle.seek(0)
    remaining = length
    while remaining > 0:
        block = handle.read(min(CHUNK, remaining))
        if not block:
            break
        digest.update(block)
        remaining -= len(block)
    handle.seek(length)


def download(
    open_stream: OpenStream,
    destination: Path,
    *,
    url: str,
    base_url: str,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    max_resumes: int = 5,
) -> TransferResult:
    """Stream an archive into `destination` through `<destination>.part`, resuming on drops.

    A `.part` left by an earlier run is continued: its bytes are hashed first, then the rest is
    asked for with `Range: bytes=N-`. A 206 continues, a 200 (the server ignored the Range)
    starts over from zero, a 416 means the .part is already complete (or unusable: start over).
    Raises ChecksumMismatchError when the final size differs from the announced one,
    TransferCancelledError when `cancel` is set (the .part is kept), and the transport error of
    the last drop once `max_resumes` resumes are spent.

    `resumed_from` in the result is the offset the last honoured Range request continued from.
    """
    part = part_path(destination)
    fd = os.open(part, os.O_RDWR | os.O_CREAT, FILE_MODE)
    with contextlib.suppress(OSError):  # filesystems without modes
        os.fchmod(fd, FILE_MODE)
    handle = os.fdopen(fd, "r+b")
    digest = hashlib.sha256()
    try:
        done = os.fstat(handle.fileno()).st_size
        if done:
            _hash_existing(handle, done, digest)
        total: int | None = None
        attempts = 0
        resumes_left = max_resumes
        resumed_from = 0
        while True:
            if cancel is not None and cancel.is_set():
                raise TransferCancelledError(
                    f"download of {url} cancelled at {done} bytes", url=url, done=done, part_path=str(part)
                )
            attempts += 1
            headers = {"Accept-Encoding": "identity"}
            if done:
                headers["Range"] = f"bytes={done}-"
            response = open_stream(headers)
            try:
                if response.headers.get("X-Accel-Redirect"):
                    raise ProtocolError(
                        f"{base_url} answered the download with an nginx X-Accel-Redirect and no file: "
                        "the address reaches the REST service directly instead of through nginx",
                        url=url,
                    )
                if response.status_code == 416:
                    _, announced = _parse_content_range(response.headers.get("Content-Range"))
                    if announced is not None and done == announced:
                        total = announced
                        break
                    # the .part is not a prefix of this archive: start over
                    done, digest = _restart(handle)
                    if resumes_left <= 0:
                        raise ChecksumMismatchError(
                            f"the partial download {part} does not match the archive on {base_url}", url=url
                        )
                    resumes_left -= 1
                    continue
                if response.status_code == 206:
                    start, announced = _parse_content_range(response.headers.get("Content-Range"))
                    if start != done:
                        raise ProtocolError(
                            f"{base_url} answered a range request for byte {done} with bytes from {start}",
                            url=url,
                        )
                    resumed_from = done
                    if announced is not None:
                        total = announced
                    else:
                        length = _content_length(response)
                        total = done + length if length is not None else None
                else:
                    if done:
                        done, digest = _restart(handle)
                        resumed_from = 0
                    total = _content_length(response)
                finished, done = _pump(response, handle, digest, done, total, progress, cancel, url, part)
            except (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException,
                    OSError) as exc:
                if isinstance(exc, OSError) and not _is_network_oserror(exc):
                    raise
                if cancel is not None and cancel.is_set():
                    # the client's watchdog shut the socket down because of the cancel
                    handle.flush()
                    done = handle.seek(0, os.SEEK_END)
                    raise TransferCancelledError(
                        f"download of {url} cancelled at {done} bytes", url=url, done=done,
                        part_path=str(part),
                    ) from None
                # every byte written so far was hashed too: continue from the end of the file
                handle.flush()
                done = handle.seek(0, os.SEEK_END)
                error = transport_error(exc, url, base_url=base_url)
                if not isinstance(error, ConnectionDroppedError | RequestTimeoutError) or resumes_left <= 0:
                    raise error from exc
                resumes_left -= 1
                continue
            finally:
                response.close()
            if finished:
                break
            # the stream ended early without an error (no Content-Length enforcement): resume
            if resumes_left <= 0:
                raise ConnectionDroppedError(
                    f"the download from {base_url} ended at {done} of {total} bytes", url=url
                )
            resumes_left -= 1
        handle.flush()
        os.fsync(handle.fileno())
        size = os.fstat(handle.fileno()).st_size
    finally:
        handle.close()
    if total is not None and size != total:
        raise ChecksumMismatchError(
            f"the downloaded archive has {size} bytes but {base_url} announced {total}", url=url
        )
    os.replace(part, destination)
    return TransferResult(size=size, sha256=digest.hexdigest(), resumed_from=resumed_from, attempts=attempts)


def _is_network_oserror(exc: OSError) -> bool:
    """Socket-side OSErrors (resets, timeouts) as opposed to local disk errors (ENOSPC...)."""
    return isinstance(exc, ConnectionError | TimeoutError) or exc.__class__.__module__.startswith(
        ("urllib3", "requests", "http", "ssl", "socket")
    )


def _restart(handle: BinaryIO) -> tuple[int, hashlib._Hash]:
    handle.seek(0)
    handle.truncate(0)
    return 0, hashlib.sha256()


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


class FileBody:
    """A request body read from an open file in 1 MiB blocks, with progress and cancel.

    requests sends a read()-able object with `__len__` as a plain body with Content-Length
    (never chunked), and urllib3 pulls it block by block, so memory stays at one block.
    """

    def __init__(
        self,
        handle: BinaryIO,
        size: int,
        *,
        url: str,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        answer_deadline: float | None = None,
    ) -> None:
        self._handle = handle
        self._answer_deadline = answer_deadline
        self._size = size
        self._url = url
        self._progress = progress
        self._cancel = cancel
        self.sent = 0

    def __len__(self) -> int:
        return self._size - self.sent

    def _all_sent(self) -> None:
        """Everything is sent: from now on the manager's answer has `answer_deadline` seconds
        overall (sending has none: GiBs take as long as they take)."""
        current = guards.current_guard()
        if current is not None and self._answer_deadline is not None:
            current.limit = self._answer_deadline
            current.touch()

    def read(self, amount: int = -1) -> bytes:
        """The next block (at most max(amount, 1 MiB)); raises TransferCancelledError on cancel."""
        if self._cancel is not None and self._cancel.is_set():
            raise TransferCancelledError(f"upload to {self._url} cancelled at {self.sent} bytes",
                                         url=self._url, done=self.sent)
        want = max(amount, CHUNK) if amount and amount > 0 else CHUNK
        want = min(want, self._size - self.sent)
        if want <= 0:
            self._all_sent()
            return b""
        block = self._handle.read(want)
        self.sent += len(block)
        if self._progress is not None:
            self._progress(TransferProgress(self.sent, self._size))
        return block
