"""Installed-deployment detection from node instances, inventory comparison, report rendering."""

from __future__ import annotations

import json
from pathlib import Path

from wizard.cloudify.models import Deployment, NodeInstance
from wizard.migration.findings import Status
from wizard.migration.inventory import Inventory, compare_inventories, split_by_node_instances
from wizard.migration.report import build_report, render_markdown, write_report
from wizard.migration.state import AgentRecord, Journal
from wizard.migration.steps import StepId


def test_installed_from_node_instances_like_cfy_agents_install() -> None:
    deps = [Deployment("d1", "t"), Deployment("d2", "t"), Deployment("d3", "t")]
    instances = [
        NodeInstance("vm_1", "d1", "vm", "vm_1", "started", "t"),
        NodeInstance("app_1", "d1", "app", "vm_1", "configured", "t"),  # not a host: ignored
        NodeInstance("vm_2", "d2", "vm", "vm_2", "uninitialized", "t"),
        NodeInstance("db_3", "d3", "db", "", "started", "t"),  # no host at all: kept, as the CLI does
    ]
    split = split_by_node_instances(deps, instances)
    assert [d.id for d in split.installed] == ["d1", "d3"]
    assert split.skipped[0].deployment == "d2" and "uninitialized" in split.skipped[0].reason


def _inv(**tenants: tuple[int, int, int]) -> Inventory:
    return Inventory(
        {
            t: {"blueprints": b, "deployments": d, "installed": i, "agents": 0}
            for t, (b, d, i) in tenants.items()
        }
    )


def test_compare_inventories() -> None:
    old = _inv(default_tenant=(2, 3, 2), t1=(1, 1, 1))
    assert compare_inventories(old, _inv(default_tenant=(2, 3, 2), t1=(1, 1, 1)))[0].status is Status.PASS
    empty = compare_inventories(old, _inv(default_tenant=(0, 0, 0)))
    assert any(f.id == "verify.restored-something" and f.status is Status.FAIL for f in empty)
    partial = compare_inventories(old, _inv(default_tenant=(2, 3, 2)))
    assert any(f.id == "verify.inventory" and f.status is Status.FAIL for f in partial)


def test_report_rendering(tmp_path: Path) -> None:
    j = Journal.create(tmp_path, "m1", "https://old:443", "https://new:443", {})
    j.state.managers.update(
        old={"url": "https://old:443", "version": "6.4.2", "ip": "10.0.0.5"},
        new={"url": "https://new:443", "version": "7.0.4", "ip": "10.0.0.6"},
    )
    j.state.inventory.old = _inv(default_tenant=(1, 2, 1)).to_json()
    j.state.agents.deployments = {
        "default_tenant/d1": AgentRecord("default_tenant", "d1", "failed", reason="host down")
    }
    j.state.agents.skipped = [{"tenant": "default_tenant", "deployment": "d2", "reason": "not installed"}]
    j.record_waivers([{"id": "new.plugins-secrets", "reason": "expected"}])
    j.finish_step(StepId.INSTALL_AGENTS, "failed", "0 succeeded, 1 failed")
    report = build_report(j)
    assert report["schema_version"] == 1 and report["decommission"]["allowed"] is False
    md = render_markdown(report)
    assert "Do NOT decommission" in md and "host down" in md and "new.plugins-secrets" in md
    json_path, md_path = write_report(j)
    assert json.loads(json_path.read_text())["migration_id"] == "m1"
    assert oct(md_path.stat().st_mode & 0o777) == "0o600"
