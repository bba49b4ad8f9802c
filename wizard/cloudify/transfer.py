"""Streaming snapshot transfers: download with resume and sha256, upload with Content-Length.

Archives reach many GiB, so nothing here holds more than a few chunks (1 MiB each) in memory.
A download receives into a ring of reused buffers while two helper threads write and sha256
them (see `_pump`); an upload reads the file one chunk at a time. The download lands in
`<destination>.part` (mode 0600, created with os.open) and is renamed only once its size matches
what the server announced; a dropped connection is continued with an HTTP Range request.

This module drives the download; the pump lives in transfer_pump.py and the upload body in
transfer_upload.py, both re-exported here so ``from wizard.cloudify.transfer import X`` keeps working.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import requests
import urllib3

from wizard.cloudify.errors import (
    ChecksumMismatchError,
    ConnectionDroppedError,
    ProtocolError,
    RequestTimeoutError,
    TransferCancelledError,
)
from wizard.cloudify.http import transport_error
from wizard.cloudify.models import TransferProgress, TransferResult
from wizard.cloudify.transfer_pump import (
    CHUNK,
    ProgressFn,
    _direct_reader,
    _progress_hook,
    _pump,
    _pump_chunks,
    _WriteAndHash,
)
from wizard.cloudify.transfer_upload import FileBody

# Every name, including those that moved to transfer_pump/transfer_upload (re-exported).
__all__ = [
    "CHUNK",
    "FILE_MODE",
    "_CONTENT_RANGE",
    "FileBody",
    "OpenStream",
    "ProgressFn",
    "TransferProgress",
    "TransferResult",
    "_WriteAndHash",
    "_content_length",
    "_direct_reader",
    "_hash_existing",
    "_is_network_oserror",
    "_parse_content_range",
    "_progress_hook",
    "_pump",
    "_pump_chunks",
    "_restart",
    "download",
    "part_path",
]

FILE_MODE = 0o600

#: sends the GET for the archive with these extra headers; raises typed errors for transport
#: failures and unexpected statuses (200, 206 and 416 come back as responses)
OpenStream = Callable[[dict[str, str]], requests.Response]


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
            except (
                requests.RequestException,
                urllib3.exceptions.HTTPError,
                http.client.HTTPException,
                OSError,
            ) as exc:
                if isinstance(exc, OSError) and not _is_network_oserror(exc):
                    raise
                if cancel is not None and cancel.is_set():
                    # the client's watchdog shut the socket down because of the cancel
                    handle.flush()
                    done = handle.seek(0, os.SEEK_END)
                    raise TransferCancelledError(
                        f"download of {url} cancelled at {done} bytes",
                        url=url,
                        done=done,
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
