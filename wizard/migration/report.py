"""The migration report: report.json (schema_version 1) and report.md, both mode 0600, in the
migration's directory — built from the journal alone, so `cfy-migrate report` can re-render it
at any time. No credentials ever: the journal holds none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from wizard.migration.report_sections import census_lines, decommission_lines, ledger_lines, md_table
from wizard.migration.state import Journal, MigrationState, StepRecord
from wizard.migration.state.records import as_json_dict
from wizard.migration.steps import StepId, plan_steps, step_title
from wizard.migration.storage import atomic_write_text
from wizard.migration.units import human_bytes
from wizard.migration.verdict import decommission_advice

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


def _mode(state: MigrationState) -> str:
    return str(state.options.get("mode") or "migrate")


def _advice(state: MigrationState) -> dict[str, Any]:
    """The decommissioning advice for this use of a snapshot: a backup has nothing to
    decommission; after a restore from an archive the old manager is already gone, so only what
    is left to do on the new manager counts (the verdict reads no ledger for a lost manager)."""
    mode = _mode(state)
    if mode == "backup":
        return {
            "allowed": False,
            "text": "A backup: the manager keeps running. Keep the archive and its manifest private.",
            "pending": [],
            "blockers": [],
        }
    advice = decommission_advice(state)
    if mode != "restore":
        return advice
    left = advice.get("blockers", [])
    if not left:
        text = "The old manager was lost; this restore stands in for it: the inventory matches and every "
        text += "installed deployment's agents talk to the new manager."
    else:
        text = "Not done yet: " + "; ".join(b["what"] for b in left) + "."
    return {**advice, "allowed": not left, "blockers": left, "text": text}


def _steps_of(state: MigrationState) -> tuple[StepId, ...]:
    return plan_steps(
        _mode(state), makes_snapshot=not state.options.get("archive") and _mode(state) != "restore"
    )


def build_report(journal: Journal, *, report_step_done: bool = False) -> dict[str, Any]:
    """The report as a JSON-ready dict (schema_version 1). `report_step_done`: the report step is
    written as done (it is the report being written), not as running."""
    s = journal.state
    steps = []
    for step in _steps_of(s):
        rec = s.steps.get(step.value) or StepRecord()
        status = "done" if step is StepId.REPORT and report_step_done else rec.status
        steps.append(
            {
                "id": step.value,
                "title": step_title(step, _mode(s)),
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
        "mode": _mode(s),
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
        "freeze": as_json_dict(s.freeze),
        "inventory": {"old": s.inventory.old, "new": s.inventory.new, "old_at": s.inventory.old_at},
        "agents": {
            "deployments": [
                as_json_dict(r)
                for r in sorted(s.agents.deployments.values(), key=lambda r: (r.tenant, r.deployment))
            ],
            "skipped": s.agents.skipped,
            "manual": s.agents.manual,
            "parameters": {k: v for k, v in s.agents.parameters.items() if k != "manager_certificate"},
            "manager_certificate": _certificate_note(s.agents.parameters),
            "waves_accepted": s.agents.waves_accepted,
        },
        "census": as_json_dict(s.census),
        "ledger": as_json_dict(s.ledger),
        "decommission": _advice(s),
    }


def _certificate_note(params: dict[str, Any]) -> str:
    """What was sent as manager_certificate (never the PEM itself: it is long, not secret)."""
    cert = params.get("manager_certificate")
    if "manager_ip" not in params:
        return ""
    if not cert:
        return "not sent: the new manager's CA is unknown (agents must already trust it)"
    return f"the new manager's CA ({len(str(cert))} bytes), sent with manager_ip so agents can verify it"


_table = md_table


def _freeze_lines(freeze: dict[str, Any]) -> list[str]:
    """What --freeze-old did to the old manager (nothing when it was not used)."""
    if freeze.get("found_active"):
        return ["", "**Old manager**: it was already in maintenance mode; cfy-migrate left it so."]
    if not freeze.get("intent_at"):
        return []
    if freeze.get("release_error"):
        return [
            "",
            f"**Old manager still in maintenance mode**: lifting it failed ({freeze['release_error']}); "
            "run `cfy maintenance-mode deactivate` against it.",
        ]
    if freeze.get("released_at"):
        return [
            "",
            f"**Old manager**: frozen (maintenance mode) from {freeze.get('activated_at') or '?'} to "
            f"{freeze['released_at']} ({freeze.get('released_why') or ''}).",
        ]
    return [
        "",
        f"**Old manager frozen**: in maintenance mode since {freeze.get('activated_at') or '?'}; it is "
        "lifted when the migration finishes (or `cfy maintenance-mode deactivate` against it).",
    ]


def render_markdown(report: dict[str, Any]) -> str:
    """report.md: the same facts for a person."""
    titles = {"backup": "backup", "restore": "restore from an archive"}
    kind = titles.get(str(report.get("mode")), "migration")
    lines = [f"# cfy-migrate report — {kind} {report['migration_id']}", ""]
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
    lines += decommission_lines(report["decommission"], str(report.get("mode") or "migrate"))
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
    arch = report["archive"]
    if arch.get("source") == "given":
        lines.append(f"- given with --archive: `{snap.get('file')}` (used where it is, never changed)")
    if arch.get("repaired_sha256"):
        lines.append(
            "- restored from a repaired copy (stage/composer keys added): "
            f"sha256 `{arch['repaired_sha256']}`, {arch.get('repaired_size')} bytes; the original above is "
            "untouched"
        )
    named = (arch.get("facts") or {}).get("manager_ips") or []
    if named:
        lines.append(f"- the archive's certificates name the manager {', '.join(named)}")
    cred = report.get("credentials") or {}
    if cred.get("changed"):
        lines += [
            "",
            f"**The new manager's admin password changed**: log in as `{cred.get('username')}` with the "
            f"{'old manager' if cred.get('which') == 'old' else 'given'}'s password.",
        ]
    lines += _freeze_lines(report.get("freeze") or {})
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
    lines += census_lines(report.get("census") or {})
    lines += ledger_lines(report.get("ledger") or {})
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
        + [[s["tenant"], s["deployment"], "skipped", "", s["reason"]] for s in ag["skipped"]]
        + [[m["tenant"], m["deployment"], "cannot move", "", m["reason"]] for m in ag.get("manual", [])],
        ["tenant", "deployment", "status", "execution", "reason"],
    )
    if ag.get("manager_certificate"):
        lines += ["", f"manager_certificate: {ag['manager_certificate']}."]
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
