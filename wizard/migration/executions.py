"""Follow a manager execution's events: stream them as LogLines from where the last drain
stopped, so the user sees the manager's own words while a stage waits."""

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

    def drain(self, client: ManagerClient) -> None:
        """Fetch and emit every new event (errors are ignored: events are a courtesy)."""
        for _ in range(50):
            try:
                page = client.events(self.execution_id, offset=self.offset, size=_PAGE, tenant=self.tenant)
            except CloudifyError:
                return
            for event in page.items:
                level = (
                    LEVELS.get(event.level.lower(), "info")
                    if event.level
                    else ("error" if event.event_type.endswith("failed") else "info")
                )
                text = event.message or event.event_type
                if text:
                    self.ctx.log(self.step, level, text)
            self.offset += len(page.items)
            if len(page.items) < _PAGE:
                return
