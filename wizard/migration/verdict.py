"""May the old manager be switched off? The last word of a migration, so it must be proven.

"Yes" only when every one of these holds, each read from the journal (so `cfy-migrate report`
gives the same answer at any time):

1. the inventory was verified on the new manager, tenant by tenant;
2. install_new_agents completed, and every deployment the census says must move has succeeded
   (or turned out to have nothing to move);
3. no deployment whose agents cannot move automatically (partly installed, `provided` agents, left
   out by --agent-tenants, the workflow not available although agents live) — unless acknowledged
   with --waive old.agents-census;
4. the old manager's change ledger was read after the agents step and is empty — unless
   acknowledged with --waive old.changed.

Otherwise the advice names what keeps the old manager needed: which deployments, how many, why.
Enabled execution schedules do not keep it needed (switching it off is what stops them firing
twice), but the advice says to disable them until then.
"""

from __future__ import annotations

from typing import Any

from wizard.migration.state import MigrationState
from wizard.migration.steps import StepId
from wizard.migration.units import plural

#: agent states in which a deployment's agents are settled
SETTLED = frozenset({"succeeded", "nothing-to-move"})
#: the finding ids that acknowledge what would otherwise keep the old manager needed
ACK_CENSUS = "old.agents-census"
ACK_CHANGES = "old.changed"
#: WARN findings a person may waive (acknowledge): they decide the advice, not the next step
ACKNOWLEDGEABLE = frozenset({ACK_CENSUS, ACK_CHANGES})
_NAMES = 10


def _names(blocker: dict[str, Any], limit: int = _NAMES, *, short: bool = False) -> str:
    items: list[str] = blocker["names"]
    if short:  # the deployment or the change, without why, tenant and time
        items = [n.split(": ", 1)[0].split(" [", 1)[0] for n in items]
    total = max(int(blocker["count"]), len(items))
    shown = ", ".join(items[:limit])
    return shown + (f" and {total - min(limit, len(items))} more" if total > limit else "")


def is_acknowledged(state: MigrationState, ident: str, count: int) -> bool:
    """A journaled waiver of `ident` covers `count` items (it says how many it covered when given:
    a longer list later is not acknowledged by it)."""
    for w in state.waivers:
        if w.get("id") != ident:
            continue
        try:
            return int(w.get("covers", count)) >= count
        except ValueError:
            return False
    return False


def cannot_move(state: MigrationState) -> list[dict[str, Any]]:
    """Deployments whose agents cannot move automatically: from the agents step's plan (the new
    manager's census) once it ran, else the old manager's census; plus those the workflow refused."""
    a = state.agents
    rows = list(a.manual) if a.planned_at else list(state.census.manual)
    seen = {(r.get("tenant"), r.get("deployment")) for r in rows}
    for r in a.deployments.values():
        if r.status == "cannot-move" and (r.tenant, r.deployment) not in seen:
            rows.append({"tenant": r.tenant, "deployment": r.deployment, "reason": r.reason})
    return rows


def decommission_advice(state: MigrationState) -> dict[str, Any]:
    """The advice as the report carries it: allowed, the text, and what keeps the old manager
    needed (`blockers`: what, count, names), what was acknowledged, and notes."""
    blockers: list[dict[str, Any]] = []
    acknowledged: list[str] = []
    notes: list[str] = []

    def block(what: str, names: list[str] | None = None, count: int | None = None) -> None:
        names = names or []
        blockers.append({"what": what, "count": len(names) if count is None else count, "names": names[:50]})

    if state.step_status(StepId.VERIFY_INVENTORY) not in {"done", "already-done"}:
        block("the inventory has not been verified on the new manager", count=0)
    agents_done = state.step_status(StepId.INSTALL_AGENTS) in {"done", "already-done"}
    if not agents_done:
        block("install_new_agents has not completed", count=0)
    pending = [
        f"{r.tenant}/{r.deployment} ({r.status})"
        for r in sorted(state.agents.deployments.values(), key=lambda r: (r.tenant, r.deployment))
        if r.status not in SETTLED and r.status != "cannot-move"
    ]
    if pending:
        block(f"the agents of {plural(len(pending), 'deployment')} have not moved", pending)
    manual = [f"{r.get('tenant')}/{r.get('deployment')}: {r.get('reason')}" for r in cannot_move(state)]
    if manual:
        what = f"{plural(len(manual), 'deployment')} cannot move automatically"
        if is_acknowledged(state, ACK_CENSUS, len(manual)):
            acknowledged.append(f"{what} (acknowledged: --waive {ACK_CENSUS})")
        else:
            block(what, manual)
    ledger = state.ledger
    if state.options.get("mode") == "restore":
        pass  # the old manager is lost: nothing can change there any more, there is no ledger
    elif not ledger.known:
        why = f" ({ledger.error})" if ledger.error else ""
        what = f"the old manager's changes since the snapshot were not read{why}"
        if is_acknowledged(state, ACK_CHANGES, 0):
            acknowledged.append(f"{what} (acknowledged: --waive {ACK_CHANGES})")
        elif agents_done:
            block(what, count=0)
    elif ledger.changes:
        what = f"{plural(len(ledger.changes), 'change')} on the old manager since the snapshot"
        if is_acknowledged(state, ACK_CHANGES, len(ledger.changes)):
            acknowledged.append(f"{what} (acknowledged: --waive {ACK_CHANGES})")
        else:
            block(
                what,
                [f"{c.get('what')} [{c.get('tenant') or '-'}, {c.get('at') or '?'}]" for c in ledger.changes],
            )
    enabled = [s for s in ledger.schedules if s.get("enabled", True)]
    if enabled:
        notes.append(
            f"{plural(len(enabled), 'execution schedule')} of the old manager "
            f"{'fires' if len(enabled) == 1 else 'fire'} on both managers until it is switched off: "
            "disable them there now."
        )
    if not blockers:
        text = (
            "Every installed deployment's agents now talk to the new manager, the inventory matches and "
            "nothing changed on the old manager since the snapshot: the old manager may be decommissioned "
            "(keep the snapshot archive)."
        )
        if acknowledged:
            text += " Acknowledged: " + "; ".join(acknowledged) + "."
        return {"allowed": True, "text": text, "pending": [], "blockers": [], "acknowledged": acknowledged,
                "notes": notes}  # fmt: skip
    parts = [b["what"] + (f": {_names(b)}" if b["names"] else "") for b in blockers]
    return {
        "allowed": False,
        "text": "Do NOT decommission the old manager yet: " + "; ".join(parts) + ".",
        "pending": pending,
        "blockers": blockers,
        "acknowledged": acknowledged,
        "notes": notes,
    }


def advice_line(state: MigrationState) -> str:
    """One sentence for the run's last line: may the old manager go, or what keeps it needed."""
    advice = decommission_advice(state)
    if advice["allowed"]:
        return "The old manager may be decommissioned."
    parts = [b["what"] + (f" ({_names(b, 3, short=True)})" if b["names"] else "") for b in advice["blockers"]]
    return "Keep the old manager: " + "; ".join(parts) + "."
