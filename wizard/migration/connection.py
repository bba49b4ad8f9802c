"""Test one connection before a migration starts: log in and read the version and our role.

The wizard's "Test connection" button calls this (from a worker thread), so that the TUI never
talks to a manager itself: every request goes through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.cloudify.client import ManagerClient
from wizard.migration.config import ManagerConfig


@dataclass(frozen=True)
class LoginInfo:
    """What test-connection shows: version, edition, and who we are there."""

    url: str
    version: str
    edition: str
    username: str
    role: str
    is_admin: bool

    def summary(self) -> str:
        """One line for the Connect page."""
        admin = "" if self.is_admin else " — not an admin: the migration needs sys_admin"
        return f"Cloudify {self.version} ({self.edition}) · {self.username}, role {self.role}{admin}"


def test_login(manager: ManagerConfig) -> LoginInfo:
    """Log in to one manager and read its version and our role (blocking; CloudifyError on failure)."""
    with ManagerClient(manager.endpoint, manager.credentials, timeout=(5.0, 20.0), retries=1) as client:
        version = client.version()
        user = client.current_user()
    return LoginInfo(manager.url, version.version, version.edition, user.username, user.role, user.is_admin)
