"""The migration report: report.json (schema_version 1) and report.md, both mode 0600, in the
migration's directory — built from the journal alone, so `cfy-migrate report` can re-render it
at any time. No credentials ever: the journal holds none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from wizard.migration.journal import Journal, atomic_write_text
from wizard.migration.steps import ORDER, StepId

REPORT_SCHEMA = 1


def _seconds(record: dict[str, Any]) -> float | None:
    try:
        start = datetime.strptime(record["started_at"], "%Y-%m-%dT%H:%M:%SZ")
        end = datetime.strptime(record["finished_at"], "%Y-%m-%dT%H:%M:%SZ")
    except (KeyError, TypeError, ValueError):
        return None
    return (end - start).total_seconds()


def decommission_advice(journal: Journal) -> dict[str, Any]:
    """May the old manager be decommissioned? Only once every installed deployment's agents moved."""
    steps = journal.data.get("steps", {})
    agents = journal.section("agents")
    deployments = agents.get("deployments", {})
    pending = [
        f"{r['tenant']}/{r['deployment']} ({r['status']})"
        for r in deployments.values()
        if r.get("status") != "succeeded"
    ]
    agents_done = steps.get(StepId.INSTALL_AGENTS.value, {}).get("status") in {"done", "already-done"}
    verified = steps.get(StepId.VERIFY_INVENTORY.value, {}).get("status") in {"done", "already-done"}
    if agents_done and verified and not pending:
        return {
            "allowed": True,
            "text": "Every installed deployment's agents now talk to the new manager and the inventory "
            "matches: the old manager may be decommissioned (keep the snapshot archive).",
            "pending": [],
        }
    reasons = []
    if not verified:
        reasons.append("the inventory has not been verified on the new manager")
    if not agents_done:
        reasons.append("install_new_agents has not completed")
    if pending:
        reasons.append(f"{len(pending)} deployments' agents have not moved")
    return {
        "allowed": False,
        "text": "Do NOT decommission the old manager yet: " + "; ".join(reasons) + ".",
        "pending": pending,
    }


def build_report(journal: Journal) -> dict[str, Any]:
    """The report as a JSON-ready dict (schema_version 1)."""
    d = journal.data
    steps = []
    for step in ORDER:
        rec = d.get("steps", {}).get(step.value, {})
        steps.append(
            {
                "id": step.value,
                "title": step.label,
                "status": rec.get("status", "pending"),
                "started_at": rec.get("started_at"),
                "finished_at": rec.get("finished_at"),
                "seconds": _seconds(rec),
                "detail": rec.get("detail", ""),
            }
        )
    snapshot = journal.section("snapshot")
    inventory = journal.section("inventory")
    agents = journal.section("agents")
    findings = journal.section("findings")
    return {
        "schema_version": REPORT_SCHEMA,
        "migration_id": d.get("migration_id"),
        "created_at": d.get("created_at"),
        "updated_at": d.get("updated_at"),
        "finished": bool(d.get("finished")),
        "exit_code": d.get("exit_code"),
        "managers": journal.section("managers"),
        "options": d.get("options", {}),
        "findings": findings,
        "waivers": d.get("waivers", []),
        "decisions": d.get("decisions", []),
        "steps": steps,
        "snapshot": {
            k: snapshot.get(k) for k in ("id", "execution_id", "size", "sha256", "file", "created_at")
        },
        "archive": journal.section("archive"),
        "restore": {k: v for k, v in journal.section("restore").items() if k != "baseline_ids"},
        "credentials": journal.section("credentials"),
        "inventory": {"old": inventory.get("old"), "new": inventory.get("new")},
        "agents": {
            "deployments": sorted(
                agents.get("deployments", {}).values(), key=lambda r: (r["tenant"], r["deployment"])
            ),
            "skipped": agents.get("skipped", []),
            "parameters": agents.get("parameters", {}),
        },
        "decommission": decommission_advice(journal),
    }


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in row) + " |" for row in rows]
    return out


def render_markdown(report: dict[str, Any]) -> str:
    """report.md: the same facts for a person."""
    lines = [f"# cfy-migrate report — {report['migration_id']}", ""]
    m = report.get("managers") or {}
    lines += _table(
        [
            [
                label,
                str(info.get("url", "")),
                str(info.get("version", "")),
                str(info.get("edition", "")),
                str(info.get("hostname", "")),
                str(info.get("ip", "")),
            ]
            for label, info in sorted(m.items())
            if isinstance(info, dict)
        ],
        ["manager", "URL", "version", "edition", "host", "IP"],
    )
    advice = report["decommission"]
    lines += ["", "## Decommissioning the old manager", "", advice["text"]]
    for p in advice.get("pending", [])[:50]:
        lines.append(f"- pending: {p}")
    lines += ["", "## Steps", ""]
    lines += _table(
        [
            [s["title"], s["status"], "" if s["seconds"] is None else f"{s['seconds']:.0f} s", s["detail"]]
            for s in report["steps"]
        ],
        ["step", "status", "time", "detail"],
    )
    snap = report["snapshot"]
    lines += [
        "",
        "## Snapshot",
        "",
        f"- id: `{snap.get('id')}`",
        f"- size: {snap.get('size')} bytes",
        f"- sha256: `{snap.get('sha256')}`",
        f"- format: {report['archive'].get('format', '?')}, "
        f"version {report['archive'].get('snapshot_version', '?')}",
    ]
    cred = report.get("credentials") or {}
    if cred.get("changed"):
        lines += [
            "",
            f"**The new manager's admin password changed**: log in as `{cred.get('username')}` with the "
            f"{'old manager' if cred.get('which') == 'old' else 'given'}'s password.",
        ]
    inv = report["inventory"]
    lines += ["", "## Inventory (old → new)", ""]
    old_t = (inv.get("old") or {}).get("tenants", {})
    new_t = (inv.get("new") or {}).get("tenants", {})
    rows = []
    for tenant in sorted(set(old_t) | set(new_t)):
        o, n = old_t.get(tenant, {}), new_t.get(tenant, {})
        rows.append(
            [tenant]
            + [
                f"{o.get(k, '-')} → {n.get(k, '-')}"
                for k in ("blueprints", "deployments", "installed", "agents")
            ]
        )
    lines += _table(rows, ["tenant", "blueprints", "deployments", "installed", "agents"])
    lines += ["", "## Agents", ""]
    ag = report["agents"]
    lines += _table(
        [
            [
                r["tenant"],
                r["deployment"],
                r["status"],
                str(r.get("execution_id") or ""),
                str(r.get("reason", "")),
            ]
            for r in ag["deployments"]
        ]
        + [[s["tenant"], s["deployment"], "skipped", "", s["reason"]] for s in ag["skipped"]],
        ["tenant", "deployment", "status", "execution", "reason"],
    )
    lines += ["", "## Findings", ""]
    rows = []
    for phase, items in sorted((report.get("findings") or {}).items()):
        for f in items:
            rows.append([phase, f["status"], f["id"], f["title"], f.get("detail", "")])
    lines += _table(rows, ["phase", "status", "id", "title", "detail"])
    lines += ["", "## Waivers", ""]
    waivers = report.get("waivers") or []
    lines += [f"- `{w['id']}`: {w.get('reason') or 'no reason given'}" for w in waivers] or ["none"]
    lines += ["", "## Decisions", ""]
    lines += [f"- {d['at']}: {d['what']} → {d['answer']}" for d in report.get("decisions") or []] or ["none"]
    return "\n".join(lines) + "\n"


def write_report(journal: Journal) -> tuple[Path, Path]:
    """Write report.json and report.md (0600) next to the journal; returns their paths."""
    import json

    report = build_report(journal)
    json_path = journal.directory / "report.json"
    md_path = journal.directory / "report.md"
    atomic_write_text(json_path, json.dumps(report, indent=2, sort_keys=True) + "\n")
    atomic_write_text(md_path, render_markdown(report))
    return json_path, md_path
