"""One place that turns any exception into a dialog's title, message and fix.

The engine's errors carry a remediation and the client's a hint; anything else is a bug, and
the user still gets a sentence that says what to do (the journal is consistent: run again).
Both are said in the wizard's words (wording.py), and known secrets are scrubbed from every text
before it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wizard.cloudify.errors import (
    CloudifyError,
    ForbiddenError,
    HTTPError,
    TLSError,
    TransportError,
    UnauthorizedError,
)
from wizard.migration.errors import BlockedError, CancelledError, ConfigError, JournalError, MigrationError
from wizard.tui.wording import in_wizard_words

RESUME = (
    "Nothing was lost: the journal is consistent. Press the button again, or quit and start "
    "cfy-migrate again later: it offers to resume."
)


@dataclass(frozen=True)
class Explanation:
    """What an error dialog shows."""

    title: str
    message: str
    fix: str


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (of 3+ characters) replaced by ******."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "******")
    return text


def explain(exc: BaseException, secrets: Iterable[str] = ()) -> Explanation:
    """Title, message and fix for `exc` (never a traceback)."""
    secrets = list(secrets)
    if isinstance(exc, ConfigError):
        title, message, fix = "The settings cannot be used", exc.message, exc.remediation
    elif isinstance(exc, JournalError):
        title, message, fix = "The journal cannot be used", exc.message, exc.remediation
    elif isinstance(exc, BlockedError):
        title, message, fix = "Blocked by a check", exc.message, exc.remediation
    elif isinstance(exc, CancelledError):
        title, message, fix = "Cancelled", exc.message, exc.remediation or RESUME
    elif isinstance(exc, MigrationError):
        title, message, fix = "The migration stopped", exc.message, exc.remediation or RESUME
    elif isinstance(exc, UnauthorizedError):
        title = "Wrong user name or password"
        message = f"The manager refused the login: {exc.message}"
        fix = "Check the user name and password for this manager (and the tenant), then try again."
    elif isinstance(exc, ForbiddenError):
        title, message = "Not allowed", exc.message
        fix = (
            "Use an admin user (role sys_admin; the bootstrap admin on the new manager) and check the tenant."
        )
    elif isinstance(exc, TLSError):
        title, message, fix = "TLS / certificate problem", exc.message, exc.hint
    elif isinstance(exc, TransportError):
        title, message, fix = "Cannot reach the manager", exc.message, exc.hint
    elif isinstance(exc, HTTPError):
        title = f"The manager answered HTTP {exc.status}"
        message, fix = exc.message, exc.hint or RESUME
    elif isinstance(exc, CloudifyError):
        title, message, fix = "The manager answered with an error", exc.message, exc.hint or RESUME
    elif isinstance(exc, OSError):
        title = "A local file or network problem"
        message = str(exc)
        fix = "Check free disk space and the permissions of the state directory. " + RESUME
    else:
        title = "Unexpected error"
        message = f"{type(exc).__name__}: {exc}"
        fix = "This is a bug in cfy-migrate; please report it. " + RESUME
    return Explanation(
        title, redact(in_wizard_words(message), secrets), redact(in_wizard_words(fix), secrets)
    )
