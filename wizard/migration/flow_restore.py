"""Steps on the new manager's side: upload the archive, restore it, log in again.

The restore is the one irreversible step: it needs a confirmation, never uses force unless the
new.clean FAIL was waived and confirmed, journals its intent before the POST, survives the REST
outage of a legacy restore, and on resume looks for the restore it may already have started
before ever posting another one.
"""

from __future__ import annotations

import contextlib
import time

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials
from wizard.cloudify.errors import (
    CloudifyError,
    ForbiddenError,
    HTTPError,
    MaintenanceModeError,
    NotFoundError,
    ServerError,
    TransferCancelledError,
    TransportError,
    UnauthorizedError,
)
from wizard.cloudify.models import Execution
from wizard.migration.checks import new_checks
from wizard.migration.checks.local import human_bytes
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.context import Context
from wizard.migration.decider import RestoreSummary
from wizard.migration.errors import BlockedError, CancelledError, MigrationError
from wizard.migration.executions import EventTail
from wizard.migration.failpoints import failpoint
from wizard.migration.findings import Finding, Status
from wizard.migration.flow_snapshot import archive_path, recheck
from wizard.migration.journal import utc_now
from wizard.migration.steps import Outcome, StepId, StepOutcome

RESTORE_TENANT = "default_tenant"
#: while a restore runs, these mean "the REST service is restarting", not "failed"
TOLERATED = (TransportError, ServerError, UnauthorizedError, NotFoundError)


def _old_probe_from_journal(ctx: Context) -> ManagerProbe:
    """A probe of the old manager rebuilt from the journal (no request to the old manager)."""
    from wizard.cloudify.models import ManagerNode, VersionInfo

    info = ctx.journal.section("managers").get("old", {})
    probe = ManagerProbe("old", ctx.config.old.url, ctx.config.old.credentials.tenant)
    if info.get("version"):
        probe.version = VersionInfo(str(info["version"]), str(info.get("edition") or ""))
    nets = {str(n): "" for n in info.get("networks") or []}
    if info.get("ip") or nets:
        probe.nodes = [ManagerNode(str(info.get("hostname") or ""), str(info.get("ip") or ""), networks=nets)]
    return probe


def recheck_new(ctx: Context, step: StepId) -> list[Finding]:
    """Re-run the new manager's checks right before a destructive step (it may have got dirty)."""
    archive = ctx.journal.section("archive")
    result = new_checks(
        ctx.new,
        ctx.config.new,
        _old_probe_from_journal(ctx),
        archive_networks=archive.get("networks"),
        snapshot_version=archive.get("snapshot_version"),
    )
    recheck(ctx, step, result.findings, f"before:{step.value}")
    return result.findings


def upload(ctx: Context) -> StepOutcome:
    """PUT the archive to the new manager and verify it shows `uploaded` there."""
    step = StepId.UPLOAD
    s = ctx.journal.section("snapshot")
    u = ctx.journal.section("upload")
    sid = str(s["id"])
    path = archive_path(ctx)
    if not path.is_file():
        raise MigrationError(f"The archive {path} is gone.", "Run again: it will be downloaded again.")
    recheck_new(ctx, step)
    try:
        existing = ctx.new.get_snapshot(sid)
    except NotFoundError:
        existing = None
    if existing is not None:
        if u.get("verified") and existing.status == "uploaded":
            return StepOutcome(step, Outcome.ALREADY_DONE, f"{sid} is already on the new manager")
        ctx.log(
            step,
            "warning",
            f"Snapshot {sid} is already on the new manager ({existing.status or 'unknown'}), "
            "left by an interrupted upload; deleting it and uploading again.",
        )
        ctx.new.delete_snapshot(sid)
    u.update(intent_at=utc_now(), verified=False)
    ctx.journal.save()
    size = path.stat().st_size
    failpoint("upload.before")
    try:
        ctx.new.upload_snapshot(
            sid,
            path,
            cancel=ctx.cancel,
            progress=lambda p: ctx.progress(
                step,
                p.done,
                p.total or size,
                "bytes",
                f"{human_bytes(p.done)} of {human_bytes(p.total or size)}",
            ),
        )
    except TransferCancelledError:
        raise CancelledError(
            "Upload stopped at your request.", "Run again to upload from the start."
        ) from None
    failpoint("upload.after")
    snap = ctx.new.get_snapshot(sid)
    if snap.status != "uploaded":
        raise MigrationError(
            f"After the upload the new manager shows {sid} as {snap.status or 'unknown'!r}, not 'uploaded'.",
            "Run again to upload it once more.",
        )
    u.update(verified=True, uploaded_at=utc_now(), size=size)
    ctx.journal.save()
    ctx.progress(step, size, size, "bytes", "uploaded", force=True)
    return StepOutcome(step, Outcome.DONE, f"{human_bytes(size)} uploaded and verified")


def _alt_credentials(ctx: Context) -> list[Credentials]:
    """Credentials to try on the new manager after a restore: the old admin's first, then the new."""
    old = ctx.config.old.credentials
    new = ctx.config.new.credentials
    tenant = new.tenant
    out = [Credentials(old.username, old.password, tenant), Credentials(new.username, new.password, tenant)]
    if ctx.new_credentials not in out:
        out.append(ctx.new_credentials)
    unique: list[Credentials] = []
    for c in out:
        if c not in unique:
            unique.append(c)
    return unique


def working_credentials(ctx: Context, candidates: list[Credentials]) -> Credentials | None:
    """The first candidate the new manager accepts (GET /user), or None."""
    for creds in candidates:
        client = ctx.new.with_credentials(creds)
        try:
            try:
                client.current_user()
            except MaintenanceModeError:
                client.maintenance()  # /user is refused in maintenance mode; /maintenance is not
            return creds
        except (UnauthorizedError, ForbiddenError):
            continue
        except CloudifyError:
            continue
        finally:
            client.close()
    return None


def _find_restore_execution(
    ctx: Context, client: ManagerClient, sid: str, baseline: set[str]
) -> Execution | None:
    for ex in client.executions(
        all_tenants=True, include_system_workflows=True, workflow_id="restore_snapshot"
    ):
        snap = ex.parameters.get("snapshot_id")
        if snap == sid or (snap is None and ex.id not in baseline):
            return ex
    return None


def _reconcile(ctx: Context, sid: str, r: dict) -> str | None:  # type: ignore[type-arg]
    """A restore intent was journaled but no execution id: did the POST happen?

    Returns "posted" when evidence says yes (execution found -> its id is journaled), None when
    it did not happen."""
    step = StepId.RESTORE
    if r.get("maintenance_activated") and not r.get("maintenance_deactivated"):
        _wait_flag(ctx, time.monotonic())
        _deactivate_maintenance(ctx, r)
    creds = working_credentials(ctx, _alt_credentials(ctx))
    if creds is None:
        raise MigrationError(
            "The new manager accepts neither the old nor the new admin password.",
            "Wait until it is back up and run again.",
        )
    if creds != ctx.new_credentials:
        ctx.log(
            step, "warning", "The new manager now accepts the OLD manager's admin password: the restore ran."
        )
        ctx.use_new_credentials(creds)
    found = _find_restore_execution(ctx, ctx.new, sid, set(r.get("baseline_ids", [])))
    if found is not None:
        r["execution_id"] = found.id
        ctx.journal.save()
        ctx.log(step, "info", f"Found the restore started by the interrupted run: execution {found.id}.")
        return "posted"
    running = None
    with contextlib.suppress(CloudifyError):
        running = ctx.new.snapshot_restore_running()
    if running:
        ctx.log(step, "info", "A restore is running on the new manager (started by the interrupted run).")
        return "posted"
    try:
        dirty = ctx.new.count("blueprints", all_tenants=True) + ctx.new.count("deployments", all_tenants=True)
    except CloudifyError:
        dirty = 0
    if dirty and r.get("clean_before"):
        ctx.log(step, "info", "The new manager is no longer clean: the interrupted run's restore happened.")
        return "posted"
    return None


def restore(ctx: Context) -> StepOutcome:
    """Confirm, (maintenance mode), POST restore (intent journaled first), wait through the outage."""
    step = StepId.RESTORE
    sid = str(ctx.journal.section("snapshot")["id"])
    r = ctx.journal.section("restore")
    posted = bool(r.get("execution_id"))
    if not posted and r.get("intent_at"):
        posted = _reconcile(ctx, sid, r) == "posted"
    if not posted:
        findings = recheck_new(ctx, step)
        clean = next((f for f in findings if f.id == "new.clean"), None)
        force = clean is not None and clean.status is Status.FAIL  # reached here => waived
        host = ctx.journal.section("managers").get("new", {}).get("hostname") or ctx.config.new.endpoint.host
        managers = ctx.journal.section("managers")
        archive = ctx.journal.section("archive")
        legacy = str(archive.get("format", "")).startswith("legacy")
        summary = RestoreSummary(
            new_manager_host=str(host),
            new_manager_url=ctx.config.new.url,
            new_version=str(managers.get("new", {}).get("version") or "?"),
            old_manager_url=ctx.config.old.url,
            old_version=str(managers.get("old", {}).get("version") or "?"),
            snapshot_id=sid,
            snapshot_format=str(archive.get("format") or "?"),
            expected_answer=str(host),
            force=force,
            maintenance_mode=ctx.config.restore.maintenance_mode,
            overwritten=tuple(
                x
                for x in (
                    "every tenant, user, blueprint, deployment, secret and plugin on the new manager",
                    "the new manager's admin password becomes the OLD manager's" if legacy else "",
                    "existing data on the new manager is DELETED (force)" if force else "",
                )
                if x
            ),
            irreversible=(
                "a restore cannot be undone: to go back, reinstall the new manager",
                "tokens issued by the new manager stop working",
            ),
        )
        if not ctx.decider.confirm_restore(summary):
            ctx.journal.record_decision("restore", "refused")
            raise BlockedError(
                f"The restore onto {host} was not confirmed; nothing was changed on the new manager.",
                "Run again and confirm (headless: add --yes after reading `cfy-migrate check`).",
            )
        ctx.journal.record_decision("restore", f"confirmed{' with force' if force else ''} for {host}")
        # said once more after the confirmation: a headless --yes run has shown no dialog
        for item in summary.overwritten:
            ctx.log(step, "warning" if force else "info", f"Restore replaces: {item}.")
        # listed before maintenance mode: /executions is refused while it is active
        baseline = [
            ex.id
            for ex in ctx.new.executions(
                all_tenants=True, include_system_workflows=True, workflow_id="restore_snapshot"
            )
        ]
        if ctx.config.restore.maintenance_mode:
            if ctx.new.snapshot_restore_running() is None:
                ctx.log(step, "warning", "Maintenance mode skipped: this manager has no /snapshot-status, "
                        "so the restore could not be followed while executions are hidden.")
            else:
                r["maintenance_activated"] = True
                ctx.journal.save()
                ctx.new.activate_maintenance()
                ctx.log(step, "info", "Maintenance mode activated on the new manager.")
                _wait_maintenance(ctx)
        r.update(intent_at=utc_now(), force=force, baseline_ids=baseline, clean_before=not force)
        ctx.journal.save()
        failpoint("restore.before-post")
        execution = ctx.new.restore_snapshot(
            sid,
            force=force,
            restore_certificates=ctx.config.restore.restore_certificates,
            tenant=ctx.config.new.credentials.tenant,
        )
        failpoint("restore.after-post")
        r["execution_id"] = execution.id
        ctx.journal.save()
        ctx.log(step, "info", f"Restore started: execution {execution.id}.")
    return _wait_restore(ctx, r)


def _wait_maintenance(ctx: Context) -> None:
    for _ in range(600):
        state = ctx.new.maintenance()
        if state.status == "activated":
            return
        ctx.sleep()


def _wait_restore(ctx: Context, r: dict) -> StepOutcome:  # type: ignore[type-arg]
    """Wait for the execution to end and /snapshot-status to say not-running, through the outage."""
    step = StepId.RESTORE
    execution_id = r.get("execution_id")
    deadline = time.monotonic() + ctx.config.restore.timeout
    started = time.monotonic()
    outage_noted = False
    final: Execution | None = None
    candidates = _alt_credentials(ctx)
    client = ctx.new
    tail = EventTail(ctx, step, execution_id, RESTORE_TENANT) if execution_id else None
    if r.get("maintenance_activated") and not r.get("maintenance_deactivated"):
        _wait_flag(ctx, started)
        _deactivate_maintenance(ctx, r)
        client = ctx.new
    while execution_id and final is None:
        ctx.check_cancel()
        if time.monotonic() > deadline:
            raise MigrationError(
                f"The restore has not finished after {ctx.config.restore.timeout:.0f} s.",
                "Check the restore_snapshot execution on the new manager; run again to keep waiting.",
            )
        try:
            ex = client.get_execution(execution_id, tenant=RESTORE_TENANT)
            if tail is not None:
                tail.drain(client)
            if ex.finished:
                final = ex
                break
            ctx.progress(step, time.monotonic() - started, 0, "s", f"restore {ex.status}")
        except UnauthorizedError:
            creds = working_credentials(ctx, candidates)
            if creds is not None and creds != ctx.new_credentials:
                ctx.use_new_credentials(creds)
                client = ctx.new
                ctx.log(step, "warning", "The new manager switched to the OLD manager's admin password.")
        except TOLERATED as exc:
            if not outage_noted:
                ctx.log(
                    step,
                    "info",
                    f"The new manager's REST service is restarting ({type(exc).__name__}); waiting.",
                )
                outage_noted = True
        except HTTPError as exc:
            if exc.status < 500:
                raise
        ctx.sleep()
    # the flag file goes away only after the post-restore commands (password switch) ran
    status_deadline = time.monotonic() + max(ctx.config.restore.timeout / 4, 60)
    while True:
        ctx.check_cancel()
        try:
            running = ctx.new.snapshot_restore_running()
        except CloudifyError:
            running = True
        if running is None or running is False:
            break
        if time.monotonic() > status_deadline:
            ctx.log(step, "warning", "/snapshot-status still says running; going on.")
            break
        ctx.progress(step, time.monotonic() - started, 0, "s", "waiting for the restore to settle")
        ctx.sleep()
    if final is not None and not final.succeeded:
        _deactivate_maintenance(ctx, r)
        reason = final.error_summary or final.status
        raise MigrationError(
            f"The restore failed on the new manager: {reason}",
            "Read the restore_snapshot execution's events on the new manager, fix the cause (a fresh "
            "manager is the usual answer), then run again.",
        )
    r["finished_at"] = utc_now()
    r["status"] = final.status if final else "unknown"
    ctx.journal.save()
    return StepOutcome(step, Outcome.DONE, f"restore {r['status']}")


def _wait_flag(ctx: Context, started: float) -> None:
    """In maintenance mode executions cannot be read: follow /snapshot-status (allowed) until the
    restore has been seen running and is over (or never showed up within a grace period)."""
    seen = False
    grace = 30 * ctx.poll
    deadline = time.monotonic() + ctx.config.restore.timeout
    while time.monotonic() < deadline:
        ctx.check_cancel()
        try:
            running = ctx.new.snapshot_restore_running()
        except CloudifyError:
            running = True
        if running:
            seen = True
        elif seen or time.monotonic() - started > grace:
            return
        ctx.progress(StepId.RESTORE, time.monotonic() - started, 0, "s", "restore running (maintenance mode)")
        ctx.sleep()


def _deactivate_maintenance(ctx: Context, r: dict) -> None:  # type: ignore[type-arg]
    if not r.get("maintenance_activated") or r.get("maintenance_deactivated"):
        return
    creds = working_credentials(ctx, _alt_credentials(ctx))
    if creds is None:
        return
    ctx.use_new_credentials(creds)
    try:
        ctx.new.deactivate_maintenance()
    except CloudifyError as exc:
        ctx.log(None, "warning", f"Could not deactivate maintenance mode: {exc}")
        return
    r["maintenance_deactivated"] = True
    ctx.journal.save()
    ctx.log(None, "info", "Maintenance mode deactivated on the new manager.")


def reauthenticate(ctx: Context) -> StepOutcome:
    """Find the password the new manager accepts now (old admin's first), or ask for one."""
    step = StepId.REAUTHENTICATE
    c = ctx.journal.section("credentials")
    candidates = _alt_credentials(ctx)
    legacy = str(ctx.journal.section("archive").get("format", "")).startswith("legacy")
    old_pw = ctx.config.old.credentials
    grace_until = time.monotonic() + (10 * ctx.poll if legacy else 0)
    creds = working_credentials(ctx, candidates)
    # 4.x has no /snapshot-status: the switch may still be seconds away; give it a moment
    while (
        legacy and creds is not None and creds.password != old_pw.password and time.monotonic() < grace_until
    ):
        ctx.sleep()
        creds = working_credentials(ctx, candidates)
    asked = False
    while creds is None:
        answer = ctx.decider.ask_password(
            "new", "The new manager accepts neither the old manager's nor its own admin password."
        )
        if not answer:
            raise MigrationError(
                "Cannot log in to the new manager after the restore: neither the old manager's nor the new "
                "manager's admin password works.",
                "Find the admin password (after a legacy restore it is the OLD manager's) and run again with "
                "CFY_MIGRATE_NEW_PASSWORD set to it.",
            )
        asked = True
        tries = [
            Credentials(ctx.config.new.credentials.username, answer, ctx.config.new.credentials.tenant),
            Credentials(old_pw.username, answer, ctx.config.new.credentials.tenant),
        ]
        creds = working_credentials(ctx, tries)
    ctx.use_new_credentials(creds)
    which = (
        "asked"
        if asked
        else ("old" if creds.password == old_pw.password and creds.username == old_pw.username else "new")
    )
    changed = which != "new" or creds.password != ctx.config.new.credentials.password
    c.update(which=which, username=creds.username, changed=changed, at=utc_now())
    ctx.journal.save()
    if changed:
        ctx.log(
            step,
            "warning",
            f"The new manager's admin password has CHANGED: log in as {creds.username} with the "
            f"{'OLD manager' if which == 'old' else 'given'}'s password from now on.",
        )
    _deactivate_maintenance(ctx, ctx.journal.section("restore"))
    return StepOutcome(
        step,
        Outcome.DONE,
        f"logged in as {creds.username} with the {which} {'password' if which != 'asked' else 'one'}"
        + (" (the new manager's password changed)" if changed else ""),
    )


def restore_credentials_from_journal(ctx: Context) -> None:
    """On resume after the restore, log in with what worked last time (old or new password)."""
    c = ctx.journal.section("credentials")
    if not c:
        return
    creds = working_credentials(ctx, _alt_credentials(ctx))
    if creds is not None:
        ctx.use_new_credentials(creds)
        return
    answer = ctx.decider.ask_password("new", "The new manager's admin password changed during the restore.")
    if answer:
        ctx.use_new_credentials(
            Credentials(
                str(c.get("username") or ctx.config.new.credentials.username),
                answer,
                ctx.config.new.credentials.tenant,
            )
        )
