"""One registry of the run's secrets, feeding the journal, the run log, the events and the TUI.

A password never belongs in any of them; free text that crosses the engine (a manager's error
message, an execution's event) is scrubbed of every registered password before it is stored,
logged or shown. Whole words only: a password `default` must not turn `default_tenant` into
`***_tenant`. Structured values (ids, tenant names) are never scrubbed — they cannot hold a
password by construction, and a secret guard that refused them made common passwords unusable.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection


class Secrets:
    """The passwords of this run (thread-safe); `scrub(text)` replaces each with `***`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, secret: str, *, public: Collection[str] = ()) -> None:
        """Register a secret. One equal to a value shown anyway (`public`: the user name, the
        tenant; think admin/admin) or shorter than 3 characters cannot be scrubbed meaningfully."""
        if not secret or len(secret) < 3 or secret in public:
            return
        with self._lock:
            if secret in self._values:
                return
            self._values.add(secret)
            alternatives = "|".join(re.escape(s) for s in sorted(self._values, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")

    def values(self) -> list[str]:
        """The registered secrets (for tests and the TUI's own scrubbing)."""
        with self._lock:
            return sorted(self._values)

    def scrub(self, text: str) -> str:
        """`text` with every registered secret (as a whole word) replaced by `***`."""
        pattern = self._pattern
        if pattern is None or not text:
            return text
        return pattern.sub("***", text)
