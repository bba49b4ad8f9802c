"""--freeze-old: the old manager in maintenance mode from right after the snapshot to the end.

The old manager stays online for the agents (install_new_agents reaches them through its broker),
and users keep changing it unless told not to; whatever they change after the snapshot is not
migrated. Maintenance mode refuses users' requests while AMQP traffic, /status, /version and the
snapshot endpoints go on (rest-service/manager_rest/constants.py::ALLOWED_MAINTENANCE_ENDPOINTS);
cfy-migrate's own reads pass as an admin's with X-BYPASS-MAINTENANCE.

Journaled (state.freeze) before each POST, and reconciled with the old manager on every start:
- right after the snapshot is created (and before every later step of a resumed run) the old
  manager is frozen, unless it already was in maintenance mode before (then it is not ours, and
  is left as it is at the end);
- at the end of the migration the freeze is lifted; a run that stops *before the restore* (or
  whose restore failed) lifts it too, so that users are not locked out of the manager that is
  still theirs; a later run freezes it again and says the snapshot may miss their changes;
- a run that stops after the restore was posted keeps it frozen: the new manager holds the data now.
"""

from __future__ import annotations

import weakref

from wizard.cloudify.errors import CloudifyError, RequestCancelledError
from wizard.migration.context import Context, StageView
from wizard.migration.failpoints import failpoint
from wizard.migration.steps import StepId
from wizard.migration.storage import utc_now

ACTIVE = ("activated", "activating")
#: steps before which a held freeze is (re)checked; not the report, which every run writes
GUARDED = frozenset(
    {
        StepId.DOWNLOAD,
        StepId.INSPECT_ARCHIVE,
        StepId.PREFLIGHT_NEW,
        StepId.UPLOAD,
        StepId.RESTORE,
        StepId.REAUTHENTICATE,
        StepId.VERIFY_INVENTORY,
        StepId.INSTALL_AGENTS,
    }
)
DEACTIVATE_BY_HAND = (
    "Take it out by hand: `cfy maintenance-mode deactivate` with a profile of the old manager."
)

#: contexts (runs) that have already compared the journal with the old manager's mode
_checked: weakref.WeakSet[Context] = weakref.WeakSet()


def before_step(ctx: Context, step: StepId) -> None:
    """Keep the freeze consistent before a step that comes after the snapshot."""
    if step in GUARDED:
        ensure(ctx)


def after_step(ctx: Context, step: StepId, ok: bool) -> None:
    """Right after the snapshot exists: freeze the old manager."""
    if step is StepId.CREATE_SNAPSHOT and ok:
        ensure(ctx)


def ensure(ctx: Context) -> None:
    """Freeze the old manager if asked and the snapshot exists (idempotent; never fails a step:
    a freeze that cannot be made is a loud warning, the migration goes on)."""
    f = ctx.state.freeze
    if not ctx.config.snapshot.freeze_old or ctx.state.finished or f.found_active:
        return
    if not ctx.state.is_done(StepId.CREATE_SNAPSHOT):
        return
    if f.held and ctx in _checked:
        return
    try:
        _ensure(ctx)
    except RequestCancelledError:
        raise
    except CloudifyError as exc:
        ctx.log(
            None,
            "warning",
            f"Could not put the old manager in maintenance mode: {exc}. Users can still change it; "
            "whatever they change after the snapshot is not migrated.",
        )


def _ensure(ctx: Context) -> None:
    f = ctx.state.freeze
    status = ctx.old.maintenance().status
    _checked.add(ctx)
    if f.held and status in ACTIVE:
        if not f.activated_at:
            f.activated_at = utc_now()
            ctx.save()
        return
    if f.held and f.activated_at:
        ctx.log(
            None,
            "warning",
            f"The old manager left maintenance mode after {f.activated_at} (someone lifted it): what "
            "users changed there since the snapshot is not migrated. Freezing it again.",
        )
    elif f.released_at:
        ctx.log(
            None,
            "warning",
            f"The old manager was usable between {f.released_at} and now ({f.released_why}): what users "
            "changed there since the snapshot is not in it. Freezing it again; start over with --fresh "
            "if they changed something that matters.",
        )
        f.history.append(
            {"activated_at": f.activated_at or "", "released_at": f.released_at, "why": f.released_why}
        )
    elif status in ACTIVE and not f.intent_at:
        f.found_active = True
        ctx.save()
        ctx.log(
            None, "info", "The old manager already is in maintenance mode; it is left as it is at the end."
        )
        return
    f.intent_at, f.activated_at, f.released_at, f.released_why, f.release_error = (
        utc_now(),
        None,
        None,
        "",
        "",
    )
    ctx.save()
    failpoint("freeze.before-activate")
    ctx.old.activate_maintenance()
    failpoint("freeze.after-activate")
    f.activated_at = utc_now()
    ctx.save()
    ctx.log(
        None,
        "info",
        "Froze the old manager: maintenance mode is on (users are refused; agents keep talking to its "
        "broker). It is lifted at the end of the migration, or when a run stops before the restore.",
    )


def at_run_end(ctx: Context, exit_code: int | None) -> None:
    """A run ends (`exit_code`) or the migration object closes (None): lift the freeze at the end
    of the migration, or when the old manager is still the one with the data (no restore posted, or
    the restore failed); otherwise keep it and say so."""
    f = ctx.state.freeze
    if not f.held:
        return
    r = ctx.state.restore
    failed = bool(r.error) or r.status in ("failed", "cancelled")
    if exit_code == 0:
        release(ctx, "the migration finished")
    elif r.posted and not failed:
        if exit_code is not None:
            ctx.log(
                None,
                "info",
                "The old manager stays in maintenance mode: the restore has been made, the new manager "
                "holds the data. It is lifted when the migration finishes (run again). "
                + DEACTIVATE_BY_HAND
                + " if you stop here for good.",
            )
    else:
        release(ctx, "the restore failed" if failed else "the run stopped before the restore")


def release(ctx: Context, why: str) -> None:
    """Take the old manager out of the maintenance mode this migration put it in."""
    f = ctx.state.freeze
    if not f.held:
        return
    try:
        ctx.old.deactivate_maintenance()
    except RequestCancelledError:
        raise
    except CloudifyError as exc:
        f.release_error = str(exc)
        ctx.save()
        ctx.log(
            None,
            "error",
            f"Could not take the old manager out of maintenance mode: {exc}. {DEACTIVATE_BY_HAND}",
        )
        return
    f.released_at, f.released_why, f.release_error = utc_now(), why, ""
    ctx.save()
    ctx.log(None, "info", f"The old manager is out of maintenance mode again ({why}).")


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for the freeze."""
    if not ctx.config.snapshot.freeze_old:
        return []
    o = ctx.config.old.url + "/api/v3.1"
    return [
        f"POST {o}/maintenance/activate   (--freeze-old: right after the snapshot)",
        f"POST {o}/maintenance/deactivate   (at the end, or when a run stops before the restore)",
    ]
