"""The one gate between findings and a step: record them, show them, apply the waivers, and
block on what is left.

Preflight, the re-checks right before every destructive step and the inventory comparison all
pass through here, so a waiver is journaled and a blocker is worded the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard.migration.context import Context
from wizard.migration.errors import BlockedError
from wizard.migration.events import FindingsReady
from wizard.migration.findings import Finding, applied_waivers, blockers
from wizard.migration.steps import Outcome, StepId, StepOutcome


def record(ctx: Context, phase: str, findings: Sequence[Finding]) -> list[Finding]:
    """Journal and show a batch of findings; returns the unwaived blockers among them. Findings
    made while the user was stopping the run decide nothing: the run stops as cancelled."""
    ctx.check_cancel()
    ctx.state.findings[phase] = [f.to_json() for f in findings]
    used = applied_waivers(list(findings), ctx.config.waivers)
    if used:
        ctx.journal.record_waivers(w.to_json() for w in used)
        for w in used:
            ctx.log(None, "warning", f"Waived {w.id}" + (f": {w.reason}" if w.reason else ""))
    else:
        ctx.save()
    ctx.emit(FindingsReady(phase, tuple(findings)))
    return blockers(list(findings), ctx.config.waivers)


def gate(
    ctx: Context, step: StepId, phase: str, findings: Sequence[Finding], *, failed: bool = False
) -> StepOutcome:
    """A step that *is* a set of checks: DONE, or BLOCKED (FAILED with `failed`) by the first
    unwaived blocker, naming its fix."""
    blocking = record(ctx, phase, findings)
    if blocking:
        first = blocking[0]
        ids = ", ".join(f.id for f in blocking)
        # a check that could not run for a network failure is not a verdict on the manager
        failed = failed or all(f.data.get("network") for f in blocking)
        return StepOutcome(
            step,
            Outcome.FAILED if failed else Outcome.BLOCKED,
            f"{first.title}: {first.detail}" if failed else f"blocked by {ids}",
            first.remediation or f"Fix it, or waive it with --waive {first.id} if you accept the risk.",
            tuple(findings),
        )
    return StepOutcome(step, Outcome.DONE, f"{len(findings)} checks, no blocker", findings=tuple(findings))


def require(ctx: Context, step: StepId, findings: Sequence[Finding]) -> None:
    """A re-check right before a destructive step: raise BlockedError on an unwaived blocker."""
    blocking = record(ctx, f"before:{step.value}", findings)
    if blocking:
        first = blocking[0]
        raise BlockedError(
            f"{first.id}: {first.title}. {first.detail}".strip(),
            first.remediation or f"Fix it, or waive it with --waive {first.id} if you accept the risk.",
        )
