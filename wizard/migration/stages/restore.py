"""Restore the snapshot on the new manager: the one irreversible step.

A restore is posted once: its intent is journaled before the POST, and a resume looks for the
execution it may have started before ever posting another. Once posted it is never "cancelled":
Esc or quit only stops following it (DETACHED), and the next start attaches to the same
execution. A failed restore is not retried on the same manager (it is half-restored); when the
manager was reinstalled since (it knows neither the execution nor the snapshot and is empty),
the upload and restore are done afresh.
"""

from __future__ import annotations

from wizard.cloudify.errors import CloudifyError, NotFoundError, RequestCancelledError
from wizard.cloudify.models import Execution
from wizard.migration.context import Context, StageView
from wizard.migration.errors import CancelledError, MigrationError
from wizard.migration.failpoints import failpoint
from wizard.migration.findings import Status
from wizard.migration.redact import redact
from wizard.migration.stages import certificates
from wizard.migration.stages.archive_check import ensure_archive
from wizard.migration.stages.confirm import confirm
from wizard.migration.stages.credentials import adopt_working
from wizard.migration.stages.preflight import recheck_new
from wizard.migration.stages.restore_wait import (
    activate_maintenance,
    deactivate_maintenance,
    restore_running,
    wait_execution,
    wait_flag,
    wait_settled,
)
from wizard.migration.stages.rewind import Rewind
from wizard.migration.stages.upload import on_manager
from wizard.migration.state import RestoreRecord, UploadRecord
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now

STEP = StepId.RESTORE
#: how long a resumed run waits for the new manager to accept a login again (a legacy restore
#: restarts the REST service twice and accepts no password for ~30 s on a real 7.1 manager)
LOGIN_WAIT = 180.0
REINSTALL = (
    "A failed restore leaves the new manager half-restored: read the restore_snapshot execution's events "
    "there, reinstall the new manager clean, then run again — cfy-migrate sees the fresh manager and "
    "uploads and restores afresh."
)


def _restore_executions(ctx: Context) -> list[Execution]:
    return list(
        ctx.new.executions(all_tenants=True, include_system_workflows=True, workflow_id="restore_snapshot")
    )


def _find_posted(ctx: Context, sid: str) -> None:
    """A restore intent was journaled but no execution id: did the POST happen? Sets the
    execution id (or the evidence) when it did."""
    r = ctx.state.restore
    if r.maintenance_activated and not r.maintenance_deactivated:
        wait_flag(ctx)
        deactivate_maintenance(ctx)
    # a restore in its no-password window (or restarting) answers no login for a while
    if (
        ctx.wait(lambda: adopt_working(ctx, step=STEP), lambda c: c is not None, timeout=LOGIN_WAIT).value
        is None
    ):
        raise MigrationError(
            f"The new manager accepted neither the old nor the new admin password for {LOGIN_WAIT:.0f} s.",
            "Check that it is up (a restore may still be running there), then run again.",
        )
    baseline = set(r.baseline_ids)
    for ex in _restore_executions(ctx):
        snap = ex.parameters.get("snapshot_id")
        if snap == sid or (snap is None and ex.id not in baseline):
            r.execution_id = ex.id
            ctx.save()
            ctx.log(STEP, "info", f"Found the restore started by the interrupted run: execution {ex.id}.")
            return
    if restore_running(ctx) is True:
        r.evidence = "a restore was running on the new manager"
    elif r.clean_before and _item_count(ctx):
        r.evidence = "the new manager was no longer clean"
    if r.evidence:
        ctx.save()
        ctx.log(STEP, "info", f"The interrupted run's restore happened: {r.evidence}.")


def _item_count(ctx: Context) -> int:
    try:
        return ctx.new.count("blueprints", all_tenants=True) + ctx.new.count("deployments", all_tenants=True)
    except CloudifyError:
        return 0


def _post(ctx: Context, sid: str) -> None:
    """Re-check, verify the archive, confirm, (maintenance mode), POST (intent journaled first)."""
    r = ctx.state.restore
    findings = recheck_new(ctx, STEP)
    clean = next((f for f in findings if f.id == "new.clean"), None)
    force = clean is not None and clean.status is Status.FAIL  # reached here => waived
    if not on_manager(ctx, sid):
        ctx.state.upload = UploadRecord()
        ctx.save()
        raise Rewind(
            (StepId.UPLOAD,), f"The snapshot {sid} is not on the new manager (any more); uploading it again."
        )
    ensure_archive(ctx, STEP)
    confirm(ctx, STEP, force=force)
    certificates.prepare(ctx)
    # listed before maintenance mode: /executions is refused while it is active
    baseline = [ex.id for ex in _restore_executions(ctx)]
    if ctx.config.restore.maintenance_mode:
        if ctx.new.snapshot_restore_running() is None:
            ctx.log(
                STEP,
                "warning",
                "Maintenance mode skipped: this manager has no /snapshot-status, so "
                "the restore could not be followed while executions are hidden.",
            )
        else:
            activate_maintenance(ctx)
    r.intent_at, r.force, r.baseline_ids, r.clean_before = utc_now(), force, baseline, not force
    ctx.save()
    failpoint("restore.before-post")
    execution = ctx.new.restore_snapshot(
        sid,
        force=force,
        restore_certificates=ctx.config.restore.restore_certificates,
        no_reboot=ctx.config.restore.restore_certificates and ctx.config.restore.no_reboot,
        tenant=ctx.config.new_manager.credentials.tenant,
    )
    failpoint("restore.after-post")
    r.execution_id = execution.id
    ctx.save()
    ctx.log(STEP, "info", f"Restore started: execution {execution.id}.")


def _attach(ctx: Context, sid: str) -> None:
    """Before following a restore posted earlier: is it still known, and did it fail?"""
    r = ctx.state.restore
    adopt_working(ctx, step=STEP)
    if not r.execution_id:
        return
    try:
        ex = ctx.new.get_execution(r.execution_id, tenant="default_tenant")
    except NotFoundError as exc:
        if (
            exc.error_code
            and restore_running(ctx) is not True
            and not _snapshot_there(ctx, sid)
            and not _item_count(ctx)
        ):
            _abandon(
                ctx, "the new manager knows neither the restore execution nor the snapshot, and is empty"
            )
        return  # a 404 from a restarting REST service: keep waiting
    except CloudifyError:
        return  # the REST service is restarting: the wait tolerates it
    if ex.finished and not ex.succeeded:
        r.status, r.error = ex.status, redact(ex.error_summary or ex.status)
        ctx.save()
        raise MigrationError(f"The restore {ex.id} failed on the new manager: {r.error}", REINSTALL)
    ctx.log(STEP, "info", f"Following the restore started earlier: execution {ex.id} ({ex.status}).")


def _snapshot_there(ctx: Context, sid: str) -> bool:
    try:
        ctx.new.get_snapshot(sid)
    except NotFoundError:
        return False
    except CloudifyError:
        return True
    return True


def _abandon(ctx: Context, why: str) -> None:
    r = ctx.state.restore
    gone = {"execution_id": r.execution_id or "", "status": r.status or "", "why": why, "at": utc_now()}
    ctx.state.restore = RestoreRecord(abandoned=[*r.abandoned, gone])
    ctx.state.upload = UploadRecord()
    ctx.save()
    raise Rewind(
        (StepId.UPLOAD, StepId.RESTORE),
        f"The earlier restore ({gone['execution_id']}) is gone: {why} (reinstalled?). Uploading and "
        "restoring again.",
    )


def _follow(ctx: Context) -> StepOutcome:
    r = ctx.state.restore
    if r.maintenance_activated and not r.maintenance_deactivated:
        wait_flag(ctx)
        deactivate_maintenance(ctx)
    final: Execution | None = None
    if r.execution_id:
        final, timed_out = wait_execution(ctx, r.execution_id)
        if timed_out:
            raise MigrationError(
                f"The restore has not finished after {ctx.config.restore.timeout:.0f} s.",
                "Check the restore_snapshot execution on the new manager; run again to keep waiting.",
            )
    (certificates.wait_settled if certificates.reboots(ctx.config) else wait_settled)(ctx)
    if final is not None and not final.succeeded:
        deactivate_maintenance(ctx)
        r.status, r.error = final.status, redact(final.error_summary or final.status)
        ctx.save()
        raise MigrationError(f"The restore failed on the new manager: {r.error}", REINSTALL)
    certificates.after_restore(ctx)
    r.finished_at, r.status = utc_now(), final.status if final else "unknown"
    ctx.save()
    return StepOutcome(STEP, Outcome.DONE, f"restore {r.status}")


def run(ctx: Context) -> StepOutcome:
    """Post the restore once (see the module docstring), then follow it to its end."""
    sid = ctx.state.snapshot.id or ""
    r = ctx.state.restore
    if r.intent_at and not r.posted:
        _find_posted(ctx, sid)
    if r.posted:
        _attach(ctx, sid)
    else:
        _post(ctx, sid)
    try:
        return _follow(ctx)
    except (CancelledError, RequestCancelledError):
        r.detached_at = utc_now()
        ctx.save()
        return StepOutcome(
            STEP,
            Outcome.DETACHED,
            "Stopped following the restore; it keeps running on the new manager "
            f"(execution {r.execution_id}).",
            "Start again (or press Restore again) to follow it to its end; it is not restored twice.",
        )


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for this stage."""
    n, sid = ctx.config.new_manager.url + "/api/v3.1", ctx.state.snapshot.id or "<snapshot id>"
    body = (
        f'{{"force": false, "restore_certificates": {str(ctx.config.restore.restore_certificates).lower()}, '
        f'"no_reboot": {str(ctx.config.restore.no_reboot).lower()}, "recreate_deployments_envs": true, '
        '"ignore_plugin_failure": false}'
    )
    lines = [f"POST {n}/maintenance/activate"] if ctx.config.restore.maintenance_mode else []
    lines += [
        f"POST {n}/snapshots/{sid}/restore {body}",
        f"GET {n}/executions/<restore execution>   (until it ends; REST outages tolerated)",
        f"GET {n}/snapshot-status   (until not-running)",
    ]
    if ctx.config.restore.maintenance_mode:
        lines.append(f"POST {n}/maintenance/deactivate")
    return lines
