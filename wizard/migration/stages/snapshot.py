"""Create the snapshot on the old manager.

Reconciles first: a journaled id is looked up on the old manager (created: done; creating: wait;
failed or gone before the archive was safe: a new snapshot). The id is journaled before the PUT,
so a resume adopts the snapshot instead of creating a second one. Right before the PUT the old
manager's inventory is counted again: that baseline, not the preflight's, is what the restore is
compared with (the old manager may have changed in between).
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, datetime

from wizard.cloudify.errors import CloudifyError, ConflictError, NotFoundError
from wizard.cloudify.models import Snapshot, error_cause, parse_manager_version
from wizard.migration.checks import old_checks
from wizard.migration.context import Context, StageView
from wizard.migration.errors import MigrationError
from wizard.migration.executions import EventTail
from wizard.migration.failpoints import failpoint
from wizard.migration.gate import require
from wizard.migration.inventory import Inventory
from wizard.migration.redact import redact
from wizard.migration.stages.preflight import record_census
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now

STEP = StepId.CREATE_SNAPSHOT
SNAPSHOT_PREFIX = "cfy-migrate-"


def new_snapshot_id() -> str:
    """cfy-migrate-<UTC timestamp>-<4 hex>: starts with a letter, only letters, digits and dashes.
    The random tail keeps two runs started in the same second (a backup from cron and one by
    hand) from taking each other's snapshot for their own."""
    return f"{SNAPSHOT_PREFIX}{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(2)}"


def last_line(text: str) -> str:
    """The cause in a manager's error text (models.error_cause), redacted."""
    return redact(error_cause(text)) or "no reason given"


def _old_is_seven(ctx: Context) -> bool:
    try:
        return parse_manager_version(ctx.state.old_version()).major >= 7
    except ValueError:
        return False


def _find_create_execution(ctx: Context, snapshot_id: str) -> str | None:
    try:
        for ex in ctx.old.executions(
            all_tenants=True, include_system_workflows=True, workflow_id="create_snapshot"
        ):
            if ex.parameters.get("snapshot_id") == snapshot_id:
                return ex.id
    except CloudifyError:
        return None
    return None


def _give_up(ctx: Context, sid: str) -> None:
    s = ctx.state.snapshot
    s.failed_ids.append(sid)
    s.id = s.execution_id = s.intent_at = None
    ctx.save()


def _baseline(ctx: Context, sid: str) -> None:
    """Re-check the old manager and count its inventory right before the PUT."""
    result = old_checks(ctx.old, ctx.config.old, ctx.config, with_inventory=True, ignore_snapshot_id=sid)
    require(ctx, STEP, result.findings)
    if result.inventory is None:
        return
    before = ctx.state.inventory.old
    if before is not None and Inventory.from_json(before).to_json() != result.inventory.to_json():
        ctx.log(
            STEP,
            "warning",
            f"The old manager changed since the preflight ({Inventory.from_json(before).summary()} -> "
            f"{result.inventory.summary()}); the snapshot takes it as it is now, and the restore is "
            "compared with that.",
        )
    ctx.state.inventory.old = result.inventory.to_json()
    ctx.state.inventory.old_at = utc_now()
    if result.census is not None:
        record_census(ctx, result.census)
    ctx.save()


def run(ctx: Context) -> StepOutcome:
    """PUT /snapshots/<id> on the old manager (id journaled first) and wait for `created`."""
    s = ctx.state.snapshot
    snap: Snapshot | None = None
    adopted = False
    if s.id:
        try:
            snap = ctx.old.get_snapshot(s.id)
            adopted = True
            ctx.log(
                STEP,
                "info",
                f"Snapshot {s.id} already exists on the old manager ({snap.status}); adopting it.",
            )
        except NotFoundError:
            snap = None
    else:
        sid = new_snapshot_id()
        used = {*s.failed_ids, *s.replaced_ids}
        n = 1
        while sid in used:  # a snapshot given up on this second: the next one must differ
            sid, n = f"{new_snapshot_id()}{n}", n + 1
        s.id, s.intent_at = sid, utc_now()
        ctx.save()
    sid = s.id
    assert sid is not None
    if snap is not None and snap.status == "failed":
        _give_up(ctx, sid)
        raise MigrationError(
            f"The snapshot {sid} failed on the old manager: {last_line(snap.error)}.",
            "Fix the cause on the old manager (see its create_snapshot execution), then run again: a new "
            "snapshot is created.",
        )
    if snap is None:
        _baseline(ctx, sid)
        failpoint("snapshot.before-put")
        try:
            execution = ctx.old.create_snapshot(
                sid,
                include_credentials=ctx.config.snapshot.include_credentials,
                include_logs=ctx.config.snapshot.include_logs,
                include_events=ctx.config.snapshot.include_events,
                queue=ctx.config.snapshot.queue,
                legacy=ctx.config.snapshot.legacy if _old_is_seven(ctx) else None,
            )
            s.execution_id = execution.id
            ctx.save()
            ctx.log(STEP, "info", f"Snapshot {sid} requested (execution {execution.id}).")
        except ConflictError:
            ctx.log(
                STEP, "info", f"Snapshot {sid} already exists (an earlier request got through); adopting it."
            )
            adopted = True
        failpoint("snapshot.after-put")
    if not s.execution_id:
        s.execution_id = _find_create_execution(ctx, sid)
        ctx.save()
    tail = EventTail(ctx, STEP, s.execution_id) if s.execution_id else None

    def ask() -> Snapshot:
        current = ctx.old.get_snapshot(sid)
        if tail is not None:
            tail.drain(ctx.old)
        return current

    waited = ctx.wait(
        ask,
        lambda current: current.status in ("created", "failed"),
        timeout=ctx.config.restore.timeout,
        progress=lambda current, _s: ctx.progress(STEP, 0, 0, "", f"snapshot {sid}: {current.status}"),
    )
    snap = waited.value
    if snap.status == "failed":
        reason = last_line(snap.error)
        if s.execution_id:
            with contextlib.suppress(CloudifyError):
                reason = redact(ctx.old.get_execution(s.execution_id).error_summary) or reason
        _give_up(ctx, sid)
        raise MigrationError(
            f"Creating the snapshot failed on the old manager: {reason}",
            "Fix the cause on the old manager, then run again (a new snapshot is made).",
        )
    if waited.timed_out:
        raise MigrationError(
            f"The snapshot {sid} is still {snap.status} after {ctx.config.restore.timeout:.0f} s.",
            "Check the create_snapshot execution on the old manager, then run again to keep waiting.",
        )
    s.created_at = snap.created_at or utc_now()
    ctx.save()
    return StepOutcome(STEP, Outcome.DONE, f"snapshot {sid} created" + (" (adopted)" if adopted else ""))


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for this stage."""
    o = ctx.config.old.url + "/api/v3.1"
    sid = ctx.state.snapshot.id or new_snapshot_id()
    opts = ctx.config.snapshot
    body = (
        f'{{"include_credentials": {str(opts.include_credentials).lower()}, "include_logs": '
        f'{str(opts.include_logs).lower()}, "include_events": {str(opts.include_events).lower()}, '
        f'"queue": {str(opts.queue).lower()}}}'
    )
    legacy = f' (plus "legacy": {str(opts.legacy).lower()} if the old manager runs 7.x)'
    return [
        f"GET {o}/blueprints, /deployments, /node-instances   (counted again right before the snapshot)",
        f"PUT {o}/snapshots/{sid} {body}{legacy}",
        f"GET {o}/snapshots/{sid}   (until status created) + GET {o}/events?execution_id=…",
    ]
