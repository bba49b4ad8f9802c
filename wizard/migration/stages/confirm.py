"""The one question before anything reaches the new manager: may this archive be uploaded to
and restored onto it? Asked once per run, before the upload (or before the restore when the
upload is already behind us), with everything the restore will replace spelled out."""

from __future__ import annotations

from wizard.migration.context import Context
from wizard.migration.decider import RestoreSummary
from wizard.migration.errors import DeclinedError
from wizard.migration.steps import StepId


def summary(ctx: Context, *, force: bool) -> RestoreSummary:
    """What the person must know before allowing the restore."""
    managers, a = ctx.state.managers, ctx.state.archive
    host = str(managers.get("new", {}).get("hostname") or ctx.config.new_manager.endpoint.host)
    return RestoreSummary(
        new_manager_host=host,
        new_manager_url=ctx.config.new_manager.url,
        new_version=str(managers.get("new", {}).get("version") or "?"),
        old_manager_url=ctx.config.old.url,
        old_version=ctx.state.old_version() or "?",
        snapshot_id=ctx.state.snapshot.id or "?",
        snapshot_format=a.format or "?",
        expected_answer=host,
        force=force,
        maintenance_mode=ctx.config.restore.maintenance_mode,
        overwritten=tuple(
            x
            for x in (
                "every tenant, user, blueprint, deployment, secret and plugin on the new manager",
                "the new manager's admin password becomes the OLD manager's" if a.legacy else "",
                "existing data on the new manager is DELETED (force)" if force else "",
            )
            if x
        ),
        irreversible=(
            "to go back, the new manager must be reinstalled",
            "tokens issued by the new manager stop working",
        ),
    )


def confirm(ctx: Context, step: StepId, *, force: bool) -> None:
    """Ask once per run; DeclinedError (nothing sent) when the answer is no."""
    if ctx.restore_confirmed:
        return
    s = summary(ctx, force=force)
    if not ctx.ask_person(lambda: ctx.decider.confirm_restore(s)):
        ctx.journal.record_decision("restore", "declined")
        raise DeclinedError(
            f"The upload and restore onto {s.new_manager_host} were not confirmed; nothing was sent to "
            "the new manager.",
            "Confirm the restore to go on (headless: run again with --yes after reading "
            "`cfy-migrate check`); the snapshot and the downloaded archive are kept.",
        )
    ctx.restore_confirmed = True
    ctx.journal.record_decision(
        "restore", f"confirmed{' with force' if force else ''} for {s.new_manager_host}"
    )
    # said once more after the confirmation: a headless --yes run has shown no dialog
    for item in s.overwritten:
        ctx.log(step, "warning" if force else "info", f"Restore replaces: {item}.")
