"""Compare the inventory, old (counted right before the snapshot) and new (after the restore),
tenant by tenant."""

from __future__ import annotations

from wizard.migration.context import Context, StageView
from wizard.migration.errors import MigrationError
from wizard.migration.events import InventoryFacts
from wizard.migration.gate import gate
from wizard.migration.inventory import Inventory, compare_inventories, count_inventory
from wizard.migration.steps import Outcome, StepId, StepOutcome

STEP = StepId.VERIFY_INVENTORY


def run(ctx: Context) -> StepOutcome:
    """Count the new manager and gate on the comparison (a missing item FAILs)."""
    old_data = ctx.state.inventory.old
    if not old_data:
        raise MigrationError(
            "The old manager's inventory was not journaled before the snapshot.",
            "Run again with --fresh to count it.",
        )
    old = Inventory.from_json(old_data)
    new = count_inventory(ctx.new)
    ctx.state.inventory.new = new.to_json()
    ctx.emit(InventoryFacts(old.to_json(), new.to_json()))
    outcome = gate(ctx, STEP, "verify", compare_inventories(old, new), failed=True)
    if outcome.outcome is Outcome.DONE:
        return StepOutcome(STEP, Outcome.DONE, new.summary(), findings=outcome.findings)
    if not new.total("blueprints") + new.total("deployments") and ctx.state.restore.status == "terminated":
        return StepOutcome(
            STEP,
            Outcome.FAILED,
            outcome.detail,
            outcome.remediation + " If the new manager was reinstalled after this migration restored it, "
            "start over: run again with --fresh (a new snapshot, download and restore).",
            outcome.findings,
        )
    return outcome


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for this stage."""
    n = ctx.config.new_manager.url + "/api/v3.1"
    return [f"GET {n}/tenants, /blueprints, /deployments, /agents?_all_tenants=true   (inventory, compared)"]
