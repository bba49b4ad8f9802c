"""The upload body: a snapshot archive read from its file one 1 MiB block at a time, with progress,
cancel and the answer deadline once everything is sent. Split from transfer.py (which re-exports it)."""

from __future__ import annotations

import threading
from typing import BinaryIO

from wizard.cloudify import guard as guards
from wizard.cloudify.errors import TransferCancelledError
from wizard.cloudify.models import TransferProgress
from wizard.cloudify.transfer_pump import CHUNK, ProgressFn


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
            raise TransferCancelledError(
                f"upload to {self._url} cancelled at {self.sent} bytes", url=self._url, done=self.sent
            )
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
