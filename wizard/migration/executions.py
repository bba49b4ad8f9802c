"""Follow a manager execution: poll its status, stream its events as LogLines, and turn a
failure into the manager's own words (the last line of its error)."""

from __future__ import annotations

import time

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import CloudifyError
from wizard.cloudify.models import Execution
from wizard.migration.context import Context
from wizard.migration.steps import StepId

LEVELS = {"error": "error", "warning": "warning", "warn": "warning", "debug": "debug"}


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
                page = client.events(self.execution_id, offset=self.offset, size=100, tenant=self.tenant)
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
            if len(page.items) < 100:
                return


def wait_for_execution(
    ctx: Context,
    client: ManagerClient,
    step: StepId,
    execution_id: str,
    *,
    tenant: str | None = None,
    timeout: float,
    label: str,
) -> Execution:
    """Poll until the execution ends (streaming its events); raises CloudifyError on failures
    of the manager, MigrationError-free: the caller decides what a failed execution means."""
    from wizard.migration.errors import MigrationError

    tail = EventTail(ctx, step, execution_id, tenant)
    deadline = time.monotonic() + timeout
    while True:
        ctx.check_cancel()
        execution = client.get_execution(execution_id, tenant=tenant)
        tail.drain(client)
        if execution.finished:
            return execution
        if time.monotonic() > deadline:
            raise MigrationError(
                f"The {label} execution {execution_id} did not finish within {timeout:.0f} s "
                f"(status {execution.status}).",
                "Check it on the manager (`cfy executions get`), then run again to resume.",
            )
        ctx.sleep()
