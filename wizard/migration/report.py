"""The migration report: report.json (schema_version 1) and report.md, both mode 0600, in the
migration's directory — built from the journal alone, so `cfy-migrate report` can re-render it
at any time. No credentials ever: the journal holds none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from wizard.migration.state import Journal, MigrationState, StepRecord
from wizard.migration.state.records import as_json_dict
from wizard.migration.steps import ORDER, StepId
from wizard.migration.storage import atomic_write_text
from wizard.migration.units import human_bytes

REPORT_SCHEMA = 1


def _seconds(record: StepRecord) -> float | None:
    """The seconds a step worked (waiting for a person excluded), else its wall time."""
    if record.active_seconds:
        return record.active_seconds
    try:
        start = datetime.strptime(record.started_at or "", "%Y-%m-%dT%H:%M:%SZ")
        end = datetime.strptime(record.finished_at or "", "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return (end - start).total_seconds()


def _size(size: object) -> str:
    """'1.9 GiB (1,999,999,872 bytes)': the one byte formatter, and the exact count."""
    if not isinstance(size, int):
        return "?"
    return f"{human_bytes(size)} ({size:,} bytes)"


def decommission_advice(state: MigrationState) -> dict[str, Any]:
    """May the old manager be decommissioned? Only once every installed deployment's agents moved."""
    pending = [
        f"{r.tenant}/{r.deployment} ({r.status})"
        for r in state.agents.deployments.values()
        if r.status not in ("succeeded", "nothing-to-move")
    ]
    agents_done = state.step_status(StepId.INSTALL_AGENTS) in {"done", "already-done"}
    verified = state.step_status(StepId.VERIFY_INVENTORY) in {"done", "already-done"}
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


def build_report(journal: Journal, *, report_step_done: bool = False) -> dict[str, Any]:
    """The report as a JSON-ready dict (schema_version 1). `report_step_done`: the report step is
    written as done (it is the report being written), not as running."""
    s = journal.state
    steps = []
    for step in ORDER:
        rec = s.steps.get(step.value) or StepRecord()
        status = "done" if step is StepId.REPORT and report_step_done else rec.status
        steps.append(
            {
                "id": step.value,
                "title": step.label,
                "status": status,
                "started_at": rec.started_at,
                "finished_at": rec.finished_at,
                "seconds": _seconds(rec),
                "detail": rec.detail,
            }
        )
    a = s.archive
    return {
        "schema_version": REPORT_SCHEMA,
        "migration_id": s.migration_id,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "finished": s.finished,
        "exit_code": s.exit_code,
        "managers": s.managers,
        "options": s.options,
        "findings": s.findings,
        "waivers": s.waivers,
        "decisions": s.decisions,
        "steps": steps,
        "snapshot": {
            "id": s.snapshot.id,
            "execution_id": s.snapshot.execution_id,
            "size": a.size,
            "sha256": a.sha256,
            "file": a.file,
            "created_at": s.snapshot.created_at,
            "replaced_ids": s.snapshot.replaced_ids,
        },
        "archive": {
            k: v for k, v in as_json_dict(a).items() if k not in ("file", "size", "sha256", "downloaded_at")
        },
        "upload": as_json_dict(s.upload),
        "restore": {k: v for k, v in as_json_dict(s.restore).items() if k != "baseline_ids"},
        "credentials": as_json_dict(s.credentials),
        "inventory": {"old": s.inventory.old, "new": s.inventory.new, "old_at": s.inventory.old_at},
        "agents": {
            "deployments": [
                as_json_dict(r)
                for r in sorted(s.agents.deployments.values(), key=lambda r: (r.tenant, r.deployment))
            ],
            "skipped": s.agents.skipped,
            "parameters": s.agents.parameters,
        },
        "decommission": decommission_advice(s),
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
        f"- size: {_size(snap.get('size'))}",
        f"- sha256: `{snap.get('sha256')}` (checked again before the upload and the restore)",
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


def write_report(journal: Journal, *, report_step_done: bool = False) -> tuple[Path, Path]:
    """Write report.json and report.md (0600) next to the journal; returns their paths."""
    import json

    report = build_report(journal, report_step_done=report_step_done)
    json_path = journal.directory / "report.json"
    md_path = journal.directory / "report.md"
    atomic_write_text(json_path, json.dumps(report, indent=2, sort_keys=True) + "\n")
    atomic_write_text(md_path, render_markdown(report))
    return json_path, md_path
