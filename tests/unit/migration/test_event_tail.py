"""EventTail: a manager's event log read page by page; one replaced by a legacy restore (the
database swap takes the events with it) is noticed and read again from its start."""

from __future__ import annotations

import threading
from pathlib import Path

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.cloudify.models import Event, Page
from wizard.migration.config import ManagerConfig, MigrationConfig
from wizard.migration.context import Context
from wizard.migration.events import Event as EngineEvent
from wizard.migration.events import LogLine
from wizard.migration.executions import EventTail
from wizard.migration.secrets import Secrets
from wizard.migration.state import Journal
from wizard.migration.steps import StepId


class EventLog:
    """A manager's /events for one execution, as a list that a restore may replace."""

    def __init__(self, messages: list[str]) -> None:
        self.events = [Event(f"2026-01-01T00:00:{i:02d}Z", "cloudify_log", m) for i, m in enumerate(messages)]

    def events_page(self, offset: int, size: int) -> Page[Event]:
        return Page(self.events[offset : offset + size], len(self.events), size, offset)


class Client:
    def __init__(self, log: EventLog) -> None:
        self.log = log

    def events(self, _execution_id: str, *, offset: int, size: int, tenant: str | None = None) -> Page[Event]:
        return self.log.events_page(offset, size)


def _ctx(tmp_path: Path, seen: list[EngineEvent]) -> Context:
    manager = ManagerConfig("old", Endpoint.parse("http://127.0.0.1:1"), Credentials("admin", "x" * 8))
    config = MigrationConfig(old=manager, new=manager, state_dir=tmp_path)
    journal = Journal.create(tmp_path, "m1", "a", "b", {})
    client = ManagerClient(manager.endpoint, manager.credentials)  # never asked: the tail gets its own
    return Context(
        config, journal, emit=seen.append, decider=None,  # type: ignore[arg-type]
        cancel=threading.Event(), old_client=client, new_client=client, secrets=Secrets(),
    )  # fmt: skip


def test_a_replaced_log_is_read_from_its_start(tmp_path: Path) -> None:
    seen: list[EngineEvent] = []
    ctx = _ctx(tmp_path, seen)
    log = EventLog(["Starting restore", "Fetching snapshot archive", "Using legacy format"])
    tail = EventTail(ctx, StepId.RESTORE, "e1")
    tail.drain(Client(log))  # type: ignore[arg-type]
    log.events = EventLog(
        ["Restoring database", "DB restored", "Init Postgres config", "More", "Done"]
    ).events
    tail.drain(Client(log))  # type: ignore[arg-type]
    log.events.append(Event("2026-01-01T00:01:00Z", "cloudify_log", "Successfully restored"))
    tail.drain(Client(log))  # type: ignore[arg-type]
    lines = [e.message for e in seen if isinstance(e, LogLine)]
    assert lines == [
        "Starting restore",
        "Fetching snapshot archive",
        "Using legacy format",
        "(the manager's event log was replaced by the restore)",
        "Restoring database",
        "DB restored",
        "Init Postgres config",
        "More",
        "Done",
        "Successfully restored",
    ]


def test_secrets_in_relayed_events_are_redacted(tmp_path: Path) -> None:
    seen: list[EngineEvent] = []
    ctx = _ctx(tmp_path, seen)
    log = EventLog(["UPDATE users SET password='$pbkdf2-sha256$29000$abc$def' WHERE id=0"])
    EventTail(ctx, StepId.RESTORE, "e1").drain(Client(log))  # type: ignore[arg-type]
    (line,) = [e.message for e in seen if isinstance(e, LogLine)]
    assert "pbkdf2" not in line and "password='***'" in line
