"""Waiting for a restore to end, through the REST outage of a legacy restore.

While the restore runs, the new manager's REST service restarts: requests are refused, hang and
get 502, or get 401 with both passwords for a while (it restarted with the old manager's
rest-security.conf before the post-restore commands ran). None of that is a failure; only the
execution's own end is. Afterwards /snapshot-status must say not-running: the flag goes away
only once the post-restore commands (the password switch) have run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from wizard.cloudify.errors import (
    CloudifyError,
    HTTPError,
    NotFoundError,
    ServerError,
    TransportError,
    UnauthorizedError,
)
from wizard.cloudify.models import Execution
from wizard.migration.context import Context
from wizard.migration.executions import EventTail
from wizard.migration.stages.credentials import adopt_working
from wizard.migration.steps import StepId

STEP = StepId.RESTORE
RESTORE_TENANT = "default_tenant"
#: while a restore runs, these mean "the REST service is restarting", not "failed"
TOLERATED = (TransportError, ServerError, UnauthorizedError, NotFoundError)


@dataclass
class Look:
    """One look at the restore: its execution when the manager answered, else why not."""

    execution: Execution | None = None
    outage: str = ""


def look(ctx: Context, execution_id: str) -> Look:
    """GET the restore execution, switching passwords when the old one starts to work."""
    try:
        return Look(ctx.new.get_execution(execution_id, tenant=RESTORE_TENANT))
    except UnauthorizedError:
        adopt_working(ctx, step=STEP)
        return Look(outage="no admin password is accepted yet (the restore is switching them)")
    except TOLERATED as exc:
        return Look(outage=f"the REST service is restarting ({type(exc).__name__})")
    except HTTPError as exc:
        if exc.status < 500:
            raise
        return Look(outage=f"HTTP {exc.status}")


def wait_execution(ctx: Context, execution_id: str) -> tuple[Execution | None, bool]:
    """Follow the restore execution to its end; (final execution or None, timed out)."""
    tail = EventTail(ctx, STEP, execution_id, RESTORE_TENANT)
    noted: set[str] = set()
    started = time.monotonic()

    def ask() -> Look:
        seen = look(ctx, execution_id)
        if seen.execution is not None:
            tail.drain(ctx.new)
        elif seen.outage and seen.outage not in noted:
            noted.add(seen.outage)
            ctx.log(STEP, "info", f"The new manager is not answering normally: {seen.outage}; waiting.")
        return seen

    def progress(seen: Look, _elapsed: float) -> None:
        what = seen.execution.status if seen.execution else "restarting"
        ctx.progress(STEP, time.monotonic() - started, 0, "s", f"restore {what}")

    waited = ctx.wait(
        ask,
        lambda seen: seen.execution is not None and seen.execution.finished,
        timeout=ctx.config.restore.timeout,
        progress=progress,
    )
    return waited.value.execution, waited.timed_out


def restore_running(ctx: Context) -> bool | None:
    """/snapshot-status: True running, False not, None when this manager has none (4.x)."""
    try:
        return ctx.new.snapshot_restore_running()
    except CloudifyError:
        return True  # not answering: the REST service is still restarting


def wait_settled(ctx: Context) -> None:
    """Until /snapshot-status says not-running (the post-restore commands ran)."""
    started = time.monotonic()
    waited = ctx.wait(
        lambda: restore_running(ctx),
        lambda running: not running,
        timeout=max(ctx.config.restore.timeout / 4, 60),
        progress=lambda _r, _s: ctx.progress(
            STEP, time.monotonic() - started, 0, "s", "waiting for the restore to settle"
        ),
    )
    if waited.timed_out:
        ctx.log(STEP, "warning", "/snapshot-status still says running; going on.")


def wait_flag(ctx: Context) -> None:
    """In maintenance mode executions cannot be read: follow /snapshot-status (allowed) until the
    restore has been seen running and is over (or never showed up within a grace period)."""
    seen = [False]
    started = time.monotonic()
    grace = 30 * ctx.poll

    def over(running: bool | None) -> bool:
        if running:
            seen[0] = True
            return False
        return seen[0] or time.monotonic() - started > grace

    ctx.wait(
        lambda: restore_running(ctx),
        over,
        timeout=ctx.config.restore.timeout,
        progress=lambda _r, s: ctx.progress(STEP, s, 0, "s", "restore running (maintenance mode)"),
    )


def activate_maintenance(ctx: Context) -> None:
    """Maintenance mode on the new manager (journaled first), waited until active."""
    r = ctx.state.restore
    r.maintenance_activated = True
    ctx.save()
    ctx.new.activate_maintenance()
    ctx.log(STEP, "info", "Maintenance mode activated on the new manager.")
    ctx.wait(lambda: ctx.new.maintenance().status, lambda s: s == "activated", timeout=600 * ctx.poll)


def deactivate_maintenance(ctx: Context) -> None:
    """Maintenance mode off again, when this migration turned it on (idempotent)."""
    r = ctx.state.restore
    if not r.maintenance_activated or r.maintenance_deactivated:
        return
    if adopt_working(ctx) is None:
        return
    try:
        ctx.new.deactivate_maintenance()
    except CloudifyError as exc:
        ctx.log(None, "warning", f"Could not deactivate maintenance mode: {exc}")
        return
    r.maintenance_deactivated = True
    ctx.save()
    ctx.log(None, "info", "Maintenance mode deactivated on the new manager.")
