"""Decisions only a person may take: confirm the restore, give a password, retry failed agents,
go on after a wave of agents failed too often.

The engine asks a `Decider`; the TUI implements it with dialogs, `run` with `HeadlessDecider`.
Every call comes from the engine's thread and may block until the person answers.
"""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class RestoreSummary:
    """What the decider must know before allowing the restore.

    `expected_answer` is what a person must type to confirm (the new manager's host name).
    `overwritten` lists what the restore replaces; `irreversible` what cannot be undone.
    """

    new_manager_host: str
    new_manager_url: str
    new_version: str
    old_manager_url: str
    old_version: str
    snapshot_id: str
    snapshot_format: str
    expected_answer: str
    force: bool = False
    maintenance_mode: bool = False
    overwritten: tuple[str, ...] = field(default_factory=tuple)
    irreversible: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FailedAgent:
    """A deployment whose install_new_agents execution failed."""

    tenant: str
    deployment: str
    execution_id: str | None
    error: str


@dataclass(frozen=True)
class WaveStop:
    """A wave of install_new_agents failed more often than agents.max_failure_rate allows: what
    happened (`description`), which failed, and how many deployments have not been started."""

    description: str
    failed: tuple[FailedAgent, ...]
    remaining: int
    threshold: float


class Decider(Protocol):
    """The person (or policy) that takes the irreversible decisions."""

    def confirm_restore(self, summary: RestoreSummary) -> bool:
        """True to restore. A UI asks the person to type `summary.expected_answer`."""
        ...

    def ask_password(self, manager_label: str, reason: str) -> str | None:
        """A password for `manager_label` ("old" or "new"), or None to give up."""
        ...

    def retry_failed_agents(self, failed: list[FailedAgent]) -> bool:
        """True to start install_new_agents again for these deployments."""
        ...

    def continue_agents(self, stop: WaveStop) -> bool:
        """True to go on with the next waves although this one failed too often."""
        ...


class HeadlessDecider:
    """The unattended decider of `cfy-migrate run`: `--yes` confirms the restore,
    `--retry-failed-agents` retries once; a password is asked only when stdin is a terminal."""

    def __init__(self, assume_yes: bool, retry_failed: bool, *, prompt_passwords: bool | None = None) -> None:
        self.assume_yes = assume_yes
        self.retry_failed = retry_failed
        self.prompt_passwords = sys.stdin.isatty() if prompt_passwords is None else prompt_passwords
        self.refusals: list[str] = []

    def confirm_restore(self, summary: RestoreSummary) -> bool:
        """Yes only with --yes; otherwise record why, for the error message."""
        if not self.assume_yes:
            self.refusals.append(
                f"restoring onto {summary.new_manager_host} overwrites that manager and needs --yes"
            )
        return self.assume_yes

    def ask_password(self, manager_label: str, reason: str) -> str | None:
        """Prompt with getpass when interactive, else None."""
        if not self.prompt_passwords:
            return None
        try:
            answer = getpass.getpass(f"{reason}\nPassword for the {manager_label} manager: ")
        except (EOFError, KeyboardInterrupt):
            return None
        return answer or None

    def retry_failed_agents(self, failed: list[FailedAgent]) -> bool:
        """Retry (once) only when --retry-failed-agents was given."""
        if self.retry_failed:
            self.retry_failed = False  # one retry round; a second failure is reported
            return True
        return False

    def continue_agents(self, stop: WaveStop) -> bool:
        """Never unattended: the run stops (exit 3) and says how to go on; the threshold itself
        (--agent-max-failure-rate) is the unattended way to accept more failures."""
        self.refusals.append(f"install_new_agents stopped after {stop.description}")
        return False
