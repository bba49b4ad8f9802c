"""The report's sections about the old manager's future: the decommissioning advice, the agents
census per tenant and the change ledger, in Markdown (report.md). Apart from report.py so each
section stays small and readable."""

from __future__ import annotations

from typing import Any

from wizard.migration.census import LABELS, MANUAL, MOVE, NOTHING


def md_table(rows: list[list[str]], header: list[str]) -> list[str]:
    """A Markdown table (pipes and newlines in cells escaped)."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in row) + " |" for row in rows]
    return out


def decommission_lines(advice: dict[str, Any], mode: str = "migrate") -> list[str]:
    """The advice, then what keeps the old manager needed (counts and names), acknowledgements
    and notes. The heading follows the use: a backup keeps its manager, a restore has lost it."""
    heading = {"backup": "The backed-up manager", "restore": "What is left after the restore"}.get(
        mode, "Decommissioning the old manager"
    )
    lines = ["", f"## {heading}", "", advice["text"]]
    for b in advice.get("blockers", []):
        lines.append(f"- {b['what']}")
        lines += [f"  - {name}" for name in b.get("names", [])[:50]]
    lines += [f"- acknowledged: {a}" for a in advice.get("acknowledged", [])]
    lines += [f"- note: {n}" for n in advice.get("notes", [])]
    return lines


def census_lines(census: dict[str, Any]) -> list[str]:
    """Per tenant: deployments that will move (and their agents), with nothing to move, that
    cannot move automatically; then every deployment that cannot, with why."""
    tenants: dict[str, dict[str, int]] = census.get("tenants") or {}
    if not census.get("taken_at"):
        return []
    lines = ["", f"## Agents census (old manager, {census['taken_at']})", ""]
    header = ["tenant", LABELS[MOVE], "agents", LABELS[NOTHING], LABELS[MANUAL]]
    rows = [
        [t, str(c.get(MOVE, 0)), str(c.get("agents", 0)), str(c.get(NOTHING, 0)), str(c.get(MANUAL, 0))]
        for t, c in sorted(tenants.items())
    ]
    total = {k: sum(c.get(k, 0) for c in tenants.values()) for k in (MOVE, "agents", NOTHING, MANUAL)}
    rows.append(["**all**", *(str(total[k]) for k in (MOVE, "agents", NOTHING, MANUAL))])
    lines += md_table(rows, header)
    if not census.get("agents_known", True):
        lines += ["", "This manager lists no agents (no /agents): each started host counts as one agent."]
    manual = census.get("manual") or []
    if manual:
        lines += ["", "Cannot move automatically:", ""]
        lines += [f"- {r['tenant']}/{r['deployment']}: {r['reason']}" for r in manual]
    nothing = census.get("nothing") or []
    if nothing:
        more = int(census.get("nothing_total", len(nothing))) - len(nothing)
        lines += ["", "Nothing to move:", ""]
        lines += [f"- {r['tenant']}/{r['deployment']}: {r['reason']}" for r in nothing[:100]]
        if more > 0 or len(nothing) > 100:
            lines.append(f"- … and {more + max(0, len(nothing) - 100)} more (report.json)")
    return lines


def ledger_lines(ledger: dict[str, Any]) -> list[str]:
    """What changed on the old manager after the snapshot, and its execution schedules."""
    if not ledger.get("read_at") and not ledger.get("error"):
        return []
    lines = ["", f"## The old manager after the snapshot (since {ledger.get('since')})", ""]
    if ledger.get("error"):
        lines.append(f"Could not be read: {ledger['error']}")
    changes = ledger.get("changes") or []
    if changes:
        lines += md_table(
            [[c.get("at") or "", c.get("tenant") or "", c.get("what") or ""] for c in changes[:200]],
            ["at", "tenant", "change"],
        )
    elif not ledger.get("error"):
        lines.append(f"No change (read at {ledger.get('read_at')}).")
    schedules = ledger.get("schedules") or []
    if schedules:
        lines += ["", "Execution schedules (they fire on both managers until the old one is off):", ""]
        lines += md_table(
            [
                [s.get("tenant", ""), s.get("deployment", ""), s.get("workflow", ""), s.get("id", ""),
                 "enabled" if s.get("enabled", True) else "disabled", s.get("next") or ""]
                for s in schedules[:200]
            ],
            ["tenant", "deployment", "workflow", "schedule", "state", "next"],
        )  # fmt: skip
    return lines
