"""Follow a manager execution's events: stream them as LogLines from where the last drain
stopped, so the user sees the manager's own words while a stage waits. A log that shrank (a
legacy restore replaces the database, events included) is read again from its start."""

from __future__ import annotations

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import CloudifyError
from wizard.migration.context import Context
from wizard.migration.steps import StepId

LEVELS = {"error": "error", "warning": "warning", "warn": "warning", "debug": "debug"}
_PAGE = 100


class EventTail:
    """Streams an execution's events from where it stopped last time (offset kept in memory)."""

    def __init__(self, ctx: Context, step: StepId, execution_id: str, tenant: str | None = None) -> None:
        self.ctx = ctx
        self.step = step
        self.execution_id = execution_id
        self.tenant = tenant
        self.offset = 0
        self._last: tuple[str, str] | None = None

    def drain(self, client: ManagerClient) -> None:
        """Fetch and emit every new event (errors are ignored: events are a courtesy).

        Each read overlaps the last event already shown by one: when that event is not where it
        was, the log was replaced (a legacy restore swaps the database) and is read from its start.
        """
        for _ in range(50):
            start = max(self.offset - 1, 0)
            try:
                page = client.events(self.execution_id, offset=start, size=_PAGE, tenant=self.tenant)
            except CloudifyError:
                return
            items = list(page.items)
            if self.offset:
                first = items[0] if items else None
                if first is None or (first.timestamp, first.message) != self._last:
                    self.offset, self._last = 0, None
                    self.ctx.log(self.step, "info", "(the manager's event log was replaced by the restore)")
                    continue
                items = items[1:]
            for event in items:
                level = (
                    LEVELS.get(event.level.lower(), "info")
                    if event.level
                    else ("error" if event.event_type.endswith("failed") else "info")
                )
                text = event.message or event.event_type
                if text:
                    self.ctx.relay(self.step, level, text)
                self._last = (event.timestamp, event.message)
            self.offset += len(items)
            if len(page.items) < _PAGE:
                return
