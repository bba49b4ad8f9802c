"""Read the old manager's change ledger into the journal (right before the agents step, and again
when the report is written), and journal the waivers that acknowledge what keeps the old manager
needed: a change made there after the snapshot (`old.changed`), a deployment whose agents cannot
move by themselves (`old.agents-census`). Both are WARN findings, which the gate does not journal
waivers for; each acknowledgement records how many items it covered."""

from __future__ import annotations

from wizard.cloudify.errors import CloudifyError, RequestCancelledError
from wizard.migration.context import Context
from wizard.migration.findings import Finding, Status
from wizard.migration.ledger import changed_finding, read_ledger, schedules_finding
from wizard.migration.steps import StepId
from wizard.migration.storage import utc_now
from wizard.migration.verdict import ACK_CENSUS, ACK_CHANGES, cannot_move


def read_old_changes(ctx: Context) -> list[Finding]:
    """Read what changed on the old manager since the snapshot; journal it; old.changed and
    old.schedules findings (WARN at most: the agents can still move)."""
    s = ctx.state
    since = s.snapshot.created_at
    if not since or not ctx.config.old_online:  # a lost old manager changes no more
        return []
    rec = s.ledger
    rec.since = since
    try:
        ledger = read_ledger(ctx.old, since, baseline=s.inventory.old)
    except RequestCancelledError:
        raise
    except (CloudifyError, ValueError) as exc:
        rec.read_at, rec.error = utc_now(), str(exc)
        ctx.save()
        return [
            Finding(
                "old.changed",
                Status.WARN,
                "Could not read what changed on the old manager after the snapshot",
                str(exc),
                "Bring the old manager back (the report keeps it needed until this is read), or "
                'acknowledge with --waive old.changed="why".',
            )
        ]
    rec.read_at, rec.error = utc_now(), ""
    rec.changes, rec.schedules = ledger.changes, ledger.schedules
    rec.schedules_supported = ledger.schedules_supported
    ctx.save()
    acknowledge(ctx)
    found = [
        changed_finding(ledger.changes, since),
        schedules_finding(ledger.schedules, ledger.schedules_supported),
    ]
    for f in found:
        if f.status is Status.WARN:  # on the wizard's agents page too (it shows no findings table)
            ctx.log(StepId.INSTALL_AGENTS, "warning", f"{f.id}: {f.title}: {f.detail}")
    return found


def acknowledge(ctx: Context) -> None:
    """Journal --waive old.changed / old.agents-census when there is something they acknowledge
    (with how many items they cover), and log it."""
    s = ctx.state
    counts = {
        ACK_CHANGES: len(s.ledger.changes) if s.ledger.known else (1 if s.ledger.error else 0),
        ACK_CENSUS: len(cannot_move(s)),
    }
    for waiver in ctx.config.waivers:
        count = counts.get(waiver.id, 0)
        if not count:
            continue
        ctx.journal.acknowledge(waiver.id, waiver.reason, count)
        ctx.log(
            None,
            "warning",
            f"Acknowledged {waiver.id} ({count})" + (f": {waiver.reason}" if waiver.reason else ""),
        )


def refresh_old_changes(ctx: Context) -> None:
    """Read the ledger again when the report is written (changes made while the agents moved
    count too), once the agents step read it (or finished without it: an older journal); a
    failed re-read keeps the last one."""
    rec = ctx.state.ledger
    if not ctx.state.snapshot.created_at or not ctx.config.old_online:
        return
    if not rec.read_at:  # a migration whose agents moved before the ledger existed: read it now
        if ctx.state.is_done(StepId.INSTALL_AGENTS):
            read_old_changes(ctx)
        return
    try:
        ledger = read_ledger(
            ctx.old,
            ctx.state.snapshot.created_at,
            baseline=ctx.state.inventory.old,
        )
    except RequestCancelledError:
        raise
    except (CloudifyError, ValueError) as exc:
        ctx.log(
            None,
            "warning",
            f"Could not read the old manager's changes again ({exc}); the report uses {rec.read_at}'s.",
        )
        return
    if len(ledger.changes) > len(rec.changes):
        ctx.log(
            None,
            "warning",
            f"The old manager changed again: {len(ledger.changes) - len(rec.changes)} more changes "
            "since the snapshot.",
        )
    rec.read_at, rec.error = utc_now(), ""
    rec.changes, rec.schedules = ledger.changes, ledger.schedules
    rec.schedules_supported = ledger.schedules_supported
    ctx.save()
