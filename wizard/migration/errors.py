"""Typed engine errors: each says what went wrong and what to do (`remediation`), never a traceback."""

from __future__ import annotations


class MigrationError(Exception):
    """An error the user can act on. `str()` is the message; `remediation` says what to do next."""

    exit_code = 1

    def __init__(self, message: str, remediation: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remediation = remediation

    def __str__(self) -> str:
        return self.message

    def full_text(self) -> str:
        """The message and the remediation in one paragraph, for terminals and logs."""
        if self.remediation:
            return f"{self.message} {self.remediation}"
        return self.message


class ConfigError(MigrationError):
    """The configuration (flags, file, environment, profile, password source) cannot be used."""


class JournalError(MigrationError):
    """The journal cannot be read or written (corrupt file, permissions, disk)."""


class BlockedError(MigrationError):
    """A blocking finding stops the step (exit code 2)."""

    exit_code = 2


class CancelledError(MigrationError):
    """The user asked to stop; the journal is consistent and the run can be resumed."""

    exit_code = 130


class DeclinedError(MigrationError):
    """The person (or a headless run without --yes) did not allow the upload and restore; nothing
    was sent to the new manager (exit code 2, like a blocker)."""

    exit_code = 2
